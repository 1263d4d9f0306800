//! A draft's blocks: add, save (with conflict detection), move, delete and restore, their
//! revisions and word diffs, the live preview, who is editing which block, and Markdown
//! import. Members read; the paper's editors (and admins) change.
use crate::domain::papers::{DiffPart, RevisionView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::door,
    super::papers::access::{
        block_of, changed, editable, needed_label, paper, require_member, writable,
    },
    crate::domain::citations,
    crate::domain::coverage::BlockKind,
    crate::domain::diff::word_diff,
    crate::domain::order::{Step, stepped},
    crate::domain::papers::{self as rules, draft_block_href},
    crate::error::Problem,
    crate::state::AppState,
    crate::store::{self, papers::CiteSpec},
};

#[server(prefix = "/fn", endpoint = "add_block")]
pub async fn add_block(slug: String, after: String, kind: String) -> Result<String, AppError> {
    let result = async {
        let (state, member, paper) = writable(&slug).await?;
        let kind: BlockKind = kind.parse()?;
        let after = if after.is_empty() {
            None
        } else {
            Some(block_of(&state, &paper, &after).await?)
        };
        if store::papers::block_count(&state.db, &paper.id).await? >= rules::BLOCKS_MAX {
            return Err(AppError::invalid(
                "blocks",
                Problem::TooMany {
                    max: rules::BLOCKS_MAX,
                },
            ));
        }
        let id = store::papers::add_block(
            &state.db,
            &paper.id,
            after.as_deref(),
            kind,
            "",
            &[],
            Some(&member.id),
        )
        .await?;
        changed(&state, &paper);
        door::redirect_plain_form(&format!("/papers/{slug}/draft/blocks/{id}"));
        Ok(id)
    }
    .await;
    door::finish(result, &[])
}

/// What a save answers: the block's new rev.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub rev: i64,
}

/// Saves a block's text, based on `rev`. If someone saved since, nothing is written and the
/// answer is Conflict: the editor keeps the typed text and fetches the other version.
#[server(prefix = "/fn", endpoint = "save_block")]
pub async fn save_block(
    slug: String,
    block: String,
    rev: i64,
    kind: String,
    text: String,
    #[server(default)] stances: String,
) -> Result<Saved, AppError> {
    let result = async {
        let (state, member, paper) = writable(&slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        let kind: BlockKind = kind.parse()?;
        let text = rules::clean_block_text(&text)?;
        let specs = CiteSpec::from_text(&text, &stances);
        match store::papers::save_block(
            &state.db,
            &block,
            rev,
            kind,
            &text,
            &specs,
            Some(&member.id),
        )
        .await
        {
            Ok(rev) => {
                changed(&state, &paper);
                door::redirect_plain_form(&draft_block_href(&slug, &block));
                Ok(Saved { rev })
            }
            Err(store::papers::SaveRefused::Stale) => Err(AppError::Conflict {
                what: "block".into(),
            }),
            Err(store::papers::SaveRefused::Error(e)) => Err(e),
        }
    }
    .await;
    // Without JavaScript the text comes back in the address (the first 4,000 characters);
    // with it the editor never loses it.
    door::finish(result, &[("text", &text), ("kind", &kind)])
}

/// A block as stored now: to show beside the typed text after a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockVersion {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub rev: i64,
    pub author: String,
    pub updated_at: String,
}

#[server(prefix = "/fn", endpoint = "current_block", input = leptos::server_fn::codec::GetUrl)]
pub async fn current_block(slug: String, block: String) -> Result<BlockVersion, AppError> {
    let result = async {
        // What an editor's next save is based on: the block editor's page opens with it, so a
        // member (who proposes amendments instead) is told no rather than shown a form whose
        // save would be refused.
        let (state, _, paper) = editable(&slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        let row = store::papers::block(&state.db, &block)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(BlockVersion {
            id: row.id,
            kind: row.kind,
            text: row.text,
            rev: row.rev,
            author: row.author,
            updated_at: row.updated_at,
        })
    }
    .await;
    door::finish(result, &[])
}

/// Moves a block one place up or down (keyboard and no-JavaScript reordering), or after a
/// given block (drag and drop; empty `after` means to the top).
#[server(prefix = "/fn", endpoint = "move_block")]
pub async fn move_block(
    slug: String,
    block: String,
    #[server(default)] direction: String,
    #[server(default)] after: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, member, paper) = writable(&slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        let after = match (Step::parse(&direction), direction.as_str()) {
            (Some(step), _) => {
                let order: Vec<String> = store::papers::blocks(&state.db, &paper.id)
                    .await?
                    .into_iter()
                    .map(|b| b.id)
                    .collect();
                let at = order
                    .iter()
                    .position(|b| *b == block)
                    .ok_or(AppError::NotFound)?;
                match stepped(&order, at, step) {
                    Some(gap) => gap.previous.cloned(),
                    // Already first (up) or last (down).
                    None => return Ok(()),
                }
            }
            (None, "") if after.is_empty() => None,
            (None, "") => Some(block_of(&state, &paper, &after).await?),
            (None, _) => return Err(AppError::invalid("direction", Problem::InvalidChoice)),
        };
        store::papers::move_block(
            &state.db,
            &paper.id,
            &block,
            after.as_deref(),
            Some(&member.id),
        )
        .await?;
        changed(&state, &paper);
        door::redirect_plain_form(&draft_block_href(&slug, &block));
        Ok(())
    }
    .await;
    door::finish(result, &[])
}

/// Deletes a block (`restore` false) or brings it back (undo).
#[server(prefix = "/fn", endpoint = "delete_block")]
pub async fn delete_block(
    slug: String,
    block: String,
    #[server(default)] restore: bool,
) -> Result<String, AppError> {
    let result = async {
        let (state, member, paper) = writable(&slug).await?;
        if block.is_empty() || block.len() > 64 {
            return Err(AppError::NotFound);
        }
        // A deleted block still belongs to its paper (`paper_of` reads deleted ones too).
        let block = block_of(&state, &paper, &block).await?;
        // Without JavaScript the page comes back at the block before (in a long paper, its part).
        let previous = if !restore && door::is_plain_form_post() {
            store::papers::previous_block(&state.db, &paper.id, &block).await?
        } else {
            None
        };
        store::papers::set_deleted(&state.db, &paper.id, &block, !restore, Some(&member.id))
            .await?;
        changed(&state, &paper);
        if restore {
            door::redirect_plain_form(&draft_block_href(&slug, &block));
        } else if let Some(previous) = previous {
            door::redirect_plain_form(&format!(
                "/papers/{slug}/draft?deleted={block}&at={previous}#block-{previous}"
            ));
        } else {
            door::redirect_plain_form(&format!("/papers/{slug}/draft?deleted={block}"));
        }
        // Answers the block so the page can offer to undo.
        Ok(if restore { String::new() } else { block })
    }
    .await;
    door::finish(result, &[])
}

/// What a block's action did, so the page can offer to undo a deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockDone {
    pub op: String,
    /// The deleted block (for undo) or the added one.
    pub block: String,
}

/// The actions beside each block in one form (one button each): `up`, `down`, `delete`,
/// `restore` (undo a deletion), or `add` a text block below. One form per block instead of four keeps a long draft's page
/// light; each action is the same as its own server function.
#[server(prefix = "/fn", endpoint = "block_action")]
pub async fn block_action(slug: String, block: String, op: String) -> Result<BlockDone, AppError> {
    let done = |block: String| BlockDone {
        op: op.clone(),
        block,
    };
    match op.as_str() {
        "up" | "down" => move_block(slug, block.clone(), op.clone(), String::new())
            .await
            .map(|()| done(block)),
        "delete" => delete_block(slug, block, false).await.map(done),
        "restore" => delete_block(slug, block, true).await.map(done),
        "add" => add_block(slug, block, BlockKind::Text.as_str().to_string())
            .await
            .map(done),
        _ => door::finish(Err(AppError::invalid("op", Problem::InvalidChoice)), &[]),
    }
}

/// A saved text of a block, with what it changed from the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionChange {
    pub revision: RevisionView,
    pub diff: Vec<DiffPart>,
}

/// Every saved text of a block, newest first, each compared with the one before it.
#[server(prefix = "/fn", endpoint = "block_revisions", input = leptos::server_fn::codec::GetUrl)]
pub async fn block_revisions(slug: String, block: String) -> Result<Vec<RevisionChange>, AppError> {
    let result = async {
        let (state, _) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        revision_changes(&state, &block).await
    }
    .await;
    door::finish(result, &[])
}

/// A checked block's revisions, newest first, each compared with the one before it (the
/// first with nothing).
#[cfg(feature = "ssr")]
pub(super) async fn revision_changes(
    state: &AppState,
    block: &str,
) -> Result<Vec<RevisionChange>, AppError> {
    let revisions = store::papers::revisions(&state.db, block).await?;
    let earlier: Vec<String> = revisions
        .iter()
        .skip(1)
        .map(|r| r.text.clone())
        .chain([String::new()])
        .collect();
    Ok(revisions
        .into_iter()
        .zip(earlier)
        .map(|(revision, before)| RevisionChange {
            diff: word_diff(&before, &revision.text),
            revision,
        })
        .collect())
}

/// A word diff between two texts (two revisions, or the typed text and the stored one).
#[server(prefix = "/fn", endpoint = "compare_texts")]
pub async fn compare_texts(before: String, after: String) -> Result<Vec<DiffPart>, AppError> {
    let result = async {
        let _ = require_member()?;
        let before = rules::clean_block_text(&before)?;
        let after = rules::clean_block_text(&after)?;
        Ok(word_diff(&before, &after))
    }
    .await;
    door::finish(result, &[])
}

/// What a block's text would look like, and what is wrong with its citations: the live
/// preview while typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub html: String,
    /// Keys the library does not know (or the reader may not see), in order.
    pub unknown: Vec<String>,
    /// Citations that could not be read, as `line:column text`.
    pub malformed: Vec<String>,
}

#[server(prefix = "/fn", endpoint = "preview_block")]
pub async fn preview_block(text: String) -> Result<Preview, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let text = rules::clean_block_text(&text)?;
        let parsed = citations::parse(&text);
        let keys = parsed.keys();
        let audience = crate::domain::evidence::Audience::of(Some(member.role));
        let known = store::evidence::visible_keys(&state.db, keys, audience).await?;
        let is_known = |key: &str| known.iter().any(|k| k == key);
        let mut unknown: Vec<String> = parsed
            .unknown(is_known)
            .into_iter()
            .map(|(k, _)| k.to_string())
            .collect();
        unknown.dedup();
        let malformed = parsed
            .problems
            .iter()
            .map(|p| {
                let span = p.span();
                let (line, column) = citations::line_col(&text, span.start);
                let snippet: String = text
                    .get(span.clone())
                    .unwrap_or_default()
                    .chars()
                    .take(60)
                    .collect();
                format!("{line}:{column} {snippet}")
            })
            .collect();
        Ok(Preview {
            html: crate::markdown::render_with_citations(&text, &parsed, is_known, &needed_label()),
            unknown,
            malformed,
        })
    }
    .await;
    door::finish(result, &[])
}

/// Tells the others which block this member is editing (empty: none). Only the paper's
/// editors edit its blocks, so only they may say they do: anyone else could otherwise show
/// every reader of the draft a name "editing" any block.
#[server(prefix = "/fn", endpoint = "set_editing")]
pub async fn set_editing(slug: String, block: String) -> Result<(), AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        if !block.is_empty() {
            block_of(&state, &paper, &block).await?;
        }
        store::events::set_presence(&state.db, &paper.id, &member.id, &block).await?;
        // A repeat within the second, or a member over their budget (a loop moving from block
        // to block), is answered OK unwritten: the page ignores the answer, and the presence
        // row above already says where the member is (viewers see it with the next event).
        // Leaving a block costs nothing, so the last word ("no longer editing") always goes
        // out; a loop of leavings is still held to one a second by the rule per block.
        let key = format!("{}|{}", member.id, paper.id);
        if !block.is_empty()
            && state
                .presence
                .spend(&key, 1, std::time::Instant::now())
                .is_err()
        {
            return Ok(());
        }
        store::events::announce_presence(
            &state.db,
            &rules::PaperEvent {
                id: String::new(),
                paper: paper.id,
                kind: "presence".into(),
                block,
                rev: 0,
                member: member.id,
                member_name: member.name,
            },
        )
        .await
        .map(|_| ())
    }
    .await;
    door::finish(result, &[])
}

/// Replaces nothing: appends the blocks of a Markdown file (pasted) after the existing ones.
/// The paper a Markdown import goes into (its title), for someone who may import into it:
/// the import page opens with it, so nobody is shown a form whose import would be refused.
#[server(prefix = "/fn", endpoint = "draft_import_form", input = leptos::server_fn::codec::GetUrl)]
pub async fn draft_import_form(slug: String) -> Result<String, AppError> {
    let result = async {
        let (_, _, paper) = writable(&slug).await?;
        Ok(paper.title)
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "import_markdown")]
pub async fn import_markdown(slug: String, markdown: String) -> Result<usize, AppError> {
    let result = async {
        let (state, member, paper) = writable(&slug).await?;
        let drafts = crate::domain::paper_markdown::import(&markdown)?;
        let existing = store::papers::block_count(&state.db, &paper.id).await?;
        if existing + drafts.len() > rules::BLOCKS_MAX {
            return Err(AppError::invalid(
                "markdown",
                Problem::TooMany {
                    max: rules::BLOCKS_MAX,
                },
            ));
        }
        let mut blocks = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let text = rules::clean_block_text(&draft.text)?;
            let specs = CiteSpec::from_text(&text, "");
            blocks.push((draft.kind, text, specs));
        }
        let count =
            store::papers::append_blocks(&state.db, &paper.id, &blocks, Some(&member.id)).await?;
        changed(&state, &paper);
        door::redirect_plain_form(&format!("/papers/{slug}/draft?imported={count}"));
        Ok(count)
    }
    .await;
    door::finish(result, &[])
}
