//! The demo paper's discussion: comments on passages of its claims (a question with a reply
//! thread, a request for evidence), one on a whole recommendation, one hidden by an editor
//! with its reason, and an amendment to the travel-cost recommendation that members have
//! commented on and voted on. Nothing here is left waiting in the moderation queue.
use crate::domain::amendments::AmendmentChoice;
use crate::domain::anchors::{self, TextQuote};
use crate::domain::comments::CommentKind;
use crate::error::AppError;
use crate::store::{
    Db, amendments,
    comments::{self, NewComment},
    members,
    papers::{self, BlockRow},
};

/// (author, the block's opening words, kind, passage quoted or "" for the whole block, text)
const COMMENTS: &[(&str, &str, CommentKind, &str, &str)] = &[
    (
        "awa.diop@example.org",
        "Without structured follow-up",
        CommentKind::NeedsEvidence,
        "fade within a year",
        "Which assessment shows this? Our follow-up of host communities in Senegal found \
         the contact lasting for years.",
    ),
    (
        "camille.dubois@example.org",
        "Involve families",
        CommentKind::Comment,
        "",
        "Our families' evenings before departure could serve as an example here: parents \
         meet the camp leaders and other families.",
    ),
];

async fn member(db: &Db, email: &str) -> Result<String, AppError> {
    Ok(members::find_for_login(db, email)
        .await?
        .ok_or(AppError::Internal)?
        .id)
}

fn block<'a>(blocks: &'a [BlockRow], opening: &str) -> Result<&'a BlockRow, AppError> {
    blocks
        .iter()
        .find(|b| b.text.starts_with(opening))
        .ok_or(AppError::Internal)
}

/// The selector of `passage` in the block as readers see it.
fn quote(block: &BlockRow, passage: &str) -> Result<TextQuote, AppError> {
    let text = crate::markdown::reading_text(
        &block.text,
        |key| block.cites.iter().any(|c| c.key == key),
        "evidence needed",
    );
    anchors::from_quoted(&text, passage, "", "").ok_or(AppError::Internal)
}

/// One comment to post: who, what kind, on which passage (None: the whole block), replying
/// to which comment.
struct Said<'a> {
    author: &'a str,
    kind: CommentKind,
    passage: Option<&'a str>,
    text: &'a str,
    parent: Option<&'a str>,
}

async fn post(
    db: &Db,
    paper_id: &str,
    block: &BlockRow,
    said: Said<'_>,
) -> Result<String, AppError> {
    let quote = said.passage.map(|p| quote(block, p)).transpose()?;
    comments::post(
        db,
        &NewComment {
            paper: paper_id,
            block: &block.id,
            amendment: None,
            parent: said.parent,
            kind: said.kind,
            text: said.text,
            quote: quote.as_ref(),
            author: said.author,
        },
    )
    .await?
    .ok_or(AppError::Internal)
}

pub async fn load(db: &Db, paper_id: &str) -> Result<(), AppError> {
    let blocks = papers::blocks(db, paper_id).await?;
    let marco = member(db, "marco.bellini@example.org").await?;
    let lucia = member(db, "lucia.romero@example.org").await?;

    // A question on a passage, answered in a thread.
    let jobs = block(&blocks, "Within six months of the camp")?;
    let question = post(
        db,
        paper_id,
        jobs,
        Said {
            author: &lucia,
            kind: CommentKind::Question,
            passage: Some("a substantial share"),
            text: "How large a share? If the French indicator gives a figure, could the text say it?",
            parent: None,
        },
    )
    .await?;
    let answer = post(
        db,
        paper_id,
        jobs,
        Said {
            author: &marco,
            kind: CommentKind::Comment,
            passage: None,
            text: "Good point: we will give the figure once the French data are checked.",
            parent: Some(&question),
        },
    )
    .await?;
    post(
        db,
        paper_id,
        jobs,
        Said {
            author: &lucia,
            kind: CommentKind::Comment,
            passage: None,
            text: "Thanks. Our Spanish follow-up has a comparable figure, if it helps.",
            parent: Some(&answer),
        },
    )
    .await?;

    for (email, opening, kind, passage, text) in COMMENTS {
        let author = member(db, email).await?;
        let on = block(&blocks, opening)?;
        let passage = (!passage.is_empty()).then_some(*passage);
        let said = Said {
            author: &author,
            kind: *kind,
            passage,
            text,
            parent: None,
        };
        post(db, paper_id, on, said).await?;
    }

    // A remark about people rather than the text: reported, then hidden with a reason.
    let nikos = member(db, "nikos.papadopoulos@example.org").await?;
    let remark = post(
        db,
        paper_id,
        block(&blocks, "Participation in a workcamp leads")?,
        Said {
            author: &nikos,
            kind: CommentKind::Comment,
            passage: None,
            text: "Whoever wrote this has never run a camp.",
            parent: None,
        },
    )
    .await?;
    let sanne = member(db, "sanne.devries@example.org").await?;
    comments::report(
        db,
        &remark,
        "A personal remark, not about the text.",
        &sanne,
    )
    .await?;
    comments::hide(
        db,
        &remark,
        "A remark about people rather than the text: please comment on what the paper says.",
        &marco,
    )
    .await?;

    // An amendment to the travel-cost recommendation, commented on and voted on.
    let travel = block(&blocks, "Create a travel-cost top-up")?;
    let amendment = amendments::propose(
        db,
        paper_id,
        &travel.id,
        travel.rev,
        "Create a travel-cost top-up for participants from remote and rural areas, together \
         with outreach through local youth services.",
        "A top-up alone will not reach rural participants: they first need to hear about \
         the camps, and local youth services are where they do.",
        &lucia,
    )
    .await?
    .map_err(|_| AppError::Internal)?;
    for (email, choice) in [
        ("jonas.weber@example.org", AmendmentChoice::Support),
        ("awa.diop@example.org", AmendmentChoice::Support),
        ("thu.nguyen@example.org", AmendmentChoice::Oppose),
    ] {
        amendments::take_position(db, &amendment, &member(db, email).await?, choice)
            .await?
            .map_err(|_| AppError::Internal)?;
    }
    comments::post(
        db,
        &NewComment {
            paper: paper_id,
            block: &travel.id,
            amendment: Some(&amendment),
            parent: None,
            kind: CommentKind::Question,
            text: "Outreach costs differ a lot between countries: who would pay for it?",
            quote: None,
            author: &member(db, "thu.nguyen@example.org").await?,
        },
    )
    .await?
    .ok_or(AppError::Internal)?;
    Ok(())
}
