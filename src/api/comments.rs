//! Comments on a draft's blocks, on a passage of one, or on an amendment; their threads; the
//! author's 15-minute correction; resolving and reopening (the paper's editors and admins);
//! and the open threads per block for the workspace's margin and its filter. Every signed-in
//! member comments; visitors are refused.
// `post_comment` takes the fields of a plain form, one argument each (eight); the browser's
// side of a server function is generated without the function's own attributes, so the
// allowance is the module's.
#![allow(clippy::too_many_arguments)]
use crate::domain::amendments::AmendmentView;
use crate::domain::comments::{CommentsView, OpenCount};
use crate::domain::papers::BlockView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door,
    super::papers::access::{block_of, can_edit, needed_label, paper, require_member},
    crate::domain::accounts::SessionMember,
    crate::domain::anchors::{self, TextQuote},
    crate::domain::comments::{
        self as rules, CommentView, HiddenView, PassageView, edit_seconds_left, threads,
    },
    crate::domain::papers::discussion_href,
    crate::state::AppState,
    crate::store::{
        self,
        comments::{CommentRow, EditRefused, NewComment},
        papers::PaperRow,
    },
};

/// The comments on a block (or, with `amendment`, on one of its amendments), in threads.
#[server(prefix = "/fn", endpoint = "block_comments", input = leptos::server_fn::codec::GetUrl)]
pub async fn block_comments(
    slug: String,
    block: String,
    #[server(default)] amendment: String,
) -> Result<CommentsView, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let label = needed_label();
        let paper = paper(&state, &slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        comments_on(&state, &member, &paper, &block, &amendment, &label).await
    }
    .await;
    door::finish(result, &[])
}

/// The comments on a block of `paper` (or on one of its amendments), in threads. `block` is
/// known to be the paper's (see `block_of`).
#[cfg(feature = "ssr")]
pub(crate) async fn comments_on(
    state: &AppState,
    member: &SessionMember,
    paper: &PaperRow,
    block: &str,
    amendment: &str,
    label: &str,
) -> Result<CommentsView, AppError> {
    let amendment = some(amendment);
    let (rows, can_moderate, text) = tokio::join!(
        async {
            match amendment {
                Some(_) => store::comments::of_block(&state.db, &paper.id, block, amendment).await,
                None => store::comments::all_of_block(&state.db, &paper.id, block).await,
            }
        },
        can_edit(state, paper, member),
        quoted_text(state, paper, block, amendment, label),
    );
    let text = text?.unwrap_or_default();
    // Comments on the block's amendments, by amendment (in the order first commented).
    let mut own = Vec::new();
    let mut others: Vec<(String, Vec<CommentRow>)> = Vec::new();
    for row in rows? {
        match row.amendment.clone().filter(|_| amendment.is_none()) {
            None => own.push(row),
            Some(id) => match others.iter_mut().find(|(a, _)| *a == id) {
                Some((_, list)) => list.push(row),
                None => others.push((id, vec![row])),
            },
        }
    }
    let in_threads = |rows: Vec<CommentRow>, text: &str| {
        threads(
            rows.into_iter()
                .map(|row| {
                    let root = row.root().to_string();
                    (view(row, member, can_moderate, text), root)
                })
                .collect(),
        )
    };
    // The commented amendments' proposed texts, read once for all of them.
    let mut on_amendments = Vec::with_capacity(others.len());
    if !others.is_empty() {
        let proposed = store::amendments::texts_of_block(&state.db, &paper.id, block).await?;
        let reading = ReadingText::of(state, paper, block, label).await?;
        for (id, rows) in others {
            let text = proposed
                .iter()
                .find(|(a, _)| *a == id)
                .map(|(_, text)| reading.of_text(text))
                .unwrap_or_default();
            on_amendments.push((id, in_threads(rows, &text)));
        }
    }
    Ok(CommentsView {
        threads: in_threads(own, &text),
        can_moderate,
        sentences: anchors::sentences(&text),
        on_amendments,
    })
}

/// Everything a block's discussion page shows.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DiscussionView {
    pub slug: String,
    pub title: String,
    /// The block rendered as the workspace shows it.
    pub block: BlockView,
    /// The block's Markdown, where a proposed amendment starts from.
    pub text: String,
    pub comments: CommentsView,
    pub amendments: Vec<AmendmentView>,
    /// The block's saved texts, newest first, each compared with the one before.
    pub revisions: Vec<super::blocks::RevisionChange>,
}

/// A block's discussion in one call: the block, its comment threads and its amendments. (One
/// call reads who is calling once, before anything is awaited; see `workspace_page`.)
#[server(prefix = "/fn", endpoint = "block_discussion", input = leptos::server_fn::codec::GetUrl)]
pub async fn block_discussion(slug: String, block: String) -> Result<DiscussionView, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let label = needed_label();
        let paper = paper(&state, &slug).await?;
        let id = block_of(&state, &paper, &block).await?;
        let (shown, current, comments, amendments, revisions) = tokio::join!(
            super::papers::workspace(&state, &member, paper.clone(), 0, &id, &label),
            store::papers::block(&state.db, &id),
            comments_on(&state, &member, &paper, &id, "", &label),
            super::amendments::amendments_of(&state, &member, &paper, Some(&id)),
            super::blocks::revision_changes(&state, &id),
        );
        let shown = shown?;
        let found = shown
            .blocks
            .into_iter()
            .find(|b| b.id == id)
            .ok_or(AppError::NotFound)?;
        Ok(DiscussionView {
            slug: shown.slug,
            title: shown.title,
            block: found,
            text: current?.ok_or(AppError::NotFound)?.text,
            comments: comments?,
            amendments: amendments?,
            revisions: revisions?,
        })
    }
    .await;
    door::finish(result, &[])
}

/// Posts a comment on a block, or on a passage of it: `passage` is the exact text quoted
/// (typed, or a selection's text); `prefix` and `suffix`, when the page sends them, are the
/// text just before and after it, to tell repeats apart. The server finds the passage in the
/// block's text as readers see it and keeps its own context around it; a passage it cannot
/// find is refused, with nothing posted. With `amendment`, the comment is about that
/// amendment (and a passage is quoted from its proposed text). Answers the comment's id.
#[server(prefix = "/fn", endpoint = "post_comment")]
pub async fn post_comment(
    slug: String,
    block: String,
    #[server(default)] kind: String,
    text: String,
    #[server(default)] passage: String,
    /// A sentence chosen from the list instead of typing (`passage` wins when both are given).
    #[server(default)]
    sentence: String,
    #[server(default)] prefix: String,
    #[server(default)] suffix: String,
    #[server(default)] amendment: String,
) -> Result<String, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        let kind = kind_or_comment(&kind)?;
        let body = rules::comment_text(&text)?;
        let amendment = some(&amendment);
        let passage = if passage.trim().is_empty() {
            &sentence
        } else {
            &passage
        };
        let quote = if passage.trim().is_empty() {
            None
        } else {
            if passage.chars().count() > anchors::EXACT_MAX {
                return Err(AppError::invalid(
                    "passage",
                    crate::error::Problem::TooLong {
                        max: anchors::EXACT_MAX,
                    },
                ));
            }
            // A deleted block (or amendment) has no text to quote from: refused below.
            let Some(text) =
                quoted_text(&state, &paper, &block, amendment, &needed_label()).await?
            else {
                return Err(AppError::NotFound);
            };
            let quote = anchors::from_quoted(&text, passage, &prefix, &suffix)
                .ok_or_else(rules::passage_not_found)?;
            Some(quote)
        };
        let id = post(
            &state,
            &NewComment {
                paper: &paper.id,
                block: &block,
                amendment,
                parent: None,
                kind,
                text: &body,
                quote: quote.as_ref(),
                author: &member.id,
            },
        )
        .await?;
        door::redirect_plain_form(&comment_href(&slug, &block, &id));
        Ok(id)
    }
    .await;
    door::finish(
        result,
        &[
            ("text", &text),
            ("kind", &kind),
            ("passage", &passage),
            ("sentence", &sentence),
            ("amendment", &amendment),
        ],
    )
}

/// Replies to a comment (to a reply too: threads nest by `parent`, and gather under their
/// first comment). Answers the reply's id.
#[server(prefix = "/fn", endpoint = "reply_comment")]
pub async fn reply_comment(
    slug: String,
    parent: String,
    text: String,
    #[server(default)] kind: String,
) -> Result<String, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let parent = comment_of(&state, &paper, &parent).await?;
        let kind = kind_or_comment(&kind)?;
        let body = rules::comment_text(&text)?;
        let id = post(
            &state,
            &NewComment {
                paper: &paper.id,
                block: &parent.block,
                amendment: parent.amendment.as_deref(),
                parent: Some(&parent.id),
                kind,
                text: &body,
                quote: None,
                author: &member.id,
            },
        )
        .await?;
        door::redirect_plain_form(&comment_href(&slug, &parent.block, &id));
        Ok(id)
    }
    .await;
    // `parent` tells the page which thread's reply form came back.
    door::finish(
        result,
        &[("text", &text), ("kind", &kind), ("parent", &parent)],
    )
}

/// The author corrects their comment, within 15 minutes of posting it (by the database's
/// clock); it shows as edited. Later: Conflict (`edit_window`), the text kept in the form.
#[server(prefix = "/fn", endpoint = "edit_comment")]
pub async fn edit_comment(slug: String, comment: String, text: String) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let row = comment_of(&state, &paper, &comment).await?;
        if row.author_id != member.id || row.hidden_reason.is_some() {
            return Err(AppError::Forbidden);
        }
        let body = rules::comment_text(&text)?;
        match store::comments::edit(&state.db, &row.id, &body, &member.id).await? {
            Ok(()) => {}
            Err(EditRefused::Missing) => return Err(AppError::NotFound),
            Err(EditRefused::TooLate) => return Err(rules::edit_window_closed()),
        }
        door::redirect_plain_form(&comment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[("text", &text), ("comment", &comment)])
}

/// Resolves a thread (`reopen` false) or reopens it: the paper's editors and admins, on a
/// thread's first comment.
#[server(prefix = "/fn", endpoint = "resolve_comment")]
pub async fn resolve_comment(
    slug: String,
    comment: String,
    #[server(default)] reopen: bool,
) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let row = comment_of(&state, &paper, &comment).await?;
        if !can_edit(&state, &paper, &member).await {
            return Err(AppError::Forbidden);
        }
        // Only a thread is resolved, not one reply of it.
        if row.thread.is_some()
            || !store::comments::set_resolved(&state.db, &row.id, !reopen, &member.id).await?
        {
            return Err(AppError::NotFound);
        }
        comments_changed(&state, &paper.id);
        door::redirect_plain_form(&comment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[])
}

/// How many open threads each block of the paper has (blocks with none are left out): the
/// numbers in the workspace's margin.
#[server(prefix = "/fn", endpoint = "open_comment_counts", input = leptos::server_fn::codec::GetUrl)]
pub async fn open_comment_counts(slug: String) -> Result<Vec<OpenCount>, AppError> {
    let result = async {
        let (state, _member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        crate::drafts::open_counts(&state.db, &state.caches, &paper.id).await
    }
    .await;
    door::finish(result, &[])
}

/// The workspace filtered to the blocks with open threads, in the paper's order, rendered
/// as the workspace shows them (see `open_comment_counts` for their numbers).
#[server(prefix = "/fn", endpoint = "blocks_with_open_comments", input = leptos::server_fn::codec::GetUrl)]
pub async fn blocks_with_open_comments(slug: String) -> Result<Vec<BlockView>, AppError> {
    let result = async {
        let (state, _member) = require_member()?;
        let label = needed_label();
        let paper = paper(&state, &slug).await?;
        let counts = crate::drafts::open_counts(&state.db, &state.caches, &paper.id).await?;
        crate::drafts::blocks_counted(&state.db, &state.caches, &paper.id, &counts, &label).await
    }
    .await;
    door::finish(result, &[])
}

/// A comment of `paper` changed here: its margin's counts are read again at once (other
/// instances drop theirs when the comment's event arrives).
#[cfg(feature = "ssr")]
pub(super) fn comments_changed(state: &AppState, paper_id: &str) {
    state.caches.open_counts().forget(paper_id);
}

#[cfg(feature = "ssr")]
fn some(id: &str) -> Option<&str> {
    (!id.is_empty()).then_some(id)
}

#[cfg(feature = "ssr")]
fn kind_or_comment(kind: &str) -> Result<rules::CommentKind, AppError> {
    if kind.trim().is_empty() {
        Ok(rules::CommentKind::Comment)
    } else {
        kind.parse()
    }
}

/// Where a plain form goes back to after a change to a comment.
#[cfg(feature = "ssr")]
pub(super) fn comment_href(slug: &str, block: &str, comment: &str) -> String {
    format!("{}#comment-{comment}", discussion_href(slug, block))
}

#[cfg(feature = "ssr")]
async fn post(state: &AppState, comment: &NewComment<'_>) -> Result<String, AppError> {
    // None: the block (or the amendment, or the comment replied to) is gone or was deleted.
    let posted = store::comments::post(&state.db, comment)
        .await?
        .ok_or(AppError::NotFound)?;
    comments_changed(state, comment.paper);
    Ok(posted)
}

/// A comment id from a request, checked to belong to the paper.
#[cfg(feature = "ssr")]
pub(super) async fn comment_of(
    state: &AppState,
    paper: &PaperRow,
    comment: &str,
) -> Result<CommentRow, AppError> {
    if comment.is_empty() || comment.len() > 64 {
        return Err(AppError::NotFound);
    }
    match store::comments::get(&state.db, comment).await? {
        Some(row) if row.paper == paper.id => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// The text passages are quoted from, as readers see it: the block's (or, with `amendment`,
/// the proposed text's). None when the block is deleted or the amendment is not its own.
#[cfg(feature = "ssr")]
async fn quoted_text(
    state: &AppState,
    paper: &PaperRow,
    block: &str,
    amendment: Option<&str>,
    label: &str,
) -> Result<Option<String>, AppError> {
    let text = match amendment {
        Some(id) => match store::amendments::get(&state.db, id).await? {
            Some(a) if a.block == block && !a.block_deleted => a.text,
            _ => return Ok(None),
        },
        None => match store::papers::block(&state.db, block).await? {
            Some(row) => row.text,
            None => return Ok(None),
        },
    };
    Ok(Some(
        ReadingText::of(state, paper, block, label)
            .await?
            .of_text(&text),
    ))
}

/// How a block's (or a proposed) text reads: its citations as the workspace shows them,
/// known keys plain and unknown ones marked.
#[cfg(feature = "ssr")]
struct ReadingText {
    known: Vec<String>,
    label: String,
}

#[cfg(feature = "ssr")]
impl ReadingText {
    async fn of(
        state: &AppState,
        paper: &PaperRow,
        block: &str,
        label: &str,
    ) -> Result<Self, AppError> {
        let draft =
            crate::drafts::draft_holding(&state.db, &state.caches, &paper.id, label, block).await?;
        let known = draft
            .blocks
            .iter()
            .find(|b| b.id == block)
            .map(|b| b.cited.iter().map(|c| c.key.clone()).collect())
            .unwrap_or_default();
        Ok(ReadingText {
            known,
            label: label.to_string(),
        })
    }

    fn of_text(&self, text: &str) -> String {
        crate::markdown::reading_text(text, |key| self.known.iter().any(|k| k == key), &self.label)
    }
}

/// A stored comment as `member` sees it: a hidden one's text only for those who moderate,
/// the Markdown to correct only for its author within the window, its passage anchored in
/// `text` (the quoted text now).
#[cfg(feature = "ssr")]
fn view(row: CommentRow, member: &SessionMember, can_moderate: bool, text: &str) -> CommentView {
    let passage = row.quote().map(|quote: TextQuote| PassageView {
        anchoring: anchors::anchor(text, &quote),
        quote,
    });
    let hidden = row.hidden_reason.clone().map(|reason| HiddenView {
        reason,
        by: row.hidden_by.clone(),
        at: row.hidden_on.clone(),
    });
    let own = row.author_id == member.id && hidden.is_none();
    let left = if own { edit_seconds_left(row.age) } else { 0 };
    let shown = hidden.is_none() || can_moderate;
    CommentView {
        html: if shown {
            crate::markdown::render(&row.text)
        } else {
            String::new()
        },
        text: (left > 0).then(|| row.text.clone()),
        kind: row.kind.parse().unwrap_or(rules::CommentKind::Comment),
        id: row.id,
        block: row.block,
        amendment: row.amendment,
        parent: row.parent,
        author: row.author,
        organisation: row.organisation,
        created_at: row.posted_at,
        edited: row.edited,
        resolved: row.resolved,
        hidden,
        passage,
        edit_seconds_left: left,
    }
}
