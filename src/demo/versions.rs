//! The demo paper's history: published as v1 a month ago and as v2 ten days ago, before the
//! consultation on the current draft opened, so the reading view, its version picker and the
//! chain have something to show on first start. Between the two a claim was reworded and
//! gained a second citation, and an indicator it cites was corrected.
use crate::domain::coverage::{BlockKind, Warning};
use crate::error::AppError;
use crate::publishing::{Inputs, build};
use crate::store::papers::{BlockRow, CiteSpec};
use crate::store::versions::PublishRefused;
use crate::store::{self, Db, OrInternal};

const AUTHOR: &str = "marco.bellini@example.org";
/// The claim v2 reworded, with the citation it gained (a public finding, so readers see the
/// link added when they compare the versions).
const CHANGED_CLAIM: &str = "it-2019-indicator-01";
const V1_CLAIM: &str = "Leadership experience at camp often carries over into local civic life [@pl-2019-indicator-01].";
/// The indicator corrected in v2 (v1 was published with the survey's preliminary figure).
const CORRECTED_INDICATOR: &str = "be-2019-indicator-01";
const PRELIMINARY_DIFFERENCE: f64 = -6.0;

pub async fn load(db: &Db, paper_id: &str, slug: &str, title: &str) -> Result<(), AppError> {
    let author = store::members::find_for_login(db, AUTHOR)
        .await?
        .map(|row| row.id);
    let rows = store::papers::blocks(db, paper_id).await?;
    let claim = rows
        .iter()
        .find(|row| row.cites.iter().any(|c| c.key == CHANGED_CLAIM))
        .cloned()
        .ok_or(AppError::Internal)?;
    // v1: the earlier wording, and the preliminary figure.
    let v1_rev = save(db, &claim, claim.rev, V1_CLAIM, author.as_deref()).await?;
    shift_indicator(db, PRELIMINARY_DIFFERENCE).await?;
    let paper = Paper {
        id: paper_id,
        slug,
        title,
        author: author.clone(),
    };
    let v1 = publish(
        db,
        &paper,
        1,
        String::new(),
        "First publication, for the network's spring meeting.",
        30,
    )
    .await?;
    // v2: the claim as the draft has it now, and the final figure.
    save(db, &claim, v1_rev, &claim.text, author.as_deref()).await?;
    shift_indicator(db, -PRELIMINARY_DIFFERENCE).await?;
    publish(
        db,
        &paper,
        2,
        v1,
        "The leadership claim now cites the Italian follow-up too; the Belgian \
         confidence figure is the survey's final one, not its preliminary estimate.",
        10,
    )
    .await?;
    Ok(())
}

/// The demo paper, and who publishes it.
struct Paper<'a> {
    id: &'a str,
    slug: &'a str,
    title: &'a str,
    author: Option<String>,
}

async fn save(
    db: &Db,
    block: &BlockRow,
    rev: i64,
    text: &str,
    author: Option<&str>,
) -> Result<i64, AppError> {
    let kind: BlockKind = block.kind.parse()?;
    store::papers::save_block(
        db,
        &block.id,
        rev,
        kind,
        text,
        &CiteSpec::from_text(text, ""),
        author,
    )
    .await
    .map_err(|_| AppError::Internal)
}

/// The demo changes its own finding directly: no member edits it, so no history is due.
async fn shift_indicator(db: &Db, by: f64) -> Result<(), AppError> {
    db.query("UPDATE evidence SET value = value + $by WHERE key = $key")
        .bind(("by", by))
        .bind(("key", CORRECTED_INDICATOR))
        .await
        .and_then(|r| r.check())
        .or_internal("demo indicator")?;
    Ok(())
}

/// Publishes the draft as it stands, `days_ago`; answers the version's hash. Its unsupported
/// recommendations carry the override an editor would have written.
async fn publish(
    db: &Db,
    paper: &Paper<'_>,
    number: u32,
    previous_hash: String,
    release_notes: &str,
    days_ago: i64,
) -> Result<String, AppError> {
    let paper_id = paper.id;
    let rows = store::papers::blocks(db, paper_id).await?;
    let findings = store::versions::cited_findings(db, paper_id).await?;
    let checked = crate::drafts::assemble(rows.clone(), "evidence needed", None);
    let overrides = checked
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Recommendation && b.warnings.contains(&Warning::Unsupported))
        .map(|b| {
            (
                b.id.clone(),
                "Asked for by the member organisations at the spring meeting; evidence is being gathered."
                    .to_string(),
            )
        })
        .collect();
    let at = chrono::Utc::now() - chrono::Duration::days(days_ago);
    let version = build(Inputs {
        slug: paper.slug.to_string(),
        title: paper.title.to_string(),
        number,
        previous_hash,
        blocks: rows,
        findings,
        tallies: Vec::new(),
        dissent: Vec::new(),
        release_notes: release_notes.to_string(),
        overrides,
        author_id: paper.author.clone(),
        author_name: "Marco Bellini".into(),
        published_at: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    let hash = version.hash.clone();
    match store::versions::create(db, paper_id, version).await {
        Ok(()) => Ok(hash),
        Err(PublishRefused::AlreadyPublished) => Err(AppError::Internal),
        Err(PublishRefused::Error(error)) => Err(error),
    }
}
