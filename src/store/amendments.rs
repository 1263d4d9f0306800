//! Amendments and the members' positions on them. Accepting one saves its block through the
//! same statements as an ordinary save (`papers::save_statements`), in the transaction that
//! marks it accepted: both happen, or neither.
use super::conflicts::retrying;
use super::events::EVENT;
use super::papers::{CiteSpec, cite_objects, new_record_id, save_statements};
use super::{Db, OrInternal, Outcome, internal, is_duplicate};
use crate::domain::amendments::AmendmentChoice;
use crate::domain::coverage::BlockKind;
use crate::error::AppError;
use surrealdb::types::SurrealValue;

/// An amendment as stored, with its block's text and rev now.
#[derive(Debug, Clone, SurrealValue)]
pub struct AmendmentRow {
    pub id: String,
    pub paper: String,
    pub block: String,
    pub status: String,
    pub proposer_id: String,
    pub proposer: String,
    pub organisation: String,
    pub text: String,
    pub rationale: String,
    pub base_rev: i64,
    pub current_rev: i64,
    pub current_text: String,
    pub current_kind: String,
    pub block_deleted: bool,
    pub proposed_at: String,
    pub decision_reason: String,
    pub decided_by: String,
    pub accepted_rev: Option<i64>,
}

const FIELDS: &str = "record::id(id) AS id, record::id(paper) AS paper,
    record::id(block) AS block, status, record::id(proposer) AS proposer_id,
    proposer.name ?? '' AS proposer, proposer.organisation.name ?? '' AS organisation,
    text, rationale, base_rev, block.rev ?? 0 AS current_rev, block.text ?? '' AS current_text,
    block.kind ?? 'text' AS current_kind, block.deleted ?? true AS block_deleted,
    time::format(created_at, '%Y-%m-%dT%H:%M:%S%.6fZ') AS proposed_at, decision_reason,
    decided_by.name ?? '' AS decided_by, accepted_rev";

/// Why a proposal, a position or a decision was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmendmentRefused {
    /// The block (or the amendment) is not there, or was deleted.
    Missing,
    /// The block changed since the proposal (or since the member read it).
    Stale,
    /// The amendment was already accepted, rejected or withdrawn.
    Decided,
}

fn refused<T>(
    result: Result<Outcome, surrealdb::Error>,
    context: &str,
    done: T,
) -> Result<Result<T, AmendmentRefused>, AppError> {
    match result {
        Ok(Outcome::Done) => Ok(Ok(done)),
        Ok(Outcome::Missing) => Ok(Err(AmendmentRefused::Missing)),
        Ok(Outcome::Stale) => Ok(Err(AmendmentRefused::Stale)),
        Ok(Outcome::Closed) => Ok(Err(AmendmentRefused::Decided)),
        Ok(other) => Err(other.unexpected(context)),
        Err(e) => Err(internal(context, e)),
    }
}

/// Proposes `text` for a block at rev `base_rev` (refused as stale if the block has moved
/// on). Answers the amendment's id.
pub async fn propose(
    db: &Db,
    paper_id: &str,
    block_id: &str,
    base_rev: i64,
    text: &str,
    rationale: &str,
    member_id: &str,
) -> Result<Result<String, AmendmentRefused>, AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         LET $b = (SELECT * FROM ONLY type::record('block', $block));
         IF !$b OR $b.deleted OR $b.paper != $paper_record {{ RETURN 'missing' }};
         IF $b.rev != $base_rev {{ RETURN 'stale' }};
         CREATE type::record('amendment', $id) CONTENT {{
             paper: $paper_record, block: $b.id, text: $text, rationale: $rationale,
             base_rev: $base_rev, proposer: type::record('member', $member), status: 'open'
         }};
         LET $event_kind = 'amendment'; LET $event_block = $block; LET $event_rev = $b.rev;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let id = new_record_id();
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("id", id.clone()))
            .bind(("paper", paper_id.to_string()))
            .bind(("block", block_id.to_string()))
            .bind(("base_rev", base_rev))
            .bind(("text", text.to_string()))
            .bind(("rationale", rationale.to_string()))
            .bind(("member", Some(member_id.to_string())))
    })
    .await
    .and_then(Outcome::of);
    refused(result, "propose amendment", id)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<AmendmentRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('amendment', $id)"
        ))
        .bind(("id", id.to_string()))
        .await
        .or_internal("get amendment")?;
    response.take(0).or_internal("get amendment")
}

/// The proposed text of every amendment of a block, by amendment id (one read, for a page
/// that shows the threads on several of them).
pub async fn texts_of_block(
    db: &Db,
    paper_id: &str,
    block: &str,
) -> Result<Vec<(String, String)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        id: String,
        text: String,
    }
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, text FROM amendment
             WHERE paper = type::record('paper', $paper) AND block = type::record('block', $block)",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("block", block.to_string()))
        .await
        .or_internal("amendment texts")?;
    let rows: Vec<Row> = response.take(0).or_internal("amendment texts")?;
    Ok(rows.into_iter().map(|r| (r.id, r.text)).collect())
}

/// A paper's amendments (of one block, or of all its blocks), newest first.
pub async fn of_paper(
    db: &Db,
    paper_id: &str,
    block_id: Option<&str>,
) -> Result<Vec<AmendmentRow>, AppError> {
    let mut response = db
        .query(format!(
            "LET $on = IF $block {{ type::record('block', $block) }} ELSE {{ NONE }};
             SELECT {FIELDS} FROM amendment
             WHERE paper = type::record('paper', $paper) AND ($on = NONE OR block = $on)
             ORDER BY proposed_at DESC LIMIT 500;"
        ))
        .bind(("paper", paper_id.to_string()))
        .bind(("block", block_id.map(str::to_string)))
        .await
        .or_internal("amendments")?;
    response.take(1).or_internal("amendments")
}

/// One member's position on an amendment.
#[derive(Debug, Clone, SurrealValue)]
pub struct PositionRow {
    pub amendment: String,
    pub member: String,
    pub choice: String,
}

/// Every position taken on these amendments (one flat read).
pub async fn positions(db: &Db, amendment_ids: &[String]) -> Result<Vec<PositionRow>, AppError> {
    if amendment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut response = db
        .query(
            "SELECT record::id(amendment) AS amendment, record::id(member) AS member, choice
             FROM amendment_vote
             WHERE amendment IN $ids.map(|$id| type::record('amendment', $id))",
        )
        .bind(("ids", amendment_ids.to_vec()))
        .await
        .or_internal("amendment votes")?;
    response.take(0).or_internal("amendment votes")
}

/// Records (or changes) a member's position on an open amendment of a block still there.
pub async fn take_position(
    db: &Db,
    amendment_id: &str,
    member_id: &str,
    choice: AmendmentChoice,
) -> Result<Result<(), AmendmentRefused>, AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $a = (SELECT * FROM ONLY type::record('amendment', $amendment));
         IF !$a OR $a.block.deleted {{ RETURN 'missing' }};
         IF $a.status != 'open' {{ RETURN 'closed' }};
         LET $paper_record = $a.paper;
         UPSERT type::record('amendment_vote', [$amendment, $member]) SET
             amendment = $a.id, member = type::record('member', $member), choice = $choice,
             at = time::now();
         LET $event_kind = 'amendment'; LET $event_block = record::id($a.block);
         LET $event_rev = 0;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("amendment", amendment_id.to_string()))
            .bind(("member", Some(member_id.to_string())))
            .bind(("choice", choice.as_str()))
    })
    .await
    .and_then(Outcome::of);
    match result {
        // Two positions of one member at once: the index kept one of them.
        Err(e) if is_duplicate(&e) => Ok(Ok(())),
        other => refused(other, "amendment position", ()),
    }
}

/// Rejects (with the editor's reason) or withdraws (the proposer) an open amendment.
pub async fn close(
    db: &Db,
    amendment_id: &str,
    rejected: bool,
    reason: &str,
    member_id: &str,
) -> Result<Result<(), AmendmentRefused>, AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $a = (SELECT * FROM ONLY type::record('amendment', $amendment));
         IF !$a {{ RETURN 'missing' }};
         IF $a.status != 'open' {{ RETURN 'closed' }};
         LET $paper_record = $a.paper;
         UPDATE $a.id SET status = IF $rejected {{ 'rejected' }} ELSE {{ 'withdrawn' }},
             decision_reason = $reason, decided_by = type::record('member', $member),
             decided_at = time::now();
         LET $event_kind = 'amendment'; LET $event_block = record::id($a.block);
         LET $event_rev = 0;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("amendment", amendment_id.to_string()))
            .bind(("rejected", rejected))
            .bind(("reason", reason.to_string()))
            .bind(("member", Some(member_id.to_string())))
    })
    .await
    .and_then(Outcome::of);
    refused(result, "close amendment", ())
}

/// Accepts an open amendment: its block is saved with the amendment's text as the next rev,
/// credited to the proposer (citations synced, revision and `saved` event written), if the
/// block is still at the rev the amendment was proposed against. Answers the block's new rev.
pub async fn accept(
    db: &Db,
    amendment: &AmendmentRow,
    kind: BlockKind,
    citations: &[CiteSpec],
    editor_id: &str,
) -> Result<Result<i64, AmendmentRefused>, AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $a = (SELECT * FROM ONLY type::record('amendment', $amendment));
         IF !$a {{ RETURN 'missing' }};
         IF $a.status != 'open' {{ RETURN 'closed' }};
         {save}
         UPDATE $a.id SET status = 'accepted', accepted_rev = $rev,
             decided_by = type::record('member', $editor), decided_at = time::now();
         CREATE event CONTENT {{
             paper: $paper_record, kind: 'amendment', block: $id, rev: $rev, member: $editor,
             member_name: (SELECT VALUE name FROM ONLY type::record('member', $editor)) ?? ''
         }};
         RETURN 'done';
         COMMIT TRANSACTION;",
        save = save_statements()
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("amendment", amendment.id.clone()))
            .bind(("id", amendment.block.clone()))
            .bind(("base_rev", amendment.base_rev))
            .bind(("kind", kind.as_str()))
            .bind(("text", amendment.text.clone()))
            .bind(("cites", cite_objects(citations)))
            .bind(("member", Some(amendment.proposer_id.clone())))
            .bind(("editor", editor_id.to_string()))
    })
    .await
    .and_then(Outcome::of);
    let outcome = match result {
        // Saved at the same instant by someone else: the revision index refused this one.
        Err(e) if is_duplicate(&e) => Ok(Outcome::Stale),
        other => other,
    };
    let answer = refused(outcome, "accept amendment", amendment.base_rev + 1)?;
    if answer.is_ok() {
        super::papers::touch_paper_of_block(db, &amendment.block).await;
    }
    Ok(answer)
}
