//! Consultations and their votes. Every question "is it open?" that leads to a write is asked
//! inside the write's transaction, against the database's clock (`time::now()`): a browser's
//! clock, or this instance's, never decides.
use super::conflicts::retrying;
use super::papers::EVENT;
use super::{Db, OrInternal, Outcome, internal};
use crate::domain::consultations::{Choice, ConsultationFields, WindowChange};
use crate::error::{AppError, Problem};
use surrealdb::types::SurrealValue;

const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.6fZ'";

/// A paper's status as everyone sees it: a draft whose consultation is open at the
/// database's now is in consultation, and goes back to being a draft when it closes, without
/// anything having to write that; a draft with a published version shows as published (its
/// drafting goes on towards the next version). `paper` is the path to the paper record in
/// the query (`id`, `in.paper`…). The one place the status is decided.
pub(super) fn paper_status(paper: &str) -> String {
    format!(
        "(IF {paper}.status = 'draft' AND {paper}.consultation != NONE
            AND {paper}.consultation.opens_at <= time::now()
            AND {paper}.consultation.closes_at > time::now()
         {{ 'consultation' }} ELSE IF {paper}.status = 'draft' AND {paper}.published_version != NONE
         {{ 'published' }} ELSE {{ {paper}.status }})"
    )
}

/// A paper's latest consultation, with the database's now.
#[derive(Debug, Clone, SurrealValue)]
pub struct ConsultationRow {
    pub id: String,
    pub opens_at: String,
    pub closes_at: String,
    pub now: String,
    /// Seconds from now until it opens, and until it closes (negative once past).
    pub opens_in: i64,
    pub closes_in: i64,
    pub quorum: Option<i64>,
    pub reason_required: bool,
    pub results: String,
}

/// The paper's latest consultation (None if it never had one) and its logged changes.
pub async fn current(
    db: &Db,
    paper_id: &str,
) -> Result<Option<(ConsultationRow, Vec<WindowChange>)>, AppError> {
    let mut response = db
        .query(format!(
            "LET $c = (SELECT VALUE consultation FROM ONLY type::record('paper', $paper));
             SELECT record::id(id) AS id, time::format(opens_at, {TIME}) AS opens_at,
                 time::format(closes_at, {TIME}) AS closes_at,
                 time::format(time::now(), {TIME}) AS now,
                 time::unix(opens_at) - time::unix(time::now()) AS opens_in,
                 time::unix(closes_at) - time::unix(time::now()) AS closes_in,
                 quorum, reason_required, results
             FROM consultation WHERE paper = type::record('paper', $paper) AND id = $c LIMIT 1;
             SELECT action, member.name ?? '' AS member_name, time::format(at, {TIME}) AS at,
                 time::format(closes_at, {TIME}) AS closes_at
             FROM consultation_change WHERE consultation = $c ORDER BY at LIMIT 200;"
        ))
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("current consultation")?;
    let rows: Vec<ConsultationRow> = response.take(1).or_internal("current consultation")?;
    let changes: Vec<WindowChange> = response.take(2).or_internal("current consultation")?;
    Ok(rows.into_iter().next().map(|row| (row, changes)))
}

/// The database's clock, to check typed times against.
pub async fn now(db: &Db) -> Result<String, AppError> {
    let mut response = db
        .query(format!("RETURN time::format(time::now(), {TIME})"))
        .await
        .or_internal("database clock")?;
    let now: Option<String> = response.take(0).or_internal("database clock")?;
    now.ok_or_else(|| AppError::internal("consultation clock answered nothing"))
}

/// Opens a new consultation on the paper, refused while its latest one has not closed.
pub async fn open(
    db: &Db,
    paper_id: &str,
    fields: &ConsultationFields,
    member_id: &str,
) -> Result<(), AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         LET $previous = (SELECT VALUE consultation FROM ONLY $paper_record);
         IF $previous != NONE AND time::now() < $previous.closes_at {{ RETURN 'already_open' }};
         LET $opens = IF $opens_at {{ <datetime> $opens_at }} ELSE {{ time::now() }};
         LET $c = CREATE ONLY consultation CONTENT {{
             paper: $paper_record, opens_at: $opens, closes_at: <datetime> $closes_at,
             quorum: $quorum, reason_required: $reason_required, results: $results,
             created_by: type::record('member', $member)
         }};
         UPDATE $paper_record SET consultation = $c.id;
         CREATE consultation_change CONTENT {{
             consultation: $c.id, member: type::record('member', $member), action: 'opened',
             closes_at: $c.closes_at
         }};
         LET $event_kind = 'consultation'; LET $event_block = ''; LET $event_rev = 0;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("paper", paper_id.to_string()))
            .bind(("opens_at", fields.opens_at.clone()))
            .bind(("closes_at", fields.closes_at.clone()))
            .bind(("quorum", fields.quorum.map(i64::from)))
            .bind(("reason_required", fields.reason_required))
            .bind(("results", fields.results.as_str()))
            .bind(("member", Some(member_id.to_string())))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => Ok(()),
        Ok(Outcome::AlreadyOpen) => Err(AppError::invalid("consultation", Problem::AlreadyOpen)),
        Ok(other) => Err(other.unexpected("open consultation")),
        Err(e) => Err(internal("open consultation", e)),
    }
}

/// A new closing time for a consultation that has not closed: `Some(time)` to extend it,
/// None to close it now (early). Logged with who did it.
pub async fn change_closing(
    db: &Db,
    paper_id: &str,
    consultation_id: &str,
    closes_at: Option<&str>,
    member_id: &str,
) -> Result<(), AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         LET $c = (SELECT * FROM ONLY type::record('consultation', $consultation));
         IF !$c OR $c.paper != $paper_record {{ RETURN 'missing' }};
         IF time::now() >= $c.closes_at {{ RETURN 'closed' }};
         LET $closes = IF $closes_at {{ <datetime> $closes_at }} ELSE {{ time::now() }};
         UPDATE $c.id SET closes_at = $closes;
         CREATE consultation_change CONTENT {{
             consultation: $c.id, member: type::record('member', $member),
             action: IF $closes_at {{ 'extended' }} ELSE {{ 'closed_early' }}, closes_at: $closes
         }};
         LET $event_kind = 'consultation'; LET $event_block = ''; LET $event_rev = 0;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("paper", paper_id.to_string()))
            .bind(("consultation", consultation_id.to_string()))
            .bind(("closes_at", closes_at.map(str::to_string)))
            .bind(("member", Some(member_id.to_string())))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => Ok(()),
        Ok(Outcome::Missing) => Err(AppError::NotFound),
        Ok(Outcome::Closed) => Err(AppError::invalid("consultation", Problem::NotOpen)),
        Ok(other) => Err(other.unexpected("change consultation")),
        Err(e) => Err(internal("change consultation", e)),
    }
}

/// Why a vote was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteRefused {
    /// Not open at the database's now.
    Closed,
    /// No such recommendation in this consultation's paper (or no such member).
    Missing,
    /// The block's text changed since the member read it.
    Stale,
}

/// A vote, new or changed: one statement writes it under the id (consultation, member,
/// target), so two at once from two tabs leave one vote (the loser of the write conflict
/// runs again and changes it). `seen_rev` is the block's rev the member read (None: not
/// checked).
#[allow(clippy::too_many_arguments)]
pub async fn cast(
    db: &Db,
    consultation_id: &str,
    member_id: &str,
    target: &str,
    choice: Choice,
    reason: &str,
    seen_rev: Option<i64>,
) -> Result<Result<(), VoteRefused>, AppError> {
    const CAST: &str = "BEGIN TRANSACTION;
         LET $c = (SELECT * FROM ONLY type::record('consultation', $consultation));
         IF !$c { RETURN 'missing' };
         IF time::now() < $c.opens_at OR time::now() >= $c.closes_at { RETURN 'closed' };
         LET $m = (SELECT * FROM ONLY type::record('member', $member));
         IF !$m OR !$m.active { RETURN 'missing' };
         LET $b = IF $target = 'paper' { NONE } ELSE {
             (SELECT * FROM ONLY type::record('block', $target))
         };
         IF $target != 'paper' AND (!$b OR $b.deleted OR $b.paper != $c.paper
             OR $b.kind != 'recommendation') { RETURN 'missing' };
         LET $rev = IF $b { $b.rev } ELSE { 0 };
         IF $seen >= 0 AND $seen != $rev { RETURN 'stale' };
         UPSERT type::record('vote', [$consultation, $member, $target]) SET
             consultation = $c.id, member = $m.id, organisation = $m.organisation,
             target = $target, block = IF $b { $b.id } ELSE { NONE }, choice = $choice,
             reason = $reason, block_rev = $rev, updated_at = time::now();
         CREATE event CONTENT {
             paper: $c.paper, kind: 'vote', block: $target, rev: $rev,
             member: '', member_name: ''
         };
         RETURN 'done';
         COMMIT TRANSACTION;";
    let result = retrying(|| {
        db.query(CAST)
            .bind(("consultation", consultation_id.to_string()))
            .bind(("member", member_id.to_string()))
            .bind(("target", target.to_string()))
            .bind(("choice", choice.as_str()))
            .bind(("reason", reason.to_string()))
            .bind(("seen", seen_rev.unwrap_or(-1)))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => Ok(Ok(())),
        Ok(Outcome::Closed) => Ok(Err(VoteRefused::Closed)),
        Ok(Outcome::Missing) => Ok(Err(VoteRefused::Missing)),
        Ok(Outcome::Stale) => Ok(Err(VoteRefused::Stale)),
        Ok(other) => Err(other.unexpected("cast vote")),
        Err(e) => Err(internal("cast vote", e)),
    }
}

/// One vote as the results and the CSV read it, with the block's rev now.
#[derive(Debug, Clone, SurrealValue)]
pub struct VoteRow {
    pub target: String,
    pub choice: String,
    pub reason: String,
    pub block_rev: i64,
    pub current_rev: i64,
    pub member_id: String,
    pub member_name: String,
    pub organisation: String,
    pub country: String,
    pub updated_at: String,
}

/// Every vote of a consultation (one flat read: a network's members × its recommendations).
pub async fn votes(db: &Db, consultation_id: &str) -> Result<Vec<VoteRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT target, choice, reason, block_rev, block.rev ?? 0 AS current_rev,
                 record::id(member) AS member_id, member.name ?? '' AS member_name,
                 organisation.country ?? '' AS country, organisation.name ?? '' AS organisation,
                 time::format(updated_at, {TIME}) AS updated_at
             FROM vote WHERE consultation = type::record('consultation', $consultation)
             ORDER BY target, choice, member_name"
        ))
        .bind(("consultation", consultation_id.to_string()))
        .await
        .or_internal("consultation votes")?;
    response.take(0).or_internal("consultation votes")
}

/// A member's own votes in a consultation: (target, choice, reason, rev cast on).
#[derive(Debug, Clone, SurrealValue)]
pub struct MyVoteRow {
    pub target: String,
    pub choice: String,
    pub reason: String,
    pub block_rev: i64,
}

pub async fn votes_of(
    db: &Db,
    consultation_id: &str,
    member_id: &str,
) -> Result<Vec<MyVoteRow>, AppError> {
    let mut response = db
        .query(
            "SELECT target, choice, reason, block_rev FROM vote
             WHERE consultation = type::record('consultation', $consultation)
                 AND member = type::record('member', $member)",
        )
        .bind(("consultation", consultation_id.to_string()))
        .bind(("member", member_id.to_string()))
        .await
        .or_internal("my votes")?;
    response.take(0).or_internal("my votes")
}
