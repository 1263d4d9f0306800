//! A draft assembled from its stored blocks: citations parsed, linked and checked, warnings
//! and coverage counted, recommendations numbered, each block rendered to HTML (or taken
//! from the memo of rendered blocks). The workspace shows a part of it; the whole is kept in
//! the drafts cache until the paper changes.
use crate::caches::{BlockHtml, Caches};
use crate::domain::citations;
use crate::domain::comments::OpenCount;
use crate::domain::coverage::{self, BlockKind, CitedEvidence};
use crate::domain::papers::{Assembled, BlockView, CitedCard, heading_label};
use crate::error::AppError;
use crate::lang::Lang;
use crate::store::{
    self, Db,
    papers::{BlockRow, CiteRow},
};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The label `[@?]` renders as, in the language the request asks for (English without one).
pub fn needed_label(headers: Option<&http::HeaderMap>) -> String {
    headers
        .map(Lang::from_headers)
        .unwrap_or(Lang::En)
        .text("citation_needed")
}

/// The paper's draft with `label` for `[@?]`: kept, or assembled from the stored blocks and
/// kept.
pub async fn draft(
    db: &Db,
    caches: &Caches,
    paper_id: &str,
    label: &str,
) -> Result<Arc<Assembled>, AppError> {
    draft_holding(db, caches, paper_id, label, "").await
}

/// Like [`draft`], for a request that names a block (`holding`, an id; empty for none): a
/// kept draft without that block is assembled again. Another instance's change reaches this
/// one's cache only when the event poller sees it, and a link to a block just added (from the
/// page that added it, on the other instance) must not find "no such block" meanwhile.
pub async fn draft_holding(
    db: &Db,
    caches: &Caches,
    paper_id: &str,
    label: &str,
    holding: &str,
) -> Result<Arc<Assembled>, AppError> {
    let key = (paper_id.to_string(), label.to_string());
    if let Some(hit) = caches.drafts().get(&key) {
        let holds = holding.is_empty() || hit.blocks.iter().any(|b| b.id == holding);
        // A block the kept draft lacks is assembled in only when it is the paper's: a
        // made-up or deleted id costs one record read, not the whole draft.
        if holds || !store::papers::holds_block(db, paper_id, holding).await? {
            return Ok(hit);
        }
    }
    // Taken before reading: a change made while this renders keeps this copy out of the cache.
    let ticket = caches.drafts().ticket();
    let rows = store::papers::blocks(db, paper_id).await?;
    let assembled = Arc::new(assemble(rows, label, Some(caches.block_html())));
    caches.drafts().put(key, assembled.clone(), ticket);
    Ok(assembled)
}

/// The open comment threads per block of the paper (blocks with none are left out): the
/// workspace's margin. Kept until a comment or block of the paper changes.
pub async fn open_counts(
    db: &Db,
    caches: &Caches,
    paper_id: &str,
) -> Result<Vec<OpenCount>, AppError> {
    let kept = caches.open_counts();
    if let Some(counts) = kept.get(&paper_id.to_string()) {
        return Ok(counts.to_vec());
    }
    let ticket = kept.ticket();
    let counts =
        crate::domain::comments::open_counts(store::comments::open_threads(db, paper_id).await?);
    kept.put(paper_id.to_string(), Arc::new(counts.clone()), ticket);
    Ok(counts)
}

/// The draft's blocks that `counts` counts (those with open threads), in the paper's order.
pub async fn blocks_counted(
    db: &Db,
    caches: &Caches,
    paper_id: &str,
    counts: &[OpenCount],
    label: &str,
) -> Result<Vec<BlockView>, AppError> {
    let draft = draft(db, caches, paper_id, label).await?;
    Ok(draft
        .blocks
        .iter()
        .filter(|b| counts.iter().any(|c| c.block == b.id))
        .cloned()
        .collect())
}

/// Everything a block's HTML depends on, hashed: its kind, its text, the cited keys the
/// library knows, and the label of `[@?]`.
fn html_key(kind: BlockKind, row: &BlockRow, needed_label: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (kind.as_str(), &row.text, needed_label).hash(&mut hasher);
    row.cites.iter().for_each(|c| c.key.hash(&mut hasher));
    hasher.finish()
}

/// Builds the draft from the stored blocks (in order). With `memo`, a block rendered before
/// with the same kind, text, known keys and label is not rendered again.
pub fn assemble(rows: Vec<BlockRow>, needed_label: &str, memo: Option<&BlockHtml>) -> Assembled {
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
        .map(|(i, (row, _))| (i, heading_label(&row.text)))
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
                    let key = html_key(kind, &row, needed_label);
                    memo.get(&key).unwrap_or_else(|| {
                        let html = render();
                        memo.insert(key, html.clone());
                        html
                    })
                }
            };
            let cited: Vec<CitedEvidence> = row.cites.iter().filter_map(CiteRow::cited).collect();
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
    Assembled {
        blocks,
        supported,
        needing,
        headings,
    }
}
