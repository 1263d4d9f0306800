//! Published versions of papers: written once, never changed. The schema refuses an UPDATE or
//! DELETE of a `paper_version` (an event that throws), so this holds for every writer of the
//! database, not only this file; and the unique index on (paper, number) lets exactly one of
//! two simultaneous publications of the same number through.
use super::{Db, OrInternal, internal, is_duplicate};
use crate::domain::front::PublishedCard;
use crate::domain::versions::{Finding, StoredVersion, VersionContent};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

/// A version to write: everything but the paper's record and the time, which the database
/// sets.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub number: u32,
    pub hash: String,
    pub previous_hash: String,
    /// The canonical bytes (UTF-8 JSON), exactly as hashed.
    pub content: String,
    pub findings: Vec<Finding>,
    pub html: String,
    pub author_id: Option<String>,
    pub release_notes: String,
    pub overrides: Vec<(String, String)>,
    pub published_at: String,
}

/// Why a version was not written.
#[derive(Debug)]
pub enum PublishRefused {
    /// Another publication took this number first.
    AlreadyPublished,
    Error(AppError),
}

/// Writes the version and marks the paper as published at that number, in one transaction.
pub async fn create(db: &Db, paper_id: &str, version: NewVersion) -> Result<(), PublishRefused> {
    let findings = serde_json::to_string(&version.findings)
        .or_internal("a version's findings to JSON")
        .map_err(PublishRefused::Error)?;
    let cited: Vec<String> = version.findings.iter().map(|f| f.key.clone()).collect();
    let overrides: Vec<serde_json::Value> = version
        .overrides
        .iter()
        .map(|(block, reason)| serde_json::json!({ "block": block, "reason": reason }))
        .collect();
    let result = db
        .query(
            "BEGIN TRANSACTION;
             LET $paper_record = type::record('paper', $paper);
             CREATE paper_version CONTENT {
                 paper: $paper_record, number: $number, hash: $hash,
                 previous_hash: $previous_hash, content: $content, findings: $findings,
                 cited_keys: $cited, html: $html,
                 author: IF $author { type::record('member', $author) } ELSE { NONE },
                 release_notes: $release_notes, overrides: $overrides,
                 created_at: <datetime> $published_at
             };
             UPDATE $paper_record SET published_version = $number, updated_at = time::now();
             CREATE search_feed SET paper = $paper_record;
             COMMIT TRANSACTION;",
        )
        .bind(("paper", paper_id.to_string()))
        .bind(("number", i64::from(version.number)))
        .bind(("hash", version.hash))
        .bind(("previous_hash", version.previous_hash))
        .bind(("content", version.content))
        .bind(("findings", findings))
        .bind(("cited", cited))
        .bind(("html", version.html))
        .bind(("author", version.author_id))
        .bind(("release_notes", version.release_notes))
        .bind(("overrides", overrides))
        .bind(("published_at", version.published_at))
        .await
        .and_then(super::check_cause);
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_duplicate(&e) || super::conflicts::is_write_conflict(&e) => {
            Err(PublishRefused::AlreadyPublished)
        }
        Err(e) => Err(PublishRefused::Error(internal("publish version", e))),
    }
}

pub use crate::domain::versions::{ServedVersion, VersionListing};

const TIME: &str = "'%Y-%m-%dT%H:%M:%SZ'";

pub async fn list(db: &Db, paper_id: &str) -> Result<Vec<VersionListing>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT number, hash, time::format(created_at, {TIME}) AS created_at, release_notes
             FROM paper_version WHERE paper = type::record('paper', $paper) ORDER BY number"
        ))
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("list versions")?;
    response.take(0).or_internal("list versions")
}

pub async fn served(
    db: &Db,
    paper_id: &str,
    number: u32,
) -> Result<Option<ServedVersion>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        number: i64,
        hash: String,
        html: String,
        cited_keys: Vec<String>,
        content: String,
        published_at: String,
    }
    /// The title and author as the version's hashed content says them, not as the paper or
    /// the member is named today.
    #[derive(serde::Deserialize)]
    struct Named {
        title: String,
        author: String,
    }
    let mut response = db
        .query(format!(
            "SELECT number, hash, html, cited_keys, content,
                 time::format(created_at, {TIME}) AS published_at
             FROM paper_version
             WHERE paper = type::record('paper', $paper) AND number = $number LIMIT 1"
        ))
        .bind(("paper", paper_id.to_string()))
        .bind(("number", i64::from(number)))
        .await
        .or_internal("read version")?;
    let rows: Vec<Row> = response.take(0).or_internal("read version")?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let named: Named =
        serde_json::from_str(&row.content).or_internal("a version's content is not JSON")?;
    Ok(Some(ServedVersion {
        number: row.number,
        hash: row.hash,
        html: row.html,
        cited_keys: row.cited_keys,
        title: named.title,
        author: named.author,
        published_at: row.published_at,
    }))
}

/// One version in full, as stored: what compare, the exports and the API read.
#[derive(Debug, Clone, SurrealValue)]
pub struct VersionRecord {
    pub number: i64,
    pub hash: String,
    pub previous_hash: String,
    /// The canonical JSON, as hashed.
    pub content: String,
    /// The cited findings' text and values (JSON), kept beside the content.
    pub findings: String,
    pub html: String,
    pub cited_keys: Vec<String>,
    pub published_at: String,
}

impl VersionRecord {
    /// The content and the findings, read back; a record that does not read is an internal
    /// error (the chain check says which version).
    pub fn read(&self) -> Result<(VersionContent, Vec<Finding>), AppError> {
        let content = VersionContent::from_canonical(self.content.as_bytes())
            .ok_or_else(|| AppError::internal("a stored version's content does not parse"))?;
        let findings: Vec<Finding> = serde_json::from_str(&self.findings)
            .or_internal(&format!("version {}'s findings are not JSON", self.number))?;
        Ok((content, findings))
    }
}

/// Versions of a paper in full, those of these numbers only, in order of number.
pub async fn records(
    db: &Db,
    paper_id: &str,
    numbers: &[u32],
) -> Result<Vec<VersionRecord>, AppError> {
    let numbers: Vec<i64> = numbers.iter().map(|n| i64::from(*n)).collect();
    let mut response = db
        .query(format!(
            "SELECT number, hash, previous_hash, content, findings, html, cited_keys,
                 time::format(created_at, {TIME}) AS published_at
             FROM paper_version
             WHERE paper = type::record('paper', $paper) AND number IN $numbers
             ORDER BY number"
        ))
        .bind(("paper", paper_id.to_string()))
        .bind(("numbers", numbers))
        .await
        .or_internal("read versions")?;
    response.take(0).or_internal("read versions")
}

/// A published version as feeds list it, newest first.
#[derive(Debug, Clone, SurrealValue)]
pub struct FeedVersion {
    pub slug: String,
    /// The paper's title today (a version's own title is inside its content).
    pub title: String,
    pub number: i64,
    pub hash: String,
    pub published_at: String,
    pub release_notes: String,
}

/// The latest `limit` versions of every paper, or of one paper, newest first.
pub async fn recent(
    db: &Db,
    paper_id: Option<&str>,
    limit: usize,
) -> Result<Vec<FeedVersion>, AppError> {
    let filter = if paper_id.is_some() {
        "WHERE paper = type::record('paper', $paper)"
    } else {
        ""
    };
    let mut response = db
        .query(format!(
            "SELECT paper.slug AS slug, paper.title AS title, number, hash,
                 time::format(created_at, {TIME}) AS published_at, release_notes
             FROM paper_version {filter}
             ORDER BY published_at DESC, number DESC LIMIT $limit"
        ))
        .bind(("paper", paper_id.unwrap_or_default().to_string()))
        .bind(("limit", i64::try_from(limit).unwrap_or(i64::MAX)))
        .await
        .or_internal("recent versions")?;
    response.take(0).or_internal("recent versions")
}

/// A paper that has versions, as the public lists show it.
#[derive(Debug, Clone, SurrealValue)]
pub struct PublishedPaper {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
}

/// Every paper that has versions, with its title and summary, by slug.
pub async fn published_listing(db: &Db) -> Result<Vec<PublishedPaper>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, slug, title, summary FROM paper
             WHERE id IN (SELECT VALUE paper FROM paper_version) ORDER BY slug",
        )
        .await
        .or_internal("published papers")?;
    response.take(0).or_internal("published papers")
}

#[derive(Debug, SurrealValue)]
struct FullRow {
    number: i64,
    hash: String,
    previous_hash: String,
    content: String,
    findings: String,
    html: String,
}

/// Every version of a paper in full, in order of number, for checking its chain.
pub async fn chain(db: &Db, paper_id: &str) -> Result<Vec<StoredVersion>, AppError> {
    let mut response = db
        .query(
            "SELECT number, hash, previous_hash, content, findings, html FROM paper_version
             WHERE paper = type::record('paper', $paper) ORDER BY number",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("read versions")?;
    let rows: Vec<FullRow> = response.take(0).or_internal("read versions")?;
    Ok(rows
        .into_iter()
        .map(|row| StoredVersion {
            number: u32::try_from(row.number).unwrap_or(0),
            hash: row.hash,
            previous_hash: row.previous_hash,
            content: row.content.into_bytes(),
            // Unreadable finding texts fail the check (their digests are then missing).
            findings: serde_json::from_str(&row.findings).unwrap_or_else(|_| {
                vec![Finding {
                    key: "(unreadable)".into(),
                    kind: String::new(),
                    text: String::new(),
                    value: None,
                    unit: String::new(),
                    country: String::new(),
                    collected_on: String::new(),
                    assessment: String::new(),
                    method: String::new(),
                }]
            }),
            html: row.html.into_bytes(),
        })
        .collect())
}

/// The latest version's number and hash (None before the first publication).
pub async fn latest(db: &Db, paper_id: &str) -> Result<Option<(u32, String)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        number: i64,
        hash: String,
    }
    let mut response = db
        .query(
            "SELECT number, hash FROM paper_version
             WHERE paper = type::record('paper', $paper) ORDER BY number DESC LIMIT 1",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("latest version")?;
    let rows: Vec<Row> = response.take(0).or_internal("latest version")?;
    Ok(rows
        .into_iter()
        .next()
        .map(|r| (u32::try_from(r.number).unwrap_or(0), r.hash)))
}

/// A paper's latest version as the search engine indexes it: the paper's slug and the
/// version's content (None before the first publication).
pub async fn latest_content(
    db: &Db,
    paper_id: &str,
) -> Result<Option<(String, VersionContent)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        slug: String,
        content: String,
        number: i64,
    }
    let mut response = db
        .query(
            "SELECT paper.slug AS slug, content, number FROM paper_version
             WHERE paper = type::record('paper', $paper) ORDER BY number DESC LIMIT 1",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("latest version's content")?;
    let rows: Vec<Row> = response.take(0).or_internal("latest version's content")?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let content = VersionContent::from_canonical(row.content.as_bytes()).ok_or_else(|| {
        tracing::error!(
            paper = paper_id,
            number = row.number,
            "a version's content does not read"
        );
        AppError::Internal
    })?;
    Ok(Some((row.slug, content)))
}

/// Every published paper with its latest version's number, time and lead, latest first: what
/// the front page lists. `lead` makes the lead from the first paragraph's Markdown (the store
/// stores Markdown; how it reads is the caller's).
pub async fn front_listing(
    db: &Db,
    lead: impl Fn(&str) -> String,
) -> Result<Vec<PublishedCard>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        slug: String,
        title: String,
        number: i64,
        version: Option<Latest>,
    }
    #[derive(SurrealValue)]
    struct Latest {
        content: String,
        published_at: String,
    }
    let mut response = db
        .query(format!(
            "SELECT slug, title, published_version AS number,
                 (SELECT content, time::format(created_at, {TIME}) AS published_at
                  FROM paper_version
                  WHERE paper = $parent.id AND number = $parent.published_version)[0]
                     AS version
             FROM paper WHERE published_version != NONE"
        ))
        .await
        .or_internal("published papers")?;
    let rows: Vec<Row> = response.take(0).or_internal("published papers")?;
    let mut cards: Vec<PublishedCard> = rows
        .into_iter()
        .map(|r| {
            let (lead, published_at) = match r.version {
                Some(v) => (lead(&first_paragraph(&v.content)), v.published_at),
                None => (String::new(), String::new()),
            };
            PublishedCard {
                slug: r.slug,
                title: r.title,
                lead,
                number: u32::try_from(r.number).unwrap_or(0),
                published_at,
            }
        })
        .collect();
    cards.sort_by(|a, b| {
        b.published_at
            .cmp(&a.published_at)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    Ok(cards)
}

/// A version's first paragraph (its first text block), as written.
fn first_paragraph(content: &str) -> String {
    VersionContent::from_canonical(content.as_bytes())
        .and_then(|content| content.blocks.into_iter().find(|b| b.kind == "text"))
        .map(|b| b.text)
        .unwrap_or_default()
}

/// Every paper that has versions: (id, slug).
pub async fn published_papers(db: &Db) -> Result<Vec<(String, String)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        id: String,
        slug: String,
    }
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, slug FROM paper
             WHERE id IN (SELECT VALUE paper FROM paper_version) ORDER BY slug",
        )
        .await
        .or_internal("published papers")?;
    let rows: Vec<Row> = response.take(0).or_internal("published papers")?;
    Ok(rows.into_iter().map(|r| (r.id, r.slug)).collect())
}

/// The findings a version cites, as readers need them (text, value, assessment): read
/// through the paper's citation edges, not key by key.
pub async fn cited_findings(db: &Db, paper_id: &str) -> Result<Vec<CitedFinding>, AppError> {
    let mut response = db
        .query(
            "SELECT key, kind, text, value, unit, country, collected_on, consent, visibility,
                 assessment.title ?? '' AS assessment, assessment.method ?? '' AS method
             FROM array::distinct((SELECT VALUE out FROM cites
                 WHERE paper = type::record('paper', $paper)))",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("cited findings")?;
    response.take(0).or_internal("cited findings")
}

#[derive(Debug, Clone, SurrealValue)]
pub struct CitedFinding {
    pub key: String,
    pub kind: String,
    pub text: String,
    pub value: Option<f64>,
    pub unit: String,
    pub country: String,
    pub collected_on: String,
    pub consent: String,
    pub visibility: String,
    pub assessment: String,
    pub method: String,
}

/// The keys of every finding whose consent is withdrawn now, sorted (published versions hide
/// their text).
pub async fn withdrawn_keys(db: &Db) -> Result<Vec<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE key FROM evidence WHERE consent = 'withdrawn'")
        .await
        .or_internal("withdrawn findings")?;
    let mut keys: Vec<String> = response.take(0).or_internal("withdrawn findings")?;
    keys.sort_unstable();
    Ok(keys)
}
