//! Consultations: the window in which members vote on a draft's recommendations and on the
//! paper as a whole, the rules for a vote, and the tallies the results show.
//!
//! Whether a window is open is always decided against the database's clock: callers pass the
//! `now` the database answered, never the browser's or this process's.
use crate::domain::evidence::clean_multiline;
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
#[cfg(feature = "ssr")]
use surrealdb::types::SurrealValue;

/// A reason is a few sentences, not an essay: 2,000 characters.
/// What casting a vote needs to know of its paper: which paper, its current consultation and
/// whether opposing needs a reason (fixed when the consultation opens). Kept for a few
/// seconds: the vote's own transaction checks the window again by the database's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VotingOn {
    pub paper_id: String,
    pub consultation_id: String,
    pub reason_required: bool,
}

pub const REASON_MAX: usize = 2_000;
/// Far beyond the 200-odd organisations of a real network.
pub const QUORUM_MAX: u32 = 10_000;
/// The vote target that stands for the paper as a whole (every other target is a block id).
pub const PAPER_TARGET: &str = "paper";

named_enum!(
    /// How a member votes on a recommendation or on the paper.
    Choice, "choice" {
        Support => "support",
        Oppose => "oppose",
        Abstain => "abstain",
    }
);

named_enum!(
    /// Whether the results CSV names who voted, as the editors set for the consultation.
    ResultsMode, "results" {
        Named => "named",
        Anonymised => "anonymised",
    }
);

/// Where a consultation stands at the database's `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    /// Opened by the editors, but its opening time has not come yet.
    Scheduled,
    Open,
    Closed,
}

/// `2026-12-02T10:31:05.123Z` and `2026-12-02T10:31:00Z` compared to the second: the fixed
/// width prefix of an ISO-8601 UTC time sorts like the time itself.
fn to_second(at: &str) -> &str {
    at.get(..19).unwrap_or(at)
}

/// The window's state: open from its opening time (inclusive) to its closing time
/// (exclusive). Times are ISO-8601 UTC as the database formats them.
pub fn window_state(opens_at: &str, closes_at: &str, now: &str) -> WindowState {
    let now = to_second(now);
    if now < to_second(opens_at) {
        WindowState::Scheduled
    } else if now < to_second(closes_at) {
        WindowState::Open
    } else {
        WindowState::Closed
    }
}

/// "closes in 3 days": the largest unit left, rounded to the nearest (a window set to close
/// in three days still says three a minute later), at least one minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Remaining {
    Days(i64),
    Hours(i64),
    Minutes(i64),
}

impl Remaining {
    pub fn of_seconds(seconds: i64) -> Remaining {
        let seconds = seconds.max(0);
        if seconds >= 86_400 {
            Remaining::Days((seconds + 43_200) / 86_400)
        } else if seconds >= 3_600 {
            Remaining::Hours((seconds + 1_800) / 3_600)
        } else {
            Remaining::Minutes(((seconds + 59) / 60).max(1))
        }
    }
}

/// A time typed in a `datetime-local` input (`2026-12-02T10:30`, read as UTC, the zone the
/// form names) as the database stores it (`2026-12-02T10:30:00Z`).
pub fn parse_utc_minute(field: &str, input: &str) -> Result<String, AppError> {
    let bad = || AppError::invalid(field, Problem::InvalidDate);
    let input = input.trim();
    if input.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    let (date, time) = input
        .split_once('T')
        .or_else(|| input.split_once(' '))
        .ok_or_else(bad)?;
    let number = |s: &str, len: usize| -> Result<u32, AppError> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let mut date_parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (
        date_parts.next(),
        date_parts.next(),
        date_parts.next(),
        date_parts.next(),
    ) else {
        return Err(bad());
    };
    let (year, month, day) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    let time = time.strip_suffix('Z').unwrap_or(time);
    let mut time_parts = time.split(':');
    let (Some(h), Some(min)) = (time_parts.next(), time_parts.next()) else {
        return Err(bad());
    };
    let (hour, minute) = (number(h, 2)?, number(min, 2)?);
    match (time_parts.next(), time_parts.next()) {
        (None, _) => {}
        (Some(s), None) if number(s, 2).is_ok_and(|s| s < 60) => {}
        _ => return Err(bad()),
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(2000..=2999).contains(&year) || day == 0 || day > days_in_month || hour > 23 || minute > 59
    {
        return Err(bad());
    }
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:00Z"
    ))
}

/// The furthest a time zone is from UTC (UTC+14, UTC−12), in minutes.
const ZONE_OFFSET_MAX: i64 = 14 * 60;

/// A time typed in the reader's own zone, as UTC. `offset` is what their browser says of that
/// zone at that moment (`Date.getTimezoneOffset()`: minutes behind UTC, so -330 in India and
/// 300 in New York in winter); empty when the time was typed in UTC, as a page without
/// script asks.
pub fn typed_in_zone(field: &str, input: &str, offset: &str) -> Result<String, AppError> {
    let utc = parse_utc_minute(field, input)?;
    let offset = offset.trim();
    if offset.is_empty() {
        return Ok(utc);
    }
    let minutes = offset
        .parse::<i64>()
        .ok()
        .filter(|m| m.abs() <= ZONE_OFFSET_MAX)
        .ok_or_else(|| AppError::invalid(field, Problem::InvalidDate))?;
    Ok(shift_minutes(&utc, minutes))
}

/// `YYYY-MM-DDTHH:MM:00Z` moved by `minutes`, across days, months and years.
fn shift_minutes(utc: &str, minutes: i64) -> String {
    let part = |from: usize, to: usize| utc.get(from..to).and_then(|p| p.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d), Some(h), Some(min)) = (
        part(0, 4),
        part(5, 7),
        part(8, 10),
        part(11, 13),
        part(14, 16),
    ) else {
        return utc.to_string();
    };
    let total = days_from_civil(y, m, d) * 1440 + h * 60 + min + minutes;
    let (days, rest) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z", rest / 60, rest % 60)
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A consultation as the editors' form posts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsultationInput {
    /// Empty: now.
    pub opens_at: String,
    pub closes_at: String,
    /// Empty: no quorum.
    pub quorum: String,
    /// A checkbox: present (any value) when ticked.
    pub reason_required: String,
    pub results: String,
    /// The reader's zone for each typed time (see [`typed_in_zone`]), set by the page's
    /// script; empty: typed in UTC.
    pub opens_offset: String,
    pub closes_offset: String,
}

/// A consultation's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationFields {
    /// None: opens at once (the database's now).
    pub opens_at: Option<String>,
    pub closes_at: String,
    pub quorum: Option<u32>,
    pub reason_required: bool,
    pub results: ResultsMode,
}

impl ConsultationInput {
    /// Checks every field against the database's `now`: it must close in the future, and
    /// after it opens.
    pub fn validate(&self, now: &str) -> Result<ConsultationFields, AppError> {
        let mut errors = Vec::new();
        let opens_at = if self.opens_at.trim().is_empty() {
            Some(None)
        } else {
            typed_in_zone("opens_at", &self.opens_at, &self.opens_offset)
                .map(Some)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let closes_at = typed_in_zone("closes_at", &self.closes_at, &self.closes_offset)
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(closes) = &closes_at {
            let opens = opens_at.clone().flatten();
            if to_second(closes) <= to_second(now) {
                errors.push(AppError::invalid("closes_at", Problem::InPast));
            } else if opens.is_some_and(|o| to_second(closes) <= to_second(&o)) {
                errors.push(AppError::invalid("closes_at", Problem::DatesOutOfOrder));
            }
        }
        let quorum = parse_quorum(&self.quorum).map_err(|e| errors.push(e)).ok();
        let results = if self.results.trim().is_empty() {
            Some(ResultsMode::Anonymised)
        } else {
            self.results
                .parse::<ResultsMode>()
                .map_err(|e| errors.push(e))
                .ok()
        };
        match (opens_at, closes_at, quorum, results) {
            (Some(opens_at), Some(closes_at), Some(quorum), Some(results)) if errors.is_empty() => {
                Ok(ConsultationFields {
                    opens_at,
                    closes_at,
                    quorum,
                    reason_required: !self.reason_required.trim().is_empty(),
                    results,
                })
            }
            _ => Err(AppError::all(errors)),
        }
    }
}

fn parse_quorum(input: &str) -> Result<Option<u32>, AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let n: u32 = input
        .parse()
        .map_err(|_| AppError::invalid("quorum", Problem::InvalidNumber))?;
    if n == 0 {
        return Err(AppError::invalid("quorum", Problem::InvalidNumber));
    }
    if n > QUORUM_MAX {
        return Err(AppError::invalid(
            "quorum",
            Problem::TooMany {
                max: QUORUM_MAX as usize,
            },
        ));
    }
    Ok(Some(n))
}

/// A later closing time for a consultation that closes at `closes_at`, checked against the
/// database's `now`; typed in the zone `offset` names (see [`typed_in_zone`]).
pub fn extension(
    input: &str,
    offset: &str,
    closes_at: &str,
    now: &str,
) -> Result<String, AppError> {
    let new = typed_in_zone("closes_at", input, offset)?;
    if to_second(&new) <= to_second(now) {
        return Err(AppError::invalid("closes_at", Problem::InPast));
    }
    if to_second(&new) <= to_second(closes_at) {
        return Err(AppError::invalid("closes_at", Problem::NotLater));
    }
    Ok(new)
}

/// A vote as posted: its choice, and its reason cleaned and bounded (empty when none was
/// given). Under the rule "a reason is required to oppose", opposing needs one.
pub fn vote_input(
    choice: &str,
    reason: &str,
    reason_required: bool,
) -> Result<(Choice, String), AppError> {
    let choice: Choice = choice.parse()?;
    let reason = if reason.trim().is_empty() {
        String::new()
    } else {
        clean_multiline("reason", reason, REASON_MAX)?
    };
    if choice == Choice::Oppose && reason_required && reason.is_empty() {
        return Err(AppError::invalid("reason", Problem::ReasonToOppose));
    }
    Ok((choice, reason))
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

/// What a vote's checks read in its transaction (at the database's now). `Id` is how the
/// store names records (papers, organisations).
#[derive(Debug, Clone, Copy)]
pub struct VoteFacts<'a, Id> {
    /// The consultation voted in: its paper, and whether it is open now.
    pub consultation: Option<(&'a Id, bool)>,
    /// The voter: whether their account is active, and their organisation.
    pub member: Option<(bool, Option<&'a Id>)>,
    /// The block voted on (none when the vote is on the paper as a whole).
    pub block: Option<BlockFacts<'a, Id>>,
}

/// A block as a vote on it is checked.
#[derive(Debug, Clone, Copy)]
pub struct BlockFacts<'a, Id> {
    pub paper: &'a Id,
    pub kind: &'a str,
    pub rev: i64,
    pub deleted: bool,
}

/// One vote's checks, in this order: the consultation is open; the voter is an active member
/// of an organisation; the target is the paper, or a recommendation of the consultation's
/// paper that is still there; the member read the text it has now (`seen`, when given).
/// Accepted: the rev the vote is cast on (0 for the paper) and the voter's organisation.
pub fn decide_vote<'a, Id: PartialEq>(
    target: &str,
    seen: Option<i64>,
    facts: VoteFacts<'a, Id>,
) -> Result<(i64, &'a Id), VoteRefused> {
    let (paper, open) = facts.consultation.ok_or(VoteRefused::Missing)?;
    if !open {
        return Err(VoteRefused::Closed);
    }
    let organisation = facts
        .member
        .filter(|(active, _)| *active)
        .and_then(|(_, organisation)| organisation)
        .ok_or(VoteRefused::Missing)?;
    let rev = if target == PAPER_TARGET {
        0
    } else {
        facts
            .block
            .filter(|b| !b.deleted && b.kind == "recommendation" && b.paper == paper)
            .ok_or(VoteRefused::Missing)?
            .rev
    };
    if seen.is_some_and(|seen| seen != rev) {
        return Err(VoteRefused::Stale);
    }
    Ok((rev, organisation))
}

/// A vote on a block counts, but was cast on an earlier text than the block has now: the
/// member is asked to read it again and reconfirm. Votes on the paper (rev 0) never are.
pub fn needs_reconfirmation(cast_on_rev: i64, current_rev: i64) -> bool {
    cast_on_rev > 0 && current_rev > cast_on_rev
}

/// What a member still has to do on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    Vote,
    Reconfirm,
    Nothing,
}

/// `cast_on_rev`: the rev of the member's vote, if they voted.
pub fn due(cast_on_rev: Option<i64>, current_rev: i64) -> Due {
    match cast_on_rev {
        None => Due::Vote,
        Some(rev) if needs_reconfirmation(rev, current_rev) => Due::Reconfirm,
        Some(_) => Due::Nothing,
    }
}

/// One vote, as the tallies count it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub target: String,
    pub choice: Choice,
    pub organisation: String,
    pub country: String,
    /// Cast on an earlier text of the block.
    pub stale: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub support: usize,
    pub oppose: usize,
    pub abstain: usize,
}

impl Counts {
    pub fn add(&mut self, choice: Choice) {
        match choice {
            Choice::Support => self.support += 1,
            Choice::Oppose => self.oppose += 1,
            Choice::Abstain => self.abstain += 1,
        }
    }

    pub fn of(&self, choice: Choice) -> usize {
        match choice {
            Choice::Support => self.support,
            Choice::Oppose => self.oppose,
            Choice::Abstain => self.abstain,
        }
    }

    pub fn total(&self) -> usize {
        self.support + self.oppose + self.abstain
    }

    /// The choice's share of all votes, in whole per cent (0 when nobody voted).
    pub fn share(&self, choice: Choice) -> u32 {
        share_percent(self.of(choice), self.total())
    }
}

/// `part` of `total` in whole per cent, rounded half up.
pub fn share_percent(part: usize, total: usize) -> u32 {
    if total == 0 {
        return 0;
    }
    ((part * 200 + total) / (total * 2)) as u32
}

/// The votes of one organisation, or of one country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounts {
    pub name: String,
    pub counts: Counts,
}

/// The results on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub counts: Counts,
    /// How many member organisations voted (any choice, abstaining included).
    pub organisations: usize,
    pub quorum: Option<u32>,
    /// None when the consultation has no quorum.
    pub quorum_reached: Option<bool>,
    /// Votes cast on an earlier text of the block (counted, and shown as such).
    pub stale: usize,
    pub by_organisation: Vec<GroupCounts>,
    pub by_country: Vec<GroupCounts>,
}

/// Counts the ballots on `target`. The quorum is counted in organisations: ten members of
/// one organisation are one organisation that voted.
pub fn tally(ballots: &[Ballot], target: &str, quorum: Option<u32>) -> Tally {
    let mut counts = Counts::default();
    let mut organisations: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut countries: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut stale = 0;
    for ballot in ballots.iter().filter(|b| b.target == target) {
        counts.add(ballot.choice);
        organisations
            .entry(&ballot.organisation)
            .or_default()
            .add(ballot.choice);
        countries
            .entry(&ballot.country)
            .or_default()
            .add(ballot.choice);
        stale += usize::from(ballot.stale);
    }
    let voted: BTreeSet<&str> = organisations.keys().copied().collect();
    let groups = |map: BTreeMap<&str, Counts>| {
        map.into_iter()
            .map(|(name, counts)| GroupCounts {
                name: name.to_string(),
                counts,
            })
            .collect()
    };
    Tally {
        counts,
        organisations: voted.len(),
        quorum,
        quorum_reached: quorum.map(|q| voted.len() >= q as usize),
        stale,
        by_organisation: groups(organisations),
        by_country: groups(countries),
    }
}

/// One bar of the results chart: a choice and where its bar ends, on a scale of 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub choice: Choice,
    pub count: usize,
    pub share: u32,
    /// Length on a scale where the largest count is 100 (0 when nobody voted).
    pub length: u32,
}

/// The three bars of a results chart, longest scaled to the full width.
pub fn bars(counts: &Counts) -> Vec<Bar> {
    let largest = Choice::ALL.iter().map(|c| counts.of(*c)).max().unwrap_or(0);
    Choice::ALL
        .iter()
        .map(|&choice| {
            let count = counts.of(choice);
            Bar {
                choice,
                count,
                share: counts.share(choice),
                length: share_percent(count, largest),
            }
        })
        .collect()
}

/// A consultation's window as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowView {
    pub opens_at: String,
    pub closes_at: String,
    pub state: WindowState,
    /// Until it opens (scheduled) or closes (open); the database's clock.
    pub remaining: Remaining,
    pub quorum: Option<u32>,
    pub reason_required: bool,
    pub results: ResultsMode,
    /// Every opening, extension and early close, oldest first.
    pub changes: Vec<WindowChange>,
}

/// One logged change to a consultation's window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct WindowChange {
    /// `opened`, `extended` or `closed_early`.
    pub action: String,
    pub member_name: String,
    pub at: String,
    pub closes_at: String,
}

/// A member's own vote on a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyVote {
    pub choice: Choice,
    pub reason: String,
    pub due: Due,
}

/// Something to vote on: a recommendation block, or the paper as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteTarget {
    /// A block id, or [`PAPER_TARGET`].
    pub id: String,
    /// R1, R2, … (None for the paper).
    pub number: Option<u32>,
    /// The block rendered and sanitised (empty for the paper).
    pub html: String,
    pub rev: i64,
    pub mine: Option<MyVote>,
}

/// The consultation page of a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationPage {
    pub slug: String,
    pub title: String,
    pub status: String,
    pub window: Option<WindowView>,
    /// The paper's editors (and admins) open, extend and close it.
    pub can_manage: bool,
    pub targets: Vec<VoteTarget>,
}

/// A reason given with a vote, as the results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonView {
    pub choice: Choice,
    pub text: String,
    /// "Name (Organisation)" when the consultation's results are named.
    pub by: Option<String>,
    pub stale: bool,
}

/// The results on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetResults {
    pub id: String,
    pub number: Option<u32>,
    /// The block rendered and sanitised (empty for the paper).
    pub html: String,
    pub tally: Tally,
    /// Grouped by choice: support, oppose, abstain.
    pub reasons: Vec<ReasonView>,
}

/// The results page of a paper's consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsPage {
    pub slug: String,
    pub title: String,
    pub window: WindowView,
    pub paper: TargetResults,
    pub recommendations: Vec<TargetResults>,
}

/// A recorded vote, as the results and the CSV read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedVote {
    pub target: String,
    pub choice: Choice,
    pub reason: String,
    pub member_name: String,
    pub organisation: String,
    pub country: String,
    pub block_rev: i64,
    pub current_rev: i64,
    pub updated_at: String,
}

impl RecordedVote {
    pub fn stale(&self) -> bool {
        needs_reconfirmation(self.block_rev, self.current_rev)
    }

    pub fn ballot(&self) -> Ballot {
        Ballot {
            target: self.target.clone(),
            choice: self.choice,
            organisation: self.organisation.clone(),
            country: self.country.clone(),
            stale: self.stale(),
        }
    }
}

/// The results on one target: its tally, and the reasons given, grouped by choice (support,
/// oppose, abstain), each group in the order of its text. Who gave a reason is shown only
/// when the consultation's results are named.
pub fn target_results(
    votes: &[RecordedVote],
    ballots: &[Ballot],
    target: (&str, Option<u32>, String),
    quorum: Option<u32>,
    mode: ResultsMode,
) -> TargetResults {
    let (id, number, html) = target;
    let mut reasons: Vec<ReasonView> = votes
        .iter()
        .filter(|v| v.target == id && !v.reason.is_empty())
        .map(|v| ReasonView {
            choice: v.choice,
            text: v.reason.clone(),
            by: (mode == ResultsMode::Named)
                .then(|| format!("{} ({})", v.member_name, v.organisation)),
            stale: v.stale(),
        })
        .collect();
    let order = |c: Choice| Choice::ALL.iter().position(|x| *x == c).unwrap_or(0);
    reasons.sort_by(|a, b| {
        order(a.choice)
            .cmp(&order(b.choice))
            .then_with(|| a.text.cmp(&b.text))
    });
    TargetResults {
        id: id.to_string(),
        number,
        html,
        tally: tally(ballots, id, quorum),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-02T10:00:30.123456Z";

    #[test]
    fn a_vote_is_checked_in_order_and_refused_with_the_first_reason() {
        let (paper, other_paper, org) = ("p1", "p2", "o1");
        let block = |paper, kind, rev, deleted| BlockFacts {
            paper,
            kind,
            rev,
            deleted,
        };
        let recommendation = Some(block(&paper, "recommendation", 4, false));
        let open = Some((&paper, true));
        let member = Some((true, Some(&org)));
        // (target, seen, consultation, member, block, outcome)
        let table = [
            ("b1", None, open, member, recommendation, Ok((4, &org))),
            ("b1", Some(4), open, member, recommendation, Ok((4, &org))),
            (
                "b1",
                Some(3),
                open,
                member,
                recommendation,
                Err(VoteRefused::Stale),
            ),
            ("paper", None, open, member, None, Ok((0, &org))),
            ("paper", Some(0), open, member, None, Ok((0, &org))),
            (
                "paper",
                Some(2),
                open,
                member,
                None,
                Err(VoteRefused::Stale),
            ),
            // Closed comes before anything about the voter or the target.
            (
                "b1",
                Some(3),
                Some((&paper, false)),
                None,
                None,
                Err(VoteRefused::Closed),
            ),
            (
                "b1",
                None,
                None,
                member,
                recommendation,
                Err(VoteRefused::Missing),
            ),
            (
                "b1",
                None,
                open,
                None,
                recommendation,
                Err(VoteRefused::Missing),
            ),
            (
                "b1",
                None,
                open,
                Some((false, Some(&org))),
                recommendation,
                Err(VoteRefused::Missing),
            ),
            (
                "b1",
                None,
                open,
                Some((true, None)),
                recommendation,
                Err(VoteRefused::Missing),
            ),
            ("b1", None, open, member, None, Err(VoteRefused::Missing)),
            (
                "b1",
                None,
                open,
                member,
                Some(block(&paper, "finding", 4, false)),
                Err(VoteRefused::Missing),
            ),
            (
                "b1",
                None,
                open,
                member,
                Some(block(&paper, "recommendation", 4, true)),
                Err(VoteRefused::Missing),
            ),
            (
                "b1",
                None,
                open,
                member,
                Some(block(&other_paper, "recommendation", 4, false)),
                Err(VoteRefused::Missing),
            ),
            // A missing block is Missing even when the rev seen would not match.
            ("b1", Some(9), open, member, None, Err(VoteRefused::Missing)),
        ];
        for (i, (target, seen, consultation, member, block, expected)) in
            table.into_iter().enumerate()
        {
            let facts = VoteFacts {
                consultation,
                member,
                block,
            };
            assert_eq!(decide_vote(target, seen, facts), expected, "row {i}");
        }
    }

    #[test]
    fn window_states_by_the_given_clock() {
        let table = [
            (
                "2026-12-03T00:00:00Z",
                "2026-12-10T00:00:00Z",
                WindowState::Scheduled,
            ),
            (
                "2026-12-02T10:00:30Z",
                "2026-12-10T00:00:00Z",
                WindowState::Open,
            ),
            (
                "2026-12-01T00:00:00Z",
                "2026-12-02T10:00:31Z",
                WindowState::Open,
            ),
            (
                "2026-12-01T00:00:00Z",
                "2026-12-02T10:00:30Z",
                WindowState::Closed,
            ),
            (
                "2026-11-01T00:00:00Z",
                "2026-11-02T00:00:00.5Z",
                WindowState::Closed,
            ),
        ];
        for (opens, closes, state) in table {
            assert_eq!(window_state(opens, closes, NOW), state, "{opens} {closes}");
        }
    }

    #[test]
    fn remaining_time_in_its_largest_unit() {
        let table = [
            (3 * 86_400 + 5, Remaining::Days(3)),
            (3 * 86_400 - 60, Remaining::Days(3)),
            (2 * 86_400 + 43_199, Remaining::Days(2)),
            (2 * 86_400 + 43_200, Remaining::Days(3)),
            (86_400, Remaining::Days(1)),
            (86_399, Remaining::Hours(24)),
            (5 * 3_600 + 1_799, Remaining::Hours(5)),
            (3_600, Remaining::Hours(1)),
            (3_599, Remaining::Minutes(60)),
            (61, Remaining::Minutes(2)),
            (0, Remaining::Minutes(1)),
            (-50, Remaining::Minutes(1)),
        ];
        for (seconds, remaining) in table {
            assert_eq!(Remaining::of_seconds(seconds), remaining, "{seconds}");
        }
    }

    #[test]
    fn typed_times() {
        let ok = [
            ("2026-12-02T10:30", "2026-12-02T10:30:00Z"),
            ("2026-12-02 10:30", "2026-12-02T10:30:00Z"),
            ("2026-12-02T10:30:59", "2026-12-02T10:30:00Z"),
            (" 2028-02-29T00:00Z ", "2028-02-29T00:00:00Z"),
        ];
        for (input, stored) in ok {
            assert_eq!(
                parse_utc_minute("t", input).as_deref(),
                Ok(stored),
                "{input}"
            );
        }
        let bad = [
            "2026-02-29T10:00",
            "2026-13-01T10:00",
            "2026-12-02T24:00",
            "2026-12-02T10:60",
            "2026-12-02",
            "26-12-02T10:00",
            "2026-12-02T10:00:00:00",
            "tomorrow",
            "2026-12-02T1a:00",
            "1999-12-02T10:00",
        ];
        for input in bad {
            assert_eq!(
                parse_utc_minute("t", input),
                Err(AppError::invalid("t", Problem::InvalidDate)),
                "{input}"
            );
        }
        assert_eq!(
            parse_utc_minute("t", " "),
            Err(AppError::invalid("t", Problem::Required))
        );
    }

    #[test]
    fn consultation_settings() {
        let input = |opens: &str, closes: &str, quorum: &str| ConsultationInput {
            opens_at: opens.into(),
            closes_at: closes.into(),
            quorum: quorum.into(),
            reason_required: "on".into(),
            results: "named".into(),
            ..Default::default()
        };
        let fields = input("", "2026-12-09T10:00", "10").validate(NOW).unwrap();
        assert_eq!(fields.opens_at, None);
        assert_eq!(fields.closes_at, "2026-12-09T10:00:00Z");
        assert_eq!(fields.quorum, Some(10));
        assert!(fields.reason_required);
        assert_eq!(fields.results, ResultsMode::Named);
        let problems = |i: ConsultationInput| {
            i.validate(NOW)
                .unwrap_err()
                .field_problems()
                .into_iter()
                .map(|(f, p)| (f.to_string(), p.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            problems(input("", "2026-12-02T10:00", "")),
            [("closes_at".to_string(), Problem::InPast)]
        );
        assert_eq!(
            problems(input("2026-12-05T10:00", "2026-12-04T10:00", "")),
            [("closes_at".to_string(), Problem::DatesOutOfOrder)]
        );
        assert_eq!(
            problems(input("soon", "", "0")),
            [
                ("opens_at".to_string(), Problem::InvalidDate),
                ("closes_at".to_string(), Problem::Required),
                ("quorum".to_string(), Problem::InvalidNumber),
            ]
        );
        assert_eq!(
            problems(input("", "2026-12-09T10:00", "10001")),
            [("quorum".to_string(), Problem::TooMany { max: 10_000 })]
        );
        let mut unticked = input("", "2026-12-09T10:00", "");
        unticked.reason_required = String::new();
        unticked.results = String::new();
        let fields = unticked.validate(NOW).unwrap();
        assert!(!fields.reason_required);
        assert_eq!(fields.quorum, None);
        assert_eq!(fields.results, ResultsMode::Anonymised);
    }

    #[test]
    fn extensions_only_go_later() {
        let closes = "2026-12-05T10:00:00Z";
        assert_eq!(
            extension("2026-12-06T10:00", "", closes, NOW).as_deref(),
            Ok("2026-12-06T10:00:00Z")
        );
        assert_eq!(
            extension("2026-12-05T10:00", "", closes, NOW),
            Err(AppError::invalid("closes_at", Problem::NotLater))
        );
        assert_eq!(
            extension("2026-12-01T10:00", "", "2026-11-30T00:00:00Z", NOW),
            Err(AppError::invalid("closes_at", Problem::InPast))
        );
    }

    #[test]
    fn votes_and_their_reasons() {
        // (choice, reason, reason required) -> accepted reason, or the problem
        type Expected<'a> = Result<(Choice, &'a str), (&'a str, Problem)>;
        let table: [(&str, &str, bool, Expected); 8] = [
            ("support", "", true, Ok((Choice::Support, ""))),
            ("abstain", "  ", true, Ok((Choice::Abstain, ""))),
            ("oppose", "", false, Ok((Choice::Oppose, ""))),
            ("oppose", "", true, Err(("reason", Problem::ReasonToOppose))),
            (
                "oppose",
                " \n ",
                true,
                Err(("reason", Problem::ReasonToOppose)),
            ),
            (
                "OPPOSE",
                " Too vague\r\n ",
                true,
                Ok((Choice::Oppose, "Too vague")),
            ),
            ("maybe", "", false, Err(("choice", Problem::InvalidChoice))),
            (
                "support",
                &"x".repeat(REASON_MAX + 1),
                false,
                Err(("reason", Problem::TooLong { max: REASON_MAX })),
            ),
        ];
        for (choice, reason, required, expected) in table {
            let got = vote_input(choice, reason, required);
            match expected {
                Ok((c, r)) => assert_eq!(got, Ok((c, r.to_string())), "{choice} {reason:?}"),
                Err((field, problem)) => {
                    assert_eq!(got, Err(AppError::invalid(field, problem)), "{choice}")
                }
            }
        }
        assert!(vote_input("support", &"é".repeat(REASON_MAX), false).is_ok());
    }

    #[test]
    fn reconfirmation() {
        // (cast on, current) -> due
        let table = [
            (None, 3, Due::Vote),
            (Some(3), 3, Due::Nothing),
            (Some(2), 3, Due::Reconfirm),
            (Some(1), 7, Due::Reconfirm),
            // The paper as a whole has no text of its own to change.
            (Some(0), 0, Due::Nothing),
            (Some(0), 5, Due::Nothing),
            // A rev from the future (a restored database): nothing to reconfirm.
            (Some(4), 3, Due::Nothing),
        ];
        for (cast, current, expected) in table {
            assert_eq!(due(cast, current), expected, "{cast:?} {current}");
        }
    }

    fn ballot(target: &str, choice: Choice, organisation: &str, country: &str) -> Ballot {
        Ballot {
            target: target.into(),
            choice,
            organisation: organisation.into(),
            country: country.into(),
            stale: false,
        }
    }

    #[test]
    fn tallies_by_organisation_and_country() {
        use Choice::*;
        let mut ballots = vec![
            ballot("b1", Support, "Kapocs", "HU"),
            ballot("b1", Support, "Kapocs", "HU"),
            ballot("b1", Oppose, "Ágora", "ES"),
            ballot("b1", Abstain, "Brug", "NL"),
            ballot("b1", Support, "Kyklos", "GR"),
            ballot("b2", Oppose, "Teranga", "SN"),
            ballot("paper", Support, "Teranga", "SN"),
        ];
        ballots[4].stale = true;
        let t = tally(&ballots, "b1", Some(4));
        assert_eq!(
            t.counts,
            Counts {
                support: 3,
                oppose: 1,
                abstain: 1
            }
        );
        assert_eq!(t.organisations, 4);
        assert_eq!(t.quorum_reached, Some(true));
        assert_eq!(t.stale, 1);
        assert_eq!(t.counts.share(Support), 60);
        assert_eq!(t.counts.share(Oppose), 20);
        let orgs: Vec<(&str, usize)> = t
            .by_organisation
            .iter()
            .map(|g| (g.name.as_str(), g.counts.total()))
            .collect();
        assert_eq!(
            orgs,
            [("Brug", 1), ("Kapocs", 2), ("Kyklos", 1), ("Ágora", 1)]
        );
        let countries: Vec<&str> = t.by_country.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(countries, ["ES", "GR", "HU", "NL"]);
        let empty = tally(&ballots, "b3", Some(1));
        assert_eq!(empty.counts.total(), 0);
        assert_eq!(empty.quorum_reached, Some(false));
        assert_eq!(empty.counts.share(Support), 0);
        assert_eq!(tally(&ballots, "paper", None).quorum_reached, None);
    }

    #[test]
    fn quorum_counts_organisations_not_members() {
        use Choice::*;
        // (ballots as (organisation), quorum) -> reached
        let table: [(&[&str], u32, bool); 5] = [
            (&["A", "A", "A", "A"], 2, false),
            (&["A", "B"], 2, true),
            (&["A", "B", "B"], 3, false),
            (&["A", "B", "C"], 3, true),
            (&[], 1, false),
        ];
        for (organisations, quorum, reached) in table {
            let ballots: Vec<Ballot> = organisations
                .iter()
                .map(|o| ballot("paper", Abstain, o, "FR"))
                .collect();
            assert_eq!(
                tally(&ballots, "paper", Some(quorum)).quorum_reached,
                Some(reached),
                "{organisations:?} {quorum}"
            );
        }
    }

    #[test]
    fn shares_and_bars() {
        assert_eq!(share_percent(1, 3), 33);
        assert_eq!(share_percent(2, 3), 67);
        assert_eq!(share_percent(1, 8), 13);
        assert_eq!(share_percent(0, 0), 0);
        let counts = Counts {
            support: 4,
            oppose: 2,
            abstain: 0,
        };
        let lengths: Vec<(Choice, u32, u32)> = bars(&counts)
            .iter()
            .map(|b| (b.choice, b.length, b.share))
            .collect();
        assert_eq!(
            lengths,
            [
                (Choice::Support, 100, 67),
                (Choice::Oppose, 50, 33),
                (Choice::Abstain, 0, 0)
            ]
        );
        assert!(bars(&Counts::default()).iter().all(|b| b.length == 0));
    }

    #[test]
    fn reasons_grouped_by_choice_and_named_only_when_set() {
        let vote = |target: &str, choice, reason: &str, rev| RecordedVote {
            target: target.into(),
            choice,
            reason: reason.into(),
            member_name: "Lucía Romero".into(),
            organisation: "Ágora".into(),
            country: "ES".into(),
            block_rev: rev,
            current_rev: 2,
            updated_at: String::new(),
        };
        let votes = vec![
            vote("b1", Choice::Abstain, "Not our field", 2),
            vote("b1", Choice::Oppose, "Too vague", 1),
            vote("b1", Choice::Support, "", 2),
            vote("b1", Choice::Support, "Matches our camps", 2),
            vote("b2", Choice::Oppose, "Other block", 2),
        ];
        let ballots: Vec<Ballot> = votes.iter().map(RecordedVote::ballot).collect();
        let named = target_results(
            &votes,
            &ballots,
            ("b1", Some(1), "Fund".into()),
            Some(2),
            ResultsMode::Named,
        );
        let reasons: Vec<(Choice, &str, bool)> = named
            .reasons
            .iter()
            .map(|r| (r.choice, r.text.as_str(), r.stale))
            .collect();
        assert_eq!(
            reasons,
            [
                (Choice::Support, "Matches our camps", false),
                (Choice::Oppose, "Too vague", true),
                (Choice::Abstain, "Not our field", false)
            ]
        );
        assert_eq!(named.reasons[0].by.as_deref(), Some("Lucía Romero (Ágora)"));
        assert_eq!(named.tally.counts.total(), 4);
        assert_eq!(named.tally.stale, 1);
        assert_eq!(named.tally.quorum_reached, Some(false));
        let anonymised = target_results(
            &votes,
            &ballots,
            ("b1", Some(1), "Fund".into()),
            None,
            ResultsMode::Anonymised,
        );
        assert!(anonymised.reasons.iter().all(|r| r.by.is_none()));
    }

    #[test]
    fn a_time_typed_in_the_readers_zone_is_stored_in_utc() {
        let cases = [
            // India, half an hour off the hour.
            ("2026-12-14T18:00", "-330", "2026-12-14T12:30:00Z"),
            // New York in winter, into the next year.
            ("2026-12-31T22:00", "300", "2027-01-01T03:00:00Z"),
            // Back across a leap day.
            ("2028-03-01T01:00", "-120", "2028-02-29T23:00:00Z"),
            // Kiribati, fourteen hours ahead, back across a month's end.
            ("2026-05-01T06:00", "-840", "2026-04-30T16:00:00Z"),
            // No script: typed in UTC.
            ("2026-12-14T18:00", "", "2026-12-14T18:00:00Z"),
            ("2026-12-14T18:00", " 0 ", "2026-12-14T18:00:00Z"),
        ];
        for (typed, offset, utc) in cases {
            assert_eq!(
                typed_in_zone("closes_at", typed, offset).as_deref(),
                Ok(utc),
                "{typed} {offset}"
            );
        }
    }

    #[test]
    fn a_zone_offset_that_is_no_zone_is_refused_on_its_field() {
        for offset in ["abc", "841", "-10000", "1.5", "99999999999999999999"] {
            assert_eq!(
                typed_in_zone("opens_at", "2026-12-14T18:00", offset),
                Err(AppError::invalid("opens_at", Problem::InvalidDate)),
                "{offset}"
            );
        }
    }

    #[test]
    fn days_count_both_ways_alike() {
        for days in [-800_000, -1, 0, 1, 10_957, 20_789, 365_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
