//! What the search engine reads to build and follow its index: findings as indexed, and the
//! search feed (`search_feed`: one row as the last statement of every transaction that
//! changes findings) paged by (time, id), so a burst of rows in one moment cannot hold a
//! reader in place.
use super::{Db, OrInternal};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

// Nanoseconds, as stored: a page ends at an exact change, and the next starts right after it.
const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.9fZ'";

/// A finding as the search engine indexes it.
#[derive(Debug, Clone, SurrealValue)]
pub struct Indexed {
    /// The record's id (`evidence:⟨id⟩`'s id part).
    pub id: String,
    pub key: String,
    pub text: String,
    pub language: String,
    pub kind: String,
    pub country: String,
    pub region: String,
    pub assessment: String,
    pub tags: Vec<String>,
    pub consent: String,
    pub visibility: String,
    /// `YYYY-MM-DD`: the library lists newest first.
    pub collected_on: String,
}

impl Indexed {
    /// A finding as written from these fields (what [`by_ids`] reads back once it is stored).
    pub fn of(
        id: &str,
        fields: &crate::domain::evidence::EvidenceFields,
        assessment: &str,
    ) -> Indexed {
        Indexed {
            id: id.to_string(),
            key: fields.key.clone(),
            text: fields.text.clone(),
            language: fields.language.clone(),
            kind: fields.kind.as_str().to_string(),
            country: fields.country.clone(),
            region: fields.region.clone(),
            assessment: assessment.to_string(),
            tags: fields.tags.clone(),
            consent: fields.consent.as_str().to_string(),
            visibility: fields.visibility.as_str().to_string(),
            collected_on: fields.collected_on.clone(),
        }
    }
}

const INDEXED: &str = "record::id(id) AS id, key, text, language, kind, country, region,
    record::id(assessment) AS assessment, tags, consent, visibility, collected_on";

/// How many findings one read of [`all`] takes.
pub const BATCH: usize = 5_000;

/// Findings in id order after `after` (an id part; empty for the first), at most [`BATCH`].
pub async fn all_after(db: &Db, after: &str) -> Result<Vec<Indexed>, AppError> {
    let query = if after.is_empty() {
        format!("SELECT {INDEXED} FROM evidence ORDER BY id LIMIT {BATCH}")
    } else {
        format!(
            "SELECT {INDEXED} FROM evidence WHERE id > type::record('evidence', $after)
             ORDER BY id LIMIT {BATCH}"
        )
    };
    let mut response = db
        .query(query)
        .bind(("after", after.to_string()))
        .await
        .or_internal("read findings to index")?;
    response.take(0).or_internal("read findings to index")
}

/// These findings as they are now (a finding no longer there is simply absent).
pub async fn by_ids(db: &Db, ids: Vec<String>) -> Result<Vec<Indexed>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let records: Vec<surrealdb::types::RecordId> = ids
        .into_iter()
        .map(|id| surrealdb::types::RecordId::new("evidence", id))
        .collect();
    let mut response = db
        .query(format!("SELECT {INDEXED} FROM $ids"))
        .bind(("ids", records))
        .await
        .or_internal("read changed findings")?;
    response.take(0).or_internal("read changed findings")
}

/// The findings of one assessment as they are now, in id order after `after` (an id part;
/// empty for the first), at most [`BATCH`].
pub async fn of_assessment_after(
    db: &Db,
    assessment: &str,
    after: &str,
) -> Result<Vec<Indexed>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {INDEXED} FROM evidence
             WHERE assessment = type::record('assessment', $assessment)
                AND ($after = '' OR id > type::record('evidence', $after))
             ORDER BY id LIMIT {BATCH}"
        ))
        .bind(("assessment", assessment.to_string()))
        .bind(("after", after.to_string()))
        .await
        .or_internal("read an assessment's findings to index")?;
    response
        .take(0)
        .or_internal("read an assessment's findings to index")
}

#[derive(Debug, SurrealValue)]
struct FeedRow {
    id: String,
    finding: Option<String>,
    assessment: Option<String>,
    paper: Option<String>,
    origin: Option<String>,
    at: String,
}

/// What changed, by one row of the feed.
#[derive(Debug, Clone, PartialEq)]
pub enum Changed {
    Finding(String),
    /// Any of the assessment's findings (an import).
    Assessment(String),
    /// A new version of the paper was published.
    Paper(String),
}

/// One row of the search feed, with its own (time, id).
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub id: String,
    pub changed: Changed,
    /// The search engine that wrote the row, when it has already indexed the change.
    pub origin: Option<String>,
    pub at: String,
}

/// How many feed rows one read takes.
pub const PAGE: usize = 1_000;

/// Every feed row from time `at` on, as (id, time): what a starting engine counts as applied.
/// One read, unordered (paging in order read the rows of a large import's last seconds again
/// for every page).
pub async fn feed_since(db: &Db, at: &str) -> Result<Vec<(String, String)>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT VALUE [record::id(id), time::format(at, {TIME})] FROM search_feed
             WHERE at >= <datetime> $at"
        ))
        .bind(("at", at.to_string()))
        .await
        .or_internal("read the search feed")?;
    let rows: Vec<(String, String)> = response.take(0).or_internal("read the search feed")?;
    Ok(rows)
}

/// Up to [`PAGE`] feed rows after the one at time `at` with id `id`, in (time, id) order; an
/// empty `id` starts at `at` itself.
pub async fn feed_after(db: &Db, at: &str, id: &str) -> Result<Vec<FeedEntry>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(id) AS id,
                (IF finding {{ record::id(finding) }} ELSE {{ NONE }}) AS finding,
                (IF assessment {{ record::id(assessment) }} ELSE {{ NONE }}) AS assessment,
                (IF paper {{ record::id(paper) }} ELSE {{ NONE }}) AS paper, origin,
                time::format(at, {TIME}) AS at
             FROM search_feed
             WHERE at >= <datetime> $at AND (at > <datetime> $at OR record::id(id) > $id)
             ORDER BY at, id LIMIT {PAGE}"
        ))
        .bind(("at", at.to_string()))
        .bind(("id", id.to_string()))
        .await
        .or_internal("read the search feed")?;
    let rows: Vec<FeedRow> = response.take(0).or_internal("read the search feed")?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let changed = match (r.finding, r.assessment, r.paper) {
                (Some(finding), _, _) => Changed::Finding(finding),
                (None, Some(assessment), _) => Changed::Assessment(assessment),
                (None, None, Some(paper)) => Changed::Paper(paper),
                (None, None, None) => return None,
            };
            Some(FeedEntry {
                id: r.id,
                changed,
                origin: r.origin,
                at: r.at,
            })
        })
        .collect())
}

/// Feed rows older than ten minutes have been read by every running instance (a starting
/// one builds from the findings themselves).
pub async fn prune_feed(db: &Db) -> Result<(), AppError> {
    db.query("DELETE search_feed WHERE at < time::now() - 10m")
        .await
        .and_then(|r| r.check())
        .or_internal("prune the search feed")?;
    Ok(())
}
