//! The events table: every change to a draft appends one in its own transaction; each app
//! instance polls for new ones (DESIGN.md §6: no LIVE SELECT, no changefeeds).
use super::conflicts::retrying;
use super::{Db, OrInternal};
use crate::domain::papers::PaperEvent;
use crate::error::AppError;
use surrealdb::types::SurrealValue;

const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.6fZ'";

#[derive(Debug, SurrealValue)]
struct EventRow {
    id: String,
    paper: String,
    kind: String,
    block: String,
    rev: i64,
    member: String,
    member_name: String,
    at: String,
}

/// The database's clock, as a cursor (instances may disagree about time; the database decides).
pub async fn now(db: &Db) -> Result<String, AppError> {
    let mut response = db
        .query(format!("RETURN time::format(time::now(), {TIME})"))
        .await
        .or_internal("event clock")?;
    let now: Option<String> = response.take(0).or_internal("event clock")?;
    now.ok_or(AppError::Internal)
}

/// Events written after `since`, oldest first, with the time of each.
pub async fn since(db: &Db, since: &str) -> Result<Vec<(PaperEvent, String)>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(id) AS id, record::id(paper) AS paper, kind, block, rev, member,
                member_name, time::format(at, {TIME}) AS at
             FROM event WHERE at > <datetime> $since ORDER BY at LIMIT 2000"
        ))
        .bind(("since", since.to_string()))
        .await
        .or_internal("poll events")?;
    let rows: Vec<EventRow> = response.take(0).or_internal("poll events")?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                PaperEvent {
                    id: r.id,
                    paper: r.paper,
                    kind: r.kind,
                    block: r.block,
                    rev: r.rev,
                    member: r.member,
                    member_name: r.member_name,
                },
                r.at,
            )
        })
        .collect())
}

/// Appends an event outside a change (presence: someone arrived, left or started editing).
pub async fn append(db: &Db, event: &PaperEvent) -> Result<(), AppError> {
    retrying(|| {
        db.query(
            "CREATE event CONTENT {
                paper: type::record('paper', $paper), kind: $kind, block: $block, rev: $rev,
                member: $member, member_name: $member_name
            }",
        )
        .bind(("paper", event.paper.clone()))
        .bind(("kind", event.kind.clone()))
        .bind(("block", event.block.clone()))
        .bind(("rev", event.rev))
        .bind(("member", event.member.clone()))
        .bind(("member_name", event.member_name.clone()))
    })
    .await
    .map(|_| ())
    .or_internal("append event")
}

/// Events older than ten minutes have been delivered or are no longer interesting.
pub async fn prune(db: &Db) -> Result<(), AppError> {
    db.query("DELETE event WHERE at < time::now() - 10m")
        .await
        .and_then(|r| r.check())
        .or_internal("prune events")?;
    Ok(())
}

/// Who has the draft open, and what each is editing (seen in the last 45 seconds).
pub async fn presence(
    db: &Db,
    paper_id: &str,
) -> Result<Vec<crate::domain::papers::PresenceView>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(member) AS member_id, member.name AS name, block FROM presence
             WHERE paper = type::record('paper', $paper) AND seen_at > time::now() - 45s
             ORDER BY name",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("presence")?;
    response.take(0).or_internal("presence")
}

/// Marks a member as present on a paper (and editing `block`, or nothing when empty).
/// Presence writes are retried when they collide: one member's presence is written by several
/// requests at once whenever they move between the draft and the block editor.
pub async fn set_presence(
    db: &Db,
    paper_id: &str,
    member_id: &str,
    block: &str,
) -> Result<(), AppError> {
    retrying(|| {
        db.query(
            "UPSERT type::record('presence', [$paper, $member]) CONTENT {
                paper: type::record('paper', $paper), member: type::record('member', $member),
                block: $block, seen_at: time::now()
            }",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("member", member_id.to_string()))
        .bind(("block", block.to_string()))
    })
    .await
    .map(|_| ())
    .or_internal("set presence")
}

/// Keeps a member present (the page is still open) without changing what they edit.
pub async fn touch_presence(db: &Db, paper_id: &str, member_id: &str) -> Result<(), AppError> {
    retrying(|| {
        db.query(
            "UPSERT type::record('presence', [$paper, $member]) MERGE {
                paper: type::record('paper', $paper), member: type::record('member', $member),
                seen_at: time::now()
            }",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("member", member_id.to_string()))
    })
    .await
    .map(|_| ())
    .or_internal("touch presence")
}

pub async fn clear_presence(db: &Db, paper_id: &str, member_id: &str) -> Result<(), AppError> {
    retrying(|| {
        db.query("DELETE type::record('presence', [$paper, $member])")
            .bind(("paper", paper_id.to_string()))
            .bind(("member", member_id.to_string()))
    })
    .await
    .map(|_| ())
    .or_internal("clear presence")
}
