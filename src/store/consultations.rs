//! Consultations and their votes. Every question "is it open?" that leads to a write is asked
//! inside the write's transaction, against the database's clock (`time::now()`): a browser's
//! clock, or this instance's, never decides.
use super::conflicts::retrying;
use super::events::EVENT;
use super::{Db, OrInternal, Outcome, internal};
use crate::domain::consultations::{
    self as rules, Choice, ConsultationFields, PAPER_TARGET, VoteFacts, WindowChange,
};
use crate::error::{AppError, Problem};
use surrealdb::types::{Array, RecordId, SurrealValue};

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

pub use crate::domain::consultations::VoteRefused;

/// A vote to write: the consultation it goes to, who casts it, on what (a recommendation's
/// block id or `paper`), and the block's rev the member read (-1: not checked).
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct VoteCast {
    pub consultation: String,
    pub member: String,
    pub target: String,
    pub choice: String,
    pub reason: String,
    pub seen: i64,
}

impl VoteCast {
    pub fn new(
        consultation_id: &str,
        member_id: &str,
        target: &str,
        choice: Choice,
        reason: &str,
        seen_rev: Option<i64>,
    ) -> Self {
        VoteCast {
            consultation: consultation_id.to_string(),
            member: member_id.to_string(),
            target: target.to_string(),
            choice: choice.as_str().to_string(),
            reason: reason.to_string(),
            seen: seen_rev.unwrap_or(-1),
        }
    }
}

/// A vote, new or changed, alone in its transaction (see `cast_all`).
pub async fn cast(db: &Db, vote: &VoteCast) -> Result<Result<(), VoteRefused>, AppError> {
    cast_all(db, std::slice::from_ref(vote))
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("cast vote: the transaction answered no outcome"))
}

/// Votes, new or changed, written in one transaction (one commit for all: on the on-disk
/// database the commit is most of a vote's cost). Each is checked on its own, against the
/// database's clock, and answered on its own: a refused vote writes nothing and does not stop
/// the others. Each vote is written under the id (consultation, member, target), so two at
/// once from two tabs leave one vote (the loser of the write conflict runs again and changes
/// it); two of the same member's votes on one target in one batch leave the later.
pub async fn cast_all(
    db: &Db,
    votes: &[VoteCast],
) -> Result<Vec<Result<(), VoteRefused>>, AppError> {
    if votes.is_empty() {
        return Ok(Vec::new());
    }
    super::conflicts::retrying_tries(|| cast_once(db, votes))
        .await
        .map_err(|e| internal("cast votes", e))
}

/// What a batch's checks read, in one statement per kind of record and inside the batch's
/// transaction: whether each consultation is open at the database's now, each member's
/// organisation and standing, each block's paper, kind and rev. The checks themselves run
/// here, in Rust: written as SurrealQL, evaluated per vote, they were half the server's time
/// under load (the engine moves each expression's state on its own stack: `memmove` was a
/// third of all samples).
const CAST_READ: &str = "
SELECT record::id(id) AS id, paper,
    (time::now() >= opens_at AND time::now() < closes_at) AS open
    FROM $consultations;
SELECT record::id(id) AS id, organisation, active FROM $members;
SELECT record::id(id) AS id, paper, kind, rev, deleted FROM $blocks;";

/// The batch's writes: the votes (a vote already there is changed in place; `cast_at` stays)
/// and one live event per target written.
const CAST_WRITE: &str = "
INSERT INTO vote $rows ON DUPLICATE KEY UPDATE
    organisation = $input.organisation, block = $input.block, choice = $input.choice,
    reason = $input.reason, block_rev = $input.block_rev, updated_at = time::now()
    RETURN NONE;
INSERT INTO event $events RETURN NONE;";

#[derive(Debug, SurrealValue)]
struct ConsultationFacts {
    id: String,
    paper: RecordId,
    open: bool,
}

#[derive(Debug, SurrealValue)]
struct MemberFacts {
    id: String,
    organisation: Option<RecordId>,
    active: bool,
}

#[derive(Debug, SurrealValue)]
struct BlockFacts {
    id: String,
    paper: RecordId,
    kind: String,
    rev: i64,
    deleted: bool,
}

#[derive(Debug, SurrealValue)]
struct VoteRecord {
    id: RecordId,
    consultation: RecordId,
    member: RecordId,
    organisation: RecordId,
    target: String,
    block: Option<RecordId>,
    choice: String,
    reason: String,
    block_rev: i64,
}

#[derive(Debug, SurrealValue)]
struct VoteEvent {
    paper: RecordId,
    kind: String,
    block: String,
    rev: i64,
    member: String,
    member_name: String,
}

fn records(table: &str, keys: impl Iterator<Item = String>) -> Vec<RecordId> {
    let keys: std::collections::BTreeSet<String> = keys.collect();
    keys.into_iter()
        .map(|key| RecordId::new(table, key))
        .collect()
}

/// One try at a batch: read what the checks need, decide each vote, write the accepted ones,
/// commit. Any error cancels the whole try (nothing of it is kept).
async fn cast_once(
    db: &Db,
    votes: &[VoteCast],
) -> Result<Vec<Result<(), VoteRefused>>, surrealdb::Error> {
    super::conflicts::in_transaction(
        db,
        async |tx| {
            let mut read = tx
                .query(CAST_READ)
                .bind((
                    "consultations",
                    records("consultation", votes.iter().map(|v| v.consultation.clone())),
                ))
                .bind((
                    "members",
                    records("member", votes.iter().map(|v| v.member.clone())),
                ))
                .bind((
                    "blocks",
                    records(
                        "block",
                        votes
                            .iter()
                            .filter(|v| v.target != PAPER_TARGET)
                            .map(|v| v.target.clone()),
                    ),
                ))
                .await
                .and_then(super::check_cause)?;
            let consultations: Vec<ConsultationFacts> = read.take(0)?;
            let members: Vec<MemberFacts> = read.take(1)?;
            let blocks: Vec<BlockFacts> = read.take(2)?;
            let mut outcomes = Vec::with_capacity(votes.len());
            let mut rows = Vec::new();
            let mut events: Vec<VoteEvent> = Vec::new();
            for vote in votes {
                let consultation = consultations.iter().find(|c| c.id == vote.consultation);
                let member = members.iter().find(|m| m.id == vote.member);
                let block = blocks.iter().find(|b| b.id == vote.target);
                let decision = decide(vote, consultation, member, block);
                if let (Ok((rev, organisation)), Some(c)) = (&decision, consultation) {
                    rows.push(VoteRecord {
                        id: RecordId::new(
                            "vote",
                            Array::from(vec![
                                vote.consultation.clone(),
                                vote.member.clone(),
                                vote.target.clone(),
                            ]),
                        ),
                        consultation: RecordId::new("consultation", vote.consultation.clone()),
                        member: RecordId::new("member", vote.member.clone()),
                        organisation: organisation.clone(),
                        target: vote.target.clone(),
                        block: block.map(|b| RecordId::new("block", b.id.clone())),
                        choice: vote.choice.clone(),
                        reason: vote.reason.clone(),
                        block_rev: *rev,
                    });
                    if !events
                        .iter()
                        .any(|e| e.paper == c.paper && e.block == vote.target && e.rev == *rev)
                    {
                        events.push(VoteEvent {
                            paper: c.paper.clone(),
                            kind: "vote".into(),
                            block: vote.target.clone(),
                            rev: *rev,
                            member: String::new(),
                            member_name: String::new(),
                        });
                    }
                }
                outcomes.push(decision.map(|_| ()));
            }
            if !rows.is_empty() {
                tx.query(CAST_WRITE)
                    .bind(("rows", rows))
                    .bind(("events", events))
                    .await
                    .and_then(super::check_cause)?;
            }
            Ok(outcomes)
        },
        |_| true,
    )
    .await
}

/// One vote's checks (`domain::consultations::decide_vote`) over what the batch read.
fn decide(
    vote: &VoteCast,
    consultation: Option<&ConsultationFacts>,
    member: Option<&MemberFacts>,
    block: Option<&BlockFacts>,
) -> Result<(i64, RecordId), VoteRefused> {
    let facts = VoteFacts {
        consultation: consultation.map(|c| (&c.paper, c.open)),
        member: member.map(|m| (m.active, m.organisation.as_ref())),
        block: block.map(|b| rules::BlockFacts {
            paper: &b.paper,
            kind: &b.kind,
            rev: b.rev,
            deleted: b.deleted,
        }),
    };
    let seen = (vote.seen >= 0).then_some(vote.seen);
    rules::decide_vote(&vote.target, seen, facts).map(|(rev, org)| (rev, org.clone()))
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
