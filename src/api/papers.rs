//! Papers and the draft workspace: blocks, citations, coverage, revisions, presence.
//! Members read drafts; the paper's editors (and admins) change them.
use crate::domain::papers::{DiffPart, PaperInput, PaperSummary, RevisionView, Workspace};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::door,
    crate::auth,
    crate::domain::accounts::{Role, SessionMember},
    crate::domain::citations,
    crate::domain::coverage::{self, BlockKind, CitedEvidence},
    crate::domain::papers::{self as rules, BlockView, CitedCard},
    crate::state::AppState,
    crate::store::{self, papers::CiteSpec, papers::PaperRow},
};

#[cfg(feature = "ssr")]
fn require_member() -> Result<(AppState, SessionMember), AppError> {
    let parts = door::parts()?;
    let member = auth::require_role(&parts, Role::Member)?;
    Ok((door::state()?, member))
}

#[cfg(feature = "ssr")]
async fn paper(state: &AppState, slug: &str) -> Result<PaperRow, AppError> {
    if slug.len() > rules::SLUG_MAX {
        return Err(AppError::NotFound);
    }
    store::papers::by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// May this member change this paper? Its listed editors (with the editor role) and admins.
#[cfg(feature = "ssr")]
async fn can_edit(state: &AppState, paper: &PaperRow, member: &SessionMember) -> bool {
    match member.role {
        Role::Admin => true,
        Role::Editor => store::papers::is_listed_editor(&state.db, &paper.id, &member.id)
            .await
            .unwrap_or(false),
        Role::Member => false,
    }
}

/// The paper, for one of its editors (Forbidden for anyone else).
#[cfg(feature = "ssr")]
async fn editable(slug: &str) -> Result<(AppState, SessionMember, PaperRow), AppError> {
    let (state, member) = require_member()?;
    let paper = paper(&state, slug).await?;
    if !can_edit(&state, &paper, &member).await {
        return Err(AppError::Forbidden);
    }
    Ok((state, member, paper))
}

/// After a change here, this instance's rendered copy of the draft is stale at once (other
/// instances learn it from the event).
#[cfg(feature = "ssr")]
fn changed(state: &AppState, paper: &PaperRow) {
    state
        .events
        .drafts()
        .forget_where(|(id, _)| *id == paper.id);
}

/// A block id from a request, checked to belong to the paper.
#[cfg(feature = "ssr")]
async fn block_of(state: &AppState, paper: &PaperRow, block: &str) -> Result<String, AppError> {
    if block.is_empty() || block.len() > 64 {
        return Err(AppError::NotFound);
    }
    match store::papers::paper_of(&state.db, block).await? {
        Some(id) if id == paper.id => Ok(block.to_string()),
        _ => Err(AppError::NotFound),
    }
}

#[server(prefix = "/fn", endpoint = "papers_index", input = leptos::server_fn::codec::GetUrl)]
pub async fn papers_index() -> Result<Vec<PaperSummary>, AppError> {
    let result = async {
        let state = door::state()?;
        let signed_in = door::session().member.is_some();
        let papers = store::papers::list(&state.db).await?;
        // Drafts are the network's own business; visitors see published papers only.
        Ok(papers
            .into_iter()
            .filter(|p| signed_in || p.status == "published")
            .collect())
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "create_paper")]
pub async fn create_paper(paper: PaperInput) -> Result<String, AppError> {
    let result = async {
        let parts = door::parts()?;
        let member = auth::require_role(&parts, Role::Editor)?;
        let state = door::state()?;
        let fields = paper.validate()?;
        store::papers::create(&state.db, &fields, Some(&member.id)).await?;
        door::redirect_plain_form(&format!("/papers/{}/draft", fields.slug));
        Ok(fields.slug)
    }
    .await;
    door::finish(
        result,
        &[
            ("paper[title]", &paper.title),
            ("paper[slug]", &paper.slug),
            ("paper[summary]", &paper.summary),
        ],
    )
}

/// Builds the workspace from the stored blocks: citations parsed, linked and checked,
/// warnings and coverage computed, recommendations numbered.
#[cfg(feature = "ssr")]
pub fn assemble(
    paper: &PaperRow,
    rows: Vec<store::papers::BlockRow>,
    needed_label: &str,
    memo: Option<&crate::events::BlockHtml>,
) -> Assembled {
    let kinds: Vec<BlockKind> = rows
        .iter()
        .map(|r| r.kind.parse().unwrap_or(BlockKind::Text))
        .collect();
    let numbers = coverage::recommendation_numbers(&kinds);
    let mut supported = 0;
    let mut needing = 0;
    let headings: Vec<(usize, String)> = rows
        .iter()
        .zip(&kinds)
        .enumerate()
        .filter(|(_, (_, kind))| **kind == BlockKind::Heading)
        .map(|(i, (row, _))| (i, crate::domain::papers::heading_label(&row.text)))
        .collect();
    let blocks = rows
        .into_iter()
        .zip(kinds)
        .zip(numbers)
        .map(|((row, kind), number)| {
            let parsed = citations::parse(&row.text);
            let known = |key: &str| row.cites.iter().any(|c| c.key == key);
            let unknown: Vec<String> = {
                let mut keys: Vec<String> = parsed
                    .unknown(known)
                    .into_iter()
                    .map(|(k, _)| k.to_string())
                    .collect();
                keys.dedup();
                keys
            };
            let render = || {
                let html = crate::markdown::render_with_citations(
                    &row.text,
                    &parsed,
                    |key| row.cites.iter().any(|c| c.key == key),
                    needed_label,
                );
                if kind == BlockKind::Heading {
                    crate::markdown::as_heading(html)
                } else {
                    html
                }
            };
            let html = match memo {
                None => render(),
                Some(memo) => {
                    let key = {
                        use std::hash::{Hash, Hasher};
                        let mut hasher = std::collections::hash_map::DefaultHasher::new();
                        (kind.as_str(), &row.text, needed_label).hash(&mut hasher);
                        row.cites.iter().for_each(|c| c.key.hash(&mut hasher));
                        hasher.finish()
                    };
                    memo.get(&key).unwrap_or_else(|| {
                        let html = render();
                        memo.put(key, html.clone());
                        html
                    })
                }
            };
            let cited: Vec<CitedEvidence> = row
                .cites
                .iter()
                .filter_map(|c| {
                    Some(CitedEvidence {
                        key: c.key.clone(),
                        kind: c.kind.parse().ok()?,
                        country: c.country.clone(),
                        consent: c.consent.parse().ok()?,
                        visibility: c.visibility.parse().ok()?,
                        stance: c.stance.parse().unwrap_or_default(),
                    })
                })
                .collect();
            if coverage::needs_support(kind) {
                needing += 1;
                if coverage::is_supported(&cited) {
                    supported += 1;
                }
            }
            let warnings =
                coverage::block_warnings(kind, parsed.needs_evidence(), &cited, &unknown);
            BlockView {
                id: row.id,
                kind,
                html,
                rev: row.rev,
                number,
                author: row.author,
                updated_at: row.updated_at,
                cited: row
                    .cites
                    .into_iter()
                    .map(|c| CitedCard {
                        stance: c.stance.parse().unwrap_or_default(),
                        key: c.key,
                        kind: c.kind,
                        country: c.country,
                        collected_on: c.collected_on,
                        consent: c.consent,
                        visibility: c.visibility,
                        locator: c.locator,
                    })
                    .collect(),
                warnings,
                empty: row.text.trim().is_empty(),
            }
        })
        .collect();
    let _ = paper;
    Assembled {
        blocks,
        supported,
        needing,
        headings,
    }
}

/// A whole draft checked and rendered, kept between requests until it changes.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct Assembled {
    pub blocks: Vec<BlockView>,
    pub supported: usize,
    pub needing: usize,
    /// The heading blocks: (index, short plain label).
    pub headings: Vec<(usize, String)>,
}

/// The label `[@?]` renders as, in the reader's language.
#[cfg(feature = "ssr")]
fn needed_label() -> String {
    let lang = door::parts()
        .map(|p| crate::lang::Lang::from_headers(&p.headers))
        .unwrap_or(crate::lang::Lang::En);
    lang.text("citation_needed")
}

#[server(prefix = "/fn", endpoint = "draft_workspace", input = leptos::server_fn::codec::GetUrl)]
pub async fn draft_workspace(
    slug: String,
    /// The part starting at this block index (see `PART_SIZE`).
    #[server(default)]
    from: usize,
    /// The part holding this block (an id); wins over `from`.
    #[server(default)]
    at: String,
) -> Result<Workspace, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let label = needed_label();
        let cached = state
            .events
            .drafts()
            .get(&(paper.id.clone(), label.clone()));
        let (rendered, presence, can_edit) = tokio::join!(
            async {
                if let Some(hit) = cached {
                    return Ok(hit);
                }
                let rows = store::papers::blocks(&state.db, &paper.id).await?;
                let rendered = std::sync::Arc::new(assemble(
                    &paper,
                    rows,
                    &label,
                    Some(state.events.block_html()),
                ));
                state
                    .events
                    .drafts()
                    .put((paper.id.clone(), label.clone()), rendered.clone());
                Ok::<_, AppError>(rendered)
            },
            store::events::presence(&state.db, &paper.id),
            can_edit(&state, &paper, &member),
        );
        let whole = rendered?;
        let total = whole.blocks.len();
        let at = (!at.is_empty())
            .then(|| whole.blocks.iter().position(|b| b.id == at))
            .flatten();
        let first = crate::domain::papers::part_start(total, from, at);
        let shown = first..(first + crate::domain::papers::PART_SIZE).min(total);
        Ok(Workspace {
            summary_html: crate::markdown::render(&paper.summary),
            id: paper.id,
            slug: paper.slug,
            title: paper.title,
            status: paper.status,
            blocks: whole.blocks[shown].to_vec(),
            first,
            total,
            before: first
                .checked_sub(1)
                .map(|i| whole.blocks[i].id.clone())
                .unwrap_or_default(),
            parts: crate::domain::papers::parts(total, &whole.headings),
            supported: whole.supported,
            needing_support: whole.needing,
            can_edit,
            presence: presence.unwrap_or_default(),
        })
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "add_block")]
pub async fn add_block(slug: String, after: String, kind: String) -> Result<String, AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let kind: BlockKind = kind.parse()?;
        let after = if after.is_empty() {
            None
        } else {
            Some(block_of(&state, &paper, &after).await?)
        };
        if store::papers::block_count(&state.db, &paper.id).await? >= rules::BLOCKS_MAX {
            return Err(AppError::invalid(
                "blocks",
                crate::error::Problem::TooMany {
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
        let (state, member, paper) = editable(&slug).await?;
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
                door::redirect_plain_form(&crate::domain::papers::draft_block_href(&slug, &block));
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
        let (state, _) = require_member()?;
        let paper = paper(&state, &slug).await?;
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
        let (state, member, paper) = editable(&slug).await?;
        let block = block_of(&state, &paper, &block).await?;
        let after = match direction.as_str() {
            "up" | "down" => {
                let order: Vec<String> = store::papers::blocks(&state.db, &paper.id)
                    .await?
                    .into_iter()
                    .map(|b| b.id)
                    .collect();
                let Some(at) = order.iter().position(|b| *b == block) else {
                    return Err(AppError::NotFound);
                };
                match direction.as_str() {
                    "up" if at == 0 => return Ok(()),
                    "up" if at == 1 => None,
                    "up" => Some(order[at - 2].clone()),
                    _ if at + 1 >= order.len() => return Ok(()),
                    _ => Some(order[at + 1].clone()),
                }
            }
            "" if after.is_empty() => None,
            "" => Some(block_of(&state, &paper, &after).await?),
            _ => {
                return Err(AppError::invalid(
                    "direction",
                    crate::error::Problem::InvalidChoice,
                ));
            }
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
        door::redirect_plain_form(&crate::domain::papers::draft_block_href(&slug, &block));
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
        let (state, member, paper) = editable(&slug).await?;
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
            door::redirect_plain_form(&crate::domain::papers::draft_block_href(&slug, &block));
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
        _ => door::finish(
            Err(AppError::invalid(
                "op",
                crate::error::Problem::InvalidChoice,
            )),
            &[],
        ),
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
        let revisions = store::papers::revisions(&state.db, &block).await?;
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
    .await;
    door::finish(result, &[])
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

#[cfg(feature = "ssr")]
pub fn word_diff(before: &str, after: &str) -> Vec<DiffPart> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_words(before, after);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let value = change.value().to_string();
        let part = match change.tag() {
            ChangeTag::Equal => DiffPart::Same(value),
            ChangeTag::Delete => DiffPart::Removed(value),
            ChangeTag::Insert => DiffPart::Added(value),
        };
        // Runs of the same kind read better as one.
        match (parts.last_mut(), part) {
            (Some(DiffPart::Same(run)), DiffPart::Same(v))
            | (Some(DiffPart::Removed(run)), DiffPart::Removed(v))
            | (Some(DiffPart::Added(run)), DiffPart::Added(v)) => run.push_str(&v),
            (_, part) => parts.push(part),
        }
    }
    parts
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

/// Tells the others which block this member is editing (empty: none).
#[server(prefix = "/fn", endpoint = "set_editing")]
pub async fn set_editing(slug: String, block: String) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        if !block.is_empty() {
            block_of(&state, &paper, &block).await?;
        }
        store::events::set_presence(&state.db, &paper.id, &member.id, &block).await?;
        store::events::append(
            &state.db,
            &crate::domain::papers::PaperEvent {
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
    }
    .await;
    door::finish(result, &[])
}

/// Replaces nothing: appends the blocks of a Markdown file (pasted) after the existing ones.
#[server(prefix = "/fn", endpoint = "import_markdown")]
pub async fn import_markdown(slug: String, markdown: String) -> Result<usize, AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let drafts = crate::domain::paper_markdown::import(&markdown)?;
        let existing = store::papers::block_count(&state.db, &paper.id).await?;
        if existing + drafts.len() > rules::BLOCKS_MAX {
            return Err(AppError::invalid(
                "markdown",
                crate::error::Problem::TooMany {
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

/// A member as a paper's editors page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorEntry {
    pub id: String,
    pub name: String,
    /// Admins only: like the administration page, the app shows addresses to admins alone.
    pub email: Option<String>,
    pub organisation: String,
    pub role: crate::domain::accounts::Role,
    pub active: bool,
}

/// A paper's listed editors, and who could be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperEditorList {
    pub slug: String,
    pub title: String,
    pub editors: Vec<EditorEntry>,
    /// Active members with the editor or admin role who are not listed yet.
    pub candidates: Vec<EditorEntry>,
}

/// The longest member id the editors forms accept.
pub const MEMBER_ID_MAX: usize = 64;

/// A member id posted by a form: required, and no longer than any id is.
#[cfg(feature = "ssr")]
fn member_id_input(field: &str, value: &str) -> Result<String, AppError> {
    use crate::error::Problem;
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if value.chars().count() > MEMBER_ID_MAX {
        return Err(AppError::invalid(
            field,
            Problem::TooLong { max: MEMBER_ID_MAX },
        ));
    }
    Ok(value.to_string())
}

#[server(prefix = "/fn", endpoint = "paper_editors", input = leptos::server_fn::codec::GetUrl)]
pub async fn paper_editors(slug: String) -> Result<PaperEditorList, AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let show_emails = member.role == Role::Admin;
        let (listed, candidates) = store::papers::editors(&state.db, &paper.id).await?;
        let entry = |row: store::papers::EditorRow| EditorEntry {
            role: row.role.parse().unwrap_or(Role::Member),
            email: show_emails.then_some(row.email),
            id: row.id,
            name: row.name,
            organisation: row.organisation,
            active: row.active,
        };
        Ok(PaperEditorList {
            slug: paper.slug,
            title: paper.title,
            editors: listed.into_iter().map(entry).collect(),
            candidates: candidates.into_iter().map(entry).collect(),
        })
    }
    .await;
    door::finish(result, &[])
}

/// Lists a member with the editor or admin role as an editor of the paper. Answers false
/// (and changes nothing) when they already are one.
#[server(prefix = "/fn", endpoint = "add_paper_editor")]
pub async fn add_paper_editor(slug: String, member: String) -> Result<bool, AppError> {
    let result = async {
        let (state, me, paper) = editable(&slug).await?;
        let id = member_id_input("member", &member)?;
        // Unknown, deactivated and plain members are all "not one of the choices offered".
        let not_eligible = || AppError::invalid("member", crate::error::Problem::InvalidChoice);
        let candidate = store::members::get(&state.db, &id)
            .await?
            .filter(|m| m.active)
            .ok_or_else(not_eligible)?;
        if !candidate.role.at_least(Role::Editor) {
            return Err(not_eligible());
        }
        let added = !store::papers::is_listed_editor(&state.db, &paper.id, &candidate.id).await?;
        if added {
            store::papers::add_editor(&state.db, &paper.id, &candidate.id, Some(&me.id)).await?;
        }
        let done = if added { "added" } else { "unchanged" };
        door::redirect_plain_form(&format!("/papers/{slug}/editors?done={done}"));
        Ok(added)
    }
    .await;
    door::finish(result, &[("member", &member)])
}

/// Takes a member off the paper's editors. The last editor stays (a paper always has one);
/// answers false when they were not listed.
#[server(prefix = "/fn", endpoint = "remove_paper_editor")]
pub async fn remove_paper_editor(slug: String, editor: String) -> Result<bool, AppError> {
    let result = async {
        let (state, me, paper) = editable(&slug).await?;
        let id = member_id_input("editor", &editor)?;
        let removed =
            match store::papers::remove_editor(&state.db, &paper.id, &id, Some(&me.id)).await {
                Ok(()) => true,
                Err(store::papers::RemoveRefused::NotListed) => false,
                Err(store::papers::RemoveRefused::LastEditor) => {
                    return Err(AppError::invalid(
                        "editors",
                        crate::error::Problem::TooShort { min: 1 },
                    ));
                }
                Err(store::papers::RemoveRefused::Error(e)) => return Err(e),
            };
        // An editor who took themselves off may no longer manage the list: back to the draft.
        if removed && id == me.id && me.role != Role::Admin {
            door::redirect_plain_form(&format!("/papers/{slug}/draft"));
        } else {
            let done = if removed { "removed" } else { "unchanged" };
            door::redirect_plain_form(&format!("/papers/{slug}/editors?done={done}"));
        }
        Ok(removed)
    }
    .await;
    door::finish(result, &[])
}
