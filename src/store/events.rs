//! The events table: every change to a draft appends one in its own transaction; each app
//! instance polls for new ones (DESIGN.md §6: no LIVE SELECT, no changefeeds).
use super::conflicts::retrying;
use super::{Db, OrInternal};
use crate::domain::papers::PaperEvent;
use crate::error::AppError;
use surrealdb::types::SurrealValue;

/// The event written with every change (DESIGN.md §6).
pub(super) const EVENT: &str = "CREATE event CONTENT {
        paper: $paper_record, kind: $event_kind, block: $event_block, rev: $event_rev,
        member: $member ?? '',
        member_name: IF $member { (SELECT VALUE name FROM ONLY type::record('member', $member)) } ELSE { '' }
    };";

// Nanoseconds, as stored: a page ends at an exact event, and the next starts right after it.
const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.9fZ'";

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
    now.ok_or_else(|| AppError::internal("event clock answered nothing"))
}

/// How many events one read takes; the poller reads page after page until one comes back short.
pub const PAGE: usize = 500;

/// Up to [`PAGE`] events after the one at time `at` with id `id`, in (time, id) order, with the
/// time of each. Paging by both means no number of events written in the same moment can hold
/// a reader in place; an empty `id` starts at `at` itself.
pub async fn after(db: &Db, at: &str, id: &str) -> Result<Vec<(PaperEvent, String)>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(id) AS id, record::id(paper) AS paper, kind, block, rev, member,
                member_name, time::format(at, {TIME}) AS at
             FROM event
             WHERE at >= <datetime> $at AND (at > <datetime> $at OR record::id(id) > $id)
             ORDER BY at, id LIMIT {PAGE}"
        ))
        .bind(("at", at.to_string()))
        .bind(("id", id.to_string()))
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

/// Appends a presence event unless the same member announced the same block of the same
/// paper within the last second (a page announcing in a loop would otherwise fill the events
/// table faster than viewers can read it). Answers whether it was written.
pub async fn announce_presence(db: &Db, event: &PaperEvent) -> Result<bool, AppError> {
    let mut response = db
        .query(
            "LET $recent = (SELECT VALUE id FROM event
                WHERE at > time::now() - 1s AND paper = type::record('paper', $paper)
                    AND kind = 'presence' AND member = $member AND block = $block LIMIT 1);
             IF array::len($recent) > 0 { false } ELSE {
                CREATE event CONTENT {
                    paper: type::record('paper', $paper), kind: 'presence', block: $block,
                    rev: 0, member: $member, member_name: $member_name
                };
                true
             };",
        )
        .bind(("paper", event.paper.clone()))
        .bind(("block", event.block.clone()))
        .bind(("member", event.member.clone()))
        .bind(("member_name", event.member_name.clone()))
        .await
        .and_then(|r| r.check())
        .or_internal("announce presence")?;
    let written: Option<bool> = response.take(1).or_internal("announce presence")?;
    Ok(written.unwrap_or(false))
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
