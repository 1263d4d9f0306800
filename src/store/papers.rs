//! Papers, their blocks, block revisions and the `cites` edges from blocks to evidence. Every
//! change writes its revision, syncs its edges and appends its event in one transaction.
use super::conflicts::{is_write_conflict, retrying};
use super::consultations::paper_status;
use super::events::EVENT;
use super::{Db, OrInternal, Outcome, internal, is_duplicate};
use crate::domain::coverage::{BlockKind, Stance};
use crate::domain::papers::{PaperFields, PaperSummary, RevisionView};
use crate::error::{AppError, Problem};
use surrealdb::types::SurrealValue;

#[derive(Debug, Clone, SurrealValue)]
pub struct PaperRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// As everyone sees it (see `paper_status`).
    pub status: String,
    /// As stored: `published` here (set by no path of the app since versions came) closes
    /// the paper to changes, while a paper that has versions is a draft that shows as
    /// published and goes on taking changes.
    pub stored_status: String,
    /// The number of its latest version, if it has one.
    pub published_version: Option<i64>,
}

#[derive(Debug, Clone, SurrealValue)]
pub struct CiteRow {
    pub key: String,
    pub stance: String,
    pub locator: String,
    pub kind: String,
    pub country: String,
    pub collected_on: String,
    pub consent: String,
    pub visibility: String,
}

impl CiteRow {
    /// The citation as coverage weighs it; None when a stored value no longer parses.
    pub fn cited(&self) -> Option<crate::domain::coverage::CitedEvidence> {
        Some(crate::domain::coverage::CitedEvidence {
            key: self.key.clone(),
            kind: self.kind.parse().ok()?,
            country: self.country.clone(),
            consent: self.consent.parse().ok()?,
            visibility: self.visibility.parse().ok()?,
            stance: self.stance.parse().unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, SurrealValue)]
pub struct BlockRow {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub position: String,
    pub rev: i64,
    pub author: String,
    pub updated_at: String,
    pub cites: Vec<CiteRow>,
}

/// A citation found in a block's text, to sync as an edge.
#[derive(Debug, Clone, PartialEq)]
pub struct CiteSpec {
    pub key: String,
    pub locator: String,
    /// For a new edge (from the evidence picker); existing edges keep theirs.
    pub stance: Option<Stance>,
}

impl CiteSpec {
    /// The citations typed in a block, once per key, as edges to sync. `stances` is
    /// `key=stance,key=stance` from the evidence picker (for new citations).
    pub fn from_text(text: &str, stances: &str) -> Vec<CiteSpec> {
        let chosen: Vec<(String, Stance)> = stances
            .split(',')
            .filter_map(|pair| {
                let (key, stance) = pair.split_once('=')?;
                Some((key.trim().to_ascii_lowercase(), stance.parse().ok()?))
            })
            .take(200)
            .collect();
        let parsed = crate::domain::citations::parse(text);
        let mut specs: Vec<CiteSpec> = Vec::new();
        for item in parsed.groups.iter().flat_map(|g| g.items.iter()) {
            if specs.iter().any(|s| s.key == item.key) {
                continue;
            }
            specs.push(CiteSpec {
                key: item.key.clone(),
                locator: item.locator.chars().take(80).collect(),
                stance: chosen.iter().find(|(k, _)| *k == item.key).map(|(_, s)| *s),
            });
        }
        specs
    }
}

const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.6fZ'";

pub async fn create(
    db: &Db,
    fields: &PaperFields,
    member_id: Option<&str>,
) -> Result<String, AppError> {
    let result = db
        .query(
            "CREATE ONLY paper CONTENT {
                title: $title, slug: $slug, summary: $summary, status: 'draft',
                editors: IF $member { [type::record('member', $member)] } ELSE { [] },
                created_by: IF $member { type::record('member', $member) } ELSE { NONE }
            } RETURN VALUE record::id(id)",
        )
        .bind(("title", fields.title.clone()))
        .bind(("slug", fields.slug.clone()))
        .bind(("summary", fields.summary.clone()))
        .bind(("member", member_id.map(str::to_string)))
        .await
        .and_then(super::check_cause);
    match result {
        Ok(mut response) => {
            let id: Option<String> = response.take(0).or_internal("create paper")?;
            id.ok_or_else(|| AppError::internal("create paper answered no id"))
        }
        Err(e) if is_duplicate(&e) => Err(AppError::invalid("slug", Problem::AlreadyTaken)),
        Err(e) => Err(internal("create paper", e)),
    }
}

/// Blocks that need support, and those that have it: a usable citation (consent not
/// withdrawn, stance not contradicts). The same rule as `coverage::is_supported`.
const COUNTS: &str = "
    count(SELECT id FROM block WHERE paper = $parent.id AND deleted = false) AS blocks,
    count(SELECT id FROM block WHERE paper = $parent.id AND deleted = false
        AND kind IN ['claim', 'recommendation']) AS needing_support,
    count(SELECT id FROM block WHERE paper = $parent.id AND deleted = false
        AND kind IN ['claim', 'recommendation']
        AND count(->cites[WHERE stance != 'contradicts' AND out.consent != 'withdrawn']) > 0) AS supported";

#[derive(Debug, SurrealValue)]
struct SummaryRow {
    slug: String,
    title: String,
    status: String,
    published: Option<i64>,
    blocks: i64,
    needing_support: i64,
    supported: i64,
    updated_at: String,
}

pub async fn list(db: &Db) -> Result<Vec<PaperSummary>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT slug, title, {status} AS status, published_version AS published,
                 time::format(updated_at, {TIME}) AS updated_at, {COUNTS}
             FROM paper ORDER BY updated_at DESC LIMIT 500",
            status = paper_status("$this")
        ))
        .await
        .or_internal("list papers")?;
    let rows: Vec<SummaryRow> = response.take(0).or_internal("list papers")?;
    Ok(rows
        .into_iter()
        .map(|r| PaperSummary {
            slug: r.slug,
            title: r.title,
            status: r.status,
            published: r.published.and_then(|n| u32::try_from(n).ok()),
            blocks: r.blocks.max(0) as usize,
            supported: r.supported.max(0) as usize,
            needing_support: r.needing_support.max(0) as usize,
            updated_at: r.updated_at,
        })
        .collect())
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<PaperRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(id) AS id, slug, title, summary, {} AS status,
                 status AS stored_status, published_version FROM paper
             WHERE slug = $slug LIMIT 1",
            paper_status("$this")
        ))
        .bind(("slug", slug.to_string()))
        .await
        .or_internal("get paper")?;
    let rows: Vec<PaperRow> = response.take(0).or_internal("get paper")?;
    Ok(rows.into_iter().next())
}

#[derive(Debug, SurrealValue)]
struct BlockOnly {
    id: String,
    kind: String,
    text: String,
    position: String,
    rev: i64,
    author: String,
    updated_at: String,
}

#[derive(Debug, SurrealValue)]
struct EdgeRow {
    block: String,
    key: String,
    stance: String,
    locator: String,
}

#[derive(Debug, Clone, SurrealValue)]
struct CitedRow {
    id: String,
    key: String,
    kind: String,
    country: String,
    collected_on: String,
    consent: String,
    visibility: String,
}

/// Every live block of a paper in order, each with the evidence it cites: three flat reads
/// in one round trip (blocks, the paper's edges, the cited items once each), joined here
/// (no per-row closures in the query: they cost more than the reads).
pub async fn blocks(db: &Db, paper_id: &str) -> Result<Vec<BlockRow>, AppError> {
    let mut response = db
        .query(format!(
            "LET $paper_record = type::record('paper', $paper);
             SELECT record::id(id) AS id, kind, text, position, rev, author.name ?? '' AS author,
                 time::format(updated_at, {TIME}) AS updated_at
             FROM block WHERE paper = $paper_record AND deleted = false ORDER BY position, id;
             SELECT record::id(in) AS block, record::id(out) AS key, stance, locator
                 FROM cites WHERE paper = $paper_record;
             SELECT record::id(id) AS id, key, kind, country, collected_on, consent, visibility
             FROM array::distinct((SELECT VALUE out FROM cites WHERE paper = $paper_record));"
        ))
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("paper blocks")?;
    let blocks: Vec<BlockOnly> = response.take(1).or_internal("paper blocks")?;
    let edges: Vec<EdgeRow> = response.take(2).or_internal("paper blocks")?;
    let cited: Vec<CitedRow> = response.take(3).or_internal("paper blocks")?;
    // Edges name evidence by record id; cards and keys go by key.
    let cited: std::collections::HashMap<String, CitedRow> =
        cited.into_iter().map(|c| (c.id.clone(), c)).collect();
    let mut by_block: std::collections::HashMap<String, Vec<CiteRow>> =
        std::collections::HashMap::new();
    for edge in edges {
        let Some(item) = cited.get(&edge.key) else {
            continue;
        };
        by_block.entry(edge.block).or_default().push(CiteRow {
            key: item.key.clone(),
            stance: edge.stance,
            locator: edge.locator,
            kind: item.kind.clone(),
            country: item.country.clone(),
            collected_on: item.collected_on.clone(),
            consent: item.consent.clone(),
            visibility: item.visibility.clone(),
        });
    }
    Ok(blocks
        .into_iter()
        .map(|b| {
            let mut cites = by_block.remove(&b.id).unwrap_or_default();
            cites.sort_by(|a, b| a.key.cmp(&b.key));
            BlockRow {
                id: b.id,
                kind: b.kind,
                text: b.text,
                position: b.position,
                rev: b.rev,
                author: b.author,
                updated_at: b.updated_at,
                cites,
            }
        })
        .collect())
}

#[derive(Debug, SurrealValue)]
struct Neighbour {
    position: String,
}

/// The positions around the place a block goes: after `after` (None: at the start).
async fn gap(
    db: &Db,
    paper_id: &str,
    after: Option<&str>,
    moving: Option<&str>,
) -> Result<(Option<String>, Option<String>), AppError> {
    let mut response = db
        .query(
            "LET $paper_record = type::record('paper', $paper);
             LET $before = IF $after {
                 (SELECT VALUE position FROM ONLY type::record('block', $after))
             } ELSE { NONE };
             SELECT position FROM block
                 WHERE paper = $paper_record AND deleted = false
                     AND ($before = NONE OR position > $before)
                     AND ($moving = NONE OR id != type::record('block', $moving))
                 ORDER BY position LIMIT 1;
             RETURN $before;",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("after", after.map(str::to_string)))
        .bind(("moving", moving.map(str::to_string)))
        .await
        .or_internal("block gap")?;
    let next: Vec<Neighbour> = response.take(2).or_internal("block gap")?;
    let before: Option<String> = response.take(3).or_internal("block gap")?;
    if after.is_some() && before.is_none() {
        return Err(AppError::NotFound);
    }
    Ok((before, next.into_iter().next().map(|n| n.position)))
}

/// A new block after `after` (None: first). Answers its id.
pub async fn add_block(
    db: &Db,
    paper_id: &str,
    after: Option<&str>,
    kind: BlockKind,
    text: &str,
    citations: &[CiteSpec],
    member_id: Option<&str>,
) -> Result<String, AppError> {
    let (before, next) = gap(db, paper_id, after, None).await?;
    let position = crate::domain::order::between(before.as_deref(), next.as_deref());
    let new_id = new_record_id();
    let query = format!(
            "BEGIN TRANSACTION;
             LET $paper_record = type::record('paper', $paper);
             LET $block = CREATE ONLY type::record('block', $new_id) CONTENT {{
                 paper: $paper_record, kind: $kind, text: $text, position: $position, rev: 1,
                 author: IF $member {{ type::record('member', $member) }} ELSE {{ NONE }}
             }};
             CREATE block_revision CONTENT {{
                 block: $block.id, rev: 1, kind: $kind, text: $text, author: $block.author
             }};
             {SYNC}
             LET $event_kind = 'added'; LET $event_block = record::id($block.id); LET $event_rev = 1;
             {EVENT}
             COMMIT TRANSACTION;"
    );
    retrying(|| {
        db.query(query.as_str())
            .bind(("new_id", new_id.clone()))
            .bind(("paper", paper_id.to_string()))
            .bind(("kind", kind.as_str()))
            .bind(("text", text.to_string()))
            .bind(("position", position.clone()))
            .bind(("cites", cite_objects(citations)))
            .bind(("member", member_id.map(str::to_string)))
    })
    .await
    .or_internal("add block")?;
    Ok(new_id)
}

/// A random record id (20 lower-case letters and digits, like SurrealDB's own), for a
/// transaction that names what it creates (blocks, comments, amendments).
pub(crate) fn new_record_id() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Replaces the block's `cites` edges with those in `$cites` (kept edges keep their stance),
/// and locks the keys now cited. Expects `$block` (the record) and `$cites`.
const SYNC: &str = "
    DELETE cites WHERE in = $block.id AND out.key NOT IN $cites.key;
    FOR $cite IN $cites {
        LET $evidence = (SELECT VALUE id FROM evidence WHERE key = $cite.key LIMIT 1)[0];
        IF $evidence {
            LET $edge = (SELECT VALUE id FROM cites WHERE in = $block.id AND out = $evidence LIMIT 1)[0];
            IF $edge {
                UPDATE $edge SET locator = $cite.locator,
                    stance = IF $cite.stance { $cite.stance } ELSE { stance };
            } ELSE {
                RELATE ($block.id)->cites->($evidence) CONTENT {
                    stance: $cite.stance ?? 'supports', note: '', locator: $cite.locator,
                    paper: $block.paper
                };
            };
            IF !$evidence.key_locked { UPDATE $evidence SET key_locked = true };
        };
    };";

pub(super) fn cite_objects(citations: &[CiteSpec]) -> serde_json::Value {
    serde_json::Value::Array(
        citations
            .iter()
            .map(|c| {
                let mut object = serde_json::json!({ "key": c.key, "locator": c.locator });
                if let Some(stance) = c.stance {
                    object["stance"] = stance.as_str().into();
                }
                object
            })
            .collect(),
    )
}

/// Why a save did not happen.
#[derive(Debug)]
pub enum SaveRefused {
    /// Someone saved since `rev`: nothing was written.
    Stale,
    Error(AppError),
}

/// The statements of a block's save, for a transaction to run: refuse a deleted block
/// (`missing`) or one no longer at `$base_rev` (`stale`), then write the text as the next rev
/// credited to `$member`, its revision, its `cites` edges and its event. Expects `$id`,
/// `$base_rev`, `$kind`, `$text`, `$cites`, `$member`; leaves `$block`, `$paper_record` and
/// `$rev` set. Accepting an amendment saves through these too.
pub(super) fn save_statements() -> String {
    format!(
        "LET $block = (SELECT * FROM ONLY type::record('block', $id));
         IF !$block OR $block.deleted {{ RETURN 'missing' }};
         IF $block.rev != $base_rev {{ RETURN 'stale' }};
         LET $paper_record = $block.paper;
         LET $rev = $base_rev + 1;
         LET $author = IF $member {{ type::record('member', $member) }} ELSE {{ NONE }};
         UPDATE $block.id SET kind = $kind, text = $text, rev = $rev, author = $author,
             updated_at = time::now();
         CREATE block_revision CONTENT {{
             block: $block.id, rev: $rev, kind: $kind, text: $text, author: $author
         }};
         {SYNC}
         LET $event_kind = 'saved'; LET $event_block = $id; LET $event_rev = $rev;
         {EVENT}"
    )
}

/// Saves a block's new text if it is still at `base_rev`: the new revision, its edges and its
/// event in one transaction. Answers the new rev.
pub async fn save_block(
    db: &Db,
    block_id: &str,
    base_rev: i64,
    kind: BlockKind,
    text: &str,
    citations: &[CiteSpec],
    member_id: Option<&str>,
) -> Result<i64, SaveRefused> {
    let query = format!(
        "BEGIN TRANSACTION;
         {save}
         RETURN 'done';
         COMMIT TRANSACTION;",
        save = save_statements()
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("id", block_id.to_string()))
            .bind(("base_rev", base_rev))
            .bind(("kind", kind.as_str()))
            .bind(("text", text.to_string()))
            .bind(("cites", cite_objects(citations)))
            .bind(("member", member_id.map(str::to_string)))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => {
            touch_paper_of_block(db, block_id).await;
            Ok(base_rev + 1)
        }
        Ok(Outcome::Stale) => Err(SaveRefused::Stale),
        Ok(Outcome::Missing) => Err(SaveRefused::Error(AppError::NotFound)),
        Ok(other) => Err(SaveRefused::Error(other.unexpected("save block"))),
        // Two saves of the same block in the same instant: the loser fails on the revision
        // index; to the editor it is the same as a stale save.
        Err(e) if is_duplicate(&e) || is_write_conflict(&e) => Err(SaveRefused::Stale),
        Err(e) => Err(SaveRefused::Error(internal("save block", e))),
    }
}

/// The paper's "last changed", outside the change's transaction: many editors saving at once
/// would otherwise all write this one record and conflict. Best effort.
pub(super) async fn touch_paper_of_block(db: &Db, block_id: &str) {
    let _ = db
        .query("UPDATE (SELECT VALUE paper FROM ONLY type::record('block', $id)) SET updated_at = time::now()")
        .bind(("id", block_id.to_string()))
        .await;
}

/// Moves a block to just after `after` (None: to the start).
pub async fn move_block(
    db: &Db,
    paper_id: &str,
    block_id: &str,
    after: Option<&str>,
    member_id: Option<&str>,
) -> Result<(), AppError> {
    if after == Some(block_id) {
        return Ok(());
    }
    let (before, next) = gap(db, paper_id, after, Some(block_id)).await?;
    let position = crate::domain::order::between(before.as_deref(), next.as_deref());
    block_event_change(
        db,
        paper_id,
        block_id,
        // A deleted block stays (so it can come back) but is no longer in the order: moving
        // it (a page that had not heard of the deletion) is refused as not found.
        "IF $block.deleted { RETURN 'missing' }; UPDATE $block.id SET position = $value;",
        "moved",
        serde_json::Value::String(position),
        member_id,
    )
    .await
}

/// The block just before `block_id` in its paper (None for the first), where a reader goes
/// back to after deleting it.
pub async fn previous_block(
    db: &Db,
    paper_id: &str,
    block_id: &str,
) -> Result<Option<String>, AppError> {
    let mut response = db
        .query(
            "LET $at = (SELECT VALUE position FROM ONLY type::record('block', $id));
             SELECT VALUE record::id(id) FROM block
                 WHERE paper = type::record('paper', $paper) AND deleted = false AND position < $at
                 ORDER BY position DESC LIMIT 1;",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("id", block_id.to_string()))
        .await
        .or_internal("previous block")?;
    let ids: Vec<String> = response.take(1).or_internal("previous block")?;
    Ok(ids.into_iter().next())
}

/// Deletes (`true`) or restores (`false`) a block; its revisions stay.
pub async fn set_deleted(
    db: &Db,
    paper_id: &str,
    block_id: &str,
    deleted: bool,
    member_id: Option<&str>,
) -> Result<(), AppError> {
    block_event_change(
        db,
        paper_id,
        block_id,
        "UPDATE $block.id SET deleted = $value;",
        if deleted { "deleted" } else { "restored" },
        serde_json::Value::Bool(deleted),
        member_id,
    )
    .await
}

async fn block_event_change(
    db: &Db,
    paper_id: &str,
    block_id: &str,
    change: &str,
    event_kind: &str,
    value: serde_json::Value,
    member_id: Option<&str>,
) -> Result<(), AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
             LET $paper_record = type::record('paper', $paper);
             LET $block = (SELECT * FROM ONLY type::record('block', $id));
             IF !$block OR $block.paper != $paper_record {{ RETURN 'missing' }};
             {change}
             LET $event_kind = $kind; LET $event_block = $id; LET $event_rev = $block.rev;
             {EVENT}
             RETURN 'done';
             COMMIT TRANSACTION;"
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("paper", paper_id.to_string()))
            .bind(("id", block_id.to_string()))
            .bind(("kind", event_kind.to_string()))
            .bind(("value", value.clone()))
            .bind(("member", member_id.map(str::to_string)))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => {
            touch_paper_of_block(db, block_id).await;
            Ok(())
        }
        Ok(Outcome::Missing) => Err(AppError::NotFound),
        Ok(other) => Err(other.unexpected("change block")),
        Err(e) => Err(internal("change block", e)),
    }
}

/// The block as stored now (for a conflicting save to show the other version).
pub async fn block(db: &Db, block_id: &str) -> Result<Option<BlockRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(id) AS id, kind, text, position, rev, author.name ?? '' AS author,
                time::format(updated_at, {TIME}) AS updated_at, [] AS cites
             FROM ONLY type::record('block', $id) WHERE deleted = false"
        ))
        .bind(("id", block_id.to_string()))
        .await
        .or_internal("get block")?;
    response.take(0).or_internal("get block")
}

/// The paper a block belongs to (its id), to check a request names the right paper.
pub async fn paper_of(db: &Db, block_id: &str) -> Result<Option<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE record::id(paper) FROM ONLY type::record('block', $id)")
        .bind(("id", block_id.to_string()))
        .await
        .or_internal("block paper")?;
    response.take(0).or_internal("block paper")
}

/// Whether the block is one of the paper's and not deleted: one record read, for a request
/// naming a block the kept draft does not hold.
pub async fn holds_block(db: &Db, paper_id: &str, block_id: &str) -> Result<bool, AppError> {
    let mut response = db
        .query(
            "SELECT VALUE record::id(paper) FROM ONLY type::record('block', $id)
             WHERE deleted = false",
        )
        .bind(("id", block_id.to_string()))
        .await
        .or_internal("block's paper")?;
    let paper: Option<String> = response.take(0).or_internal("block's paper")?;
    Ok(paper.as_deref() == Some(paper_id))
}

/// Every saved text of a block, newest first.
pub async fn revisions(db: &Db, block_id: &str) -> Result<Vec<RevisionView>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT rev, kind, text, author.name ?? '' AS author, time::format(at, {TIME}) AS at
             FROM block_revision WHERE block = type::record('block', $id) ORDER BY rev DESC"
        ))
        .bind(("id", block_id.to_string()))
        .await
        .or_internal("block revisions")?;
    response.take(0).or_internal("block revisions")
}

/// A whole paper's blocks at once (Markdown import, demo data), after the existing ones.
pub async fn append_blocks(
    db: &Db,
    paper_id: &str,
    blocks: &[(BlockKind, String, Vec<CiteSpec>)],
    member_id: Option<&str>,
) -> Result<usize, AppError> {
    let (last, _) = last_position(db, paper_id).await?;
    let mut positions = Vec::with_capacity(blocks.len());
    let mut previous = last;
    for _ in blocks {
        let position = crate::domain::order::between(previous.as_deref(), None);
        previous = Some(position.clone());
        positions.push(position);
    }
    let items: Vec<serde_json::Value> = blocks
        .iter()
        .zip(positions)
        .map(|((kind, text, cites), position)| {
            serde_json::json!({
                "kind": kind.as_str(), "text": text, "position": position,
                "cites": cite_objects(cites),
            })
        })
        .collect();
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         LET $author = IF $member {{ type::record('member', $member) }} ELSE {{ NONE }};
         FOR $item IN $items {{
             LET $block = CREATE ONLY block CONTENT {{
                 paper: $paper_record, kind: $item.kind, text: $item.text,
                 position: $item.position, rev: 1, author: $author
             }};
             CREATE block_revision CONTENT {{
                 block: $block.id, rev: 1, kind: $item.kind, text: $item.text, author: $author
             }};
             LET $cites = $item.cites;
             {SYNC}
         }};
         LET $event_kind = 'added'; LET $event_block = ''; LET $event_rev = 0;
         {EVENT}
         COMMIT TRANSACTION;"
    );
    // Safe to run again: a transaction that lost a conflict wrote none of its blocks.
    retrying(|| {
        db.query(query.as_str())
            .bind(("paper", paper_id.to_string()))
            .bind(("items", items.clone()))
            .bind(("member", member_id.map(str::to_string)))
    })
    .await
    .or_internal("append blocks")?;
    Ok(blocks.len())
}

async fn last_position(db: &Db, paper_id: &str) -> Result<(Option<String>, usize), AppError> {
    let mut response = db
        .query(
            "LET $paper_record = type::record('paper', $paper);
             SELECT VALUE position FROM block WHERE paper = $paper_record
                 ORDER BY position DESC LIMIT 1;
             count(SELECT id FROM block WHERE paper = $paper_record AND deleted = false);",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("last block")?;
    let last: Vec<String> = response.take(1).or_internal("last block")?;
    let count: Option<i64> = response.take(2).or_internal("last block")?;
    Ok((last.into_iter().next(), count.unwrap_or(0).max(0) as usize))
}

/// How many live blocks a paper has (to refuse growing past the limit).
pub async fn block_count(db: &Db, paper_id: &str) -> Result<usize, AppError> {
    Ok(last_position(db, paper_id).await?.1)
}

/// Who may edit: the paper's editors, and the network's editors and admins.
pub async fn is_listed_editor(db: &Db, paper_id: &str, member_id: &str) -> Result<bool, AppError> {
    let mut response = db
        .query(
            "RETURN type::record('member', $member) IN
                 (SELECT VALUE editors FROM ONLY type::record('paper', $paper))",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("member", member_id.to_string()))
        .await
        .or_internal("paper editors")?;
    let listed: Option<bool> = response.take(0).or_internal("paper editors")?;
    Ok(listed.unwrap_or(false))
}

/// The blocks citing an evidence item, with their papers (drafts only for members).
pub async fn citing(
    db: &Db,
    key: &str,
    include_drafts: bool,
) -> Result<Vec<crate::domain::evidence_views::CitedIn>, AppError> {
    let mut response = db
        .query(format!(
            "LET $evidence = (SELECT VALUE id FROM evidence WHERE key = $key LIMIT 1)[0];
             SELECT in.paper.slug AS slug, in.paper.title AS title, {} AS status,
                 record::id(in) AS block, in.kind AS kind, stance
             FROM cites WHERE out = $evidence AND in.deleted = false
                 AND ($drafts OR in.paper.status = 'published')
             ORDER BY title, block LIMIT 200;",
            paper_status("in.paper")
        ))
        .bind(("key", key.to_string()))
        .bind(("drafts", include_drafts))
        .await
        .or_internal("evidence cited in")?;
    response.take(1).or_internal("evidence cited in")
}

/// A member as the editors page lists them: a listed editor, or one who could be added.
#[derive(Debug, Clone, SurrealValue)]
pub struct EditorRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    pub organisation: String,
}

/// The paper's listed editors, and the members who could be added (the editor or admin role,
/// active, not listed yet), both by name.
pub async fn editors(
    db: &Db,
    paper_id: &str,
) -> Result<(Vec<EditorRow>, Vec<EditorRow>), AppError> {
    const FIELDS: &str = "record::id(id) AS id, name, email, role, active,
        organisation.name ?? '' AS organisation";
    let mut response = db
        .query(format!(
            "LET $listed = (SELECT VALUE editors FROM ONLY type::record('paper', $paper)) ?? [];
             SELECT {FIELDS} FROM $listed ORDER BY name COLLATE ASC;
             SELECT {FIELDS} FROM member
                 WHERE role IN ['editor', 'admin'] AND active = true AND id NOT IN $listed
                 ORDER BY name COLLATE ASC LIMIT 500;"
        ))
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("paper editors")?;
    let listed: Vec<EditorRow> = response.take(1).or_internal("paper editors")?;
    let candidates: Vec<EditorRow> = response.take(2).or_internal("paper editors")?;
    Ok((listed, candidates))
}

/// Makes the members with these emails the paper's editors, without an event: for data
/// loaded before anyone watches (the demo).
pub async fn set_editors_by_email(
    db: &Db,
    paper_id: &str,
    emails: &[&str],
) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('paper', $paper) SET
            editors = (SELECT VALUE id FROM member WHERE email IN $emails)",
    )
    .bind(("paper", paper_id.to_string()))
    .bind((
        "emails",
        emails.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
    ))
    .await
    .and_then(|r| r.check())
    .or_internal("demo paper editors")?;
    Ok(())
}

/// Lists a member as an editor of the paper (nothing changes if they already are), with its
/// event. The caller has checked the member's role.
pub async fn add_editor(
    db: &Db,
    paper_id: &str,
    member_id: &str,
    by: Option<&str>,
) -> Result<(), AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         UPDATE $paper_record SET editors = array::union(editors, [type::record('member', $editor)]);
         LET $event_kind = 'editors'; LET $event_block = ''; LET $event_rev = 0;
         {EVENT}
         COMMIT TRANSACTION;"
    );
    retrying(|| {
        db.query(query.as_str())
            .bind(("paper", paper_id.to_string()))
            .bind(("editor", member_id.to_string()))
            .bind(("member", by.map(str::to_string)))
    })
    .await
    .map(|_| ())
    .or_internal("add paper editor")
}

/// Why an editor was not removed.
#[derive(Debug)]
pub enum RemoveRefused {
    /// They are the only editor left: a paper always has one.
    LastEditor,
    /// They were not listed (any more): nothing to do.
    NotListed,
    Error(AppError),
}

/// Takes a member off the paper's editors, with its event; refused (in the same transaction,
/// so two removals at once cannot both pass) when they are the last one.
pub async fn remove_editor(
    db: &Db,
    paper_id: &str,
    member_id: &str,
    by: Option<&str>,
) -> Result<(), RemoveRefused> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         LET $gone = type::record('member', $editor);
         LET $listed = (SELECT VALUE editors FROM ONLY $paper_record) ?? [];
         IF $gone NOT IN $listed {{ RETURN 'not_listed' }};
         IF array::len($listed) <= 1 {{ RETURN 'last_one' }};
         UPDATE $paper_record SET editors = array::complement(editors, [$gone]);
         LET $event_kind = 'editors'; LET $event_block = ''; LET $event_rev = 0;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("paper", paper_id.to_string()))
            .bind(("editor", member_id.to_string()))
            .bind(("member", by.map(str::to_string)))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => Ok(()),
        Ok(Outcome::LastOne) => Err(RemoveRefused::LastEditor),
        Ok(Outcome::NotListed) => Err(RemoveRefused::NotListed),
        Ok(other) => Err(RemoveRefused::Error(
            other.unexpected("remove paper editor"),
        )),
        Err(e) => Err(RemoveRefused::Error(internal("remove paper editor", e))),
    }
}
