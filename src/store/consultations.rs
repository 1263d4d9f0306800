//! Consultations and their votes. Every question "is it open?" that leads to a write is asked
//! inside the write's transaction, against the database's clock (`time::now()`): a browser's
//! clock, or this instance's, never decides.
use super::conflicts::retrying;
use super::events::EVENT;
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
/// the others. Each vote is one statement under the id (consultation, member, target), so two
/// at once from two tabs leave one vote (the loser of the write conflict runs again and
/// changes it); two of the same member's votes on one target in one batch leave the later.
pub async fn cast_all(
    db: &Db,
    votes: &[VoteCast],
) -> Result<Vec<Result<(), VoteRefused>>, AppError> {
    if votes.is_empty() {
        return Ok(Vec::new());
    }
    let words = retrying(|| db.query(CAST_VOTES).bind(("votes", votes.to_vec())))
        .await
        .and_then(|result| outcome_words(result, votes.len()))
        .or_internal("cast votes")?;
    words
        .iter()
        .map(|word| match Outcome::from_word(word) {
            Some(Outcome::Done) => Ok(Ok(())),
            Some(Outcome::Closed) => Ok(Err(VoteRefused::Closed)),
            Some(Outcome::Missing) => Ok(Err(VoteRefused::Missing)),
            Some(Outcome::Stale) => Ok(Err(VoteRefused::Stale)),
            Some(other) => Err(other.unexpected("cast vote")),
            None => Err(AppError::internal("cast vote: an unknown outcome")),
        })
        .collect()
}

/// The transaction for a batch of votes, bound as `$votes`: each vote's checks decide its
/// word (`done`, `closed`, `missing`, `stale`) in the order a single vote is checked, only a
/// `done` writes, and the last statement answers every word in the votes' order. Each target
/// that got a vote written gets one live event (its viewers refresh once, not once per vote).
/// One text whatever the batch: a text with seven statements per vote made the database
/// parse and plan hundreds of statements per batch, most of a vote's cost. For the same
/// reason the records the checks need are read once per batch, each kind in one statement
/// (a batch is mostly one consultation, a few blocks, and its voters), and the votes are
/// written by one `INSERT` (a vote already there is updated in place; `cast_at` stays).
const CAST_VOTES: &str = "BEGIN TRANSACTION;
LET $now = time::now();
LET $by_key = |$rows| object::from_entries(array::map($rows, |$r| [<string> record::id($r.id), $r]));
LET $consultations = $by_key(SELECT * FROM array::distinct(array::map($votes,
    |$v| type::record('consultation', $v.consultation))));
LET $members = $by_key(SELECT * FROM array::distinct(array::map($votes,
    |$v| type::record('member', $v.member))));
LET $blocks = $by_key(SELECT * FROM array::distinct(array::map(
    array::filter($votes, |$v| $v.target != 'paper'), |$v| type::record('block', $v.target))));
LET $checked = array::map($votes, |$v| {
    LET $c = $consultations[$v.consultation];
    LET $m = $members[$v.member];
    LET $b = IF $v.target = 'paper' { NONE } ELSE { $blocks[$v.target] };
    LET $rev = IF $b { $b.rev } ELSE { 0 };
    LET $word = IF !$c { 'missing' }
        ELSE IF $now < $c.opens_at OR $now >= $c.closes_at { 'closed' }
        ELSE IF !$m OR !$m.active { 'missing' }
        ELSE IF $v.target != 'paper' AND (!$b OR $b.deleted
            OR $b.paper != $c.paper OR $b.kind != 'recommendation') { 'missing' }
        ELSE IF $v.seen >= 0 AND $v.seen != $rev { 'stale' }
        ELSE { 'done' };
    RETURN object::extend($v, {
        word: $word, rev: $rev, paper: $c.paper, consultation_id: $c.id, member_id: $m.id,
        organisation: $m.organisation, block: IF $b { $b.id } ELSE { NONE }
    });
});
LET $done = array::filter($checked, |$v| $v.word = 'done');
IF array::len($done) > 0 {
    INSERT INTO vote array::map($done, |$v| {
        id: type::record('vote', [$v.consultation, $v.member, $v.target]),
        consultation: $v.consultation_id, member: $v.member_id,
        organisation: $v.organisation, target: $v.target, block: $v.block,
        choice: $v.choice, reason: $v.reason, block_rev: $v.rev
    }) ON DUPLICATE KEY UPDATE
        organisation = $input.organisation, block = $input.block, choice = $input.choice,
        reason = $input.reason, block_rev = $input.block_rev, updated_at = time::now()
    RETURN NONE;
};
LET $written = array::distinct(array::map($done,
    |$v| object::extend({ paper: $v.paper, block: $v.target }, { rev: $v.rev })
));
FOR $e IN $written {
    CREATE event CONTENT {
        paper: $e.paper, kind: 'vote', block: $e.block, rev: $e.rev,
        member: '', member_name: ''
    } RETURN NONE;
};
RETURN array::map($checked, |$v| $v.word);
COMMIT TRANSACTION;";

/// The words the batch's last answering statement returned, one per vote.
fn outcome_words(
    mut response: surrealdb::IndexedResults,
    count: usize,
) -> Result<Vec<String>, surrealdb::Error> {
    (0..response.num_statements())
        .rev()
        .find_map(|index| {
            // `Option<Vec<_>>` would read a one-element array as its element: ask for the array.
            let words: Vec<String> = response.take(index).ok()?;
            (words.len() == count).then_some(words)
        })
        .ok_or_else(|| {
            surrealdb::Error::internal("the votes' transaction returned no outcomes".into())
        })
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
