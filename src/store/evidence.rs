//! Evidence items: filtered, listed by date, read by id in a search's order (the search
//! engine, `crate::search`, ranks; this reads and re-checks), paginated.
use super::conflicts::{is_write_conflict, retrying};
use super::{Db, OrInternal, Outcome, internal, is_duplicate};
use crate::domain::evidence::{Audience, EvidenceFields};
use crate::domain::evidence_csv_views::ImportCounts;
use crate::domain::evidence_history::{
    ChangeAction, ChangeEntry, FieldChange, ImportRefusal, diff,
};
use crate::domain::evidence_views::{
    EvidenceDetail, EvidenceFilter, EvidenceListing, EvidencePage, Facets, segments,
};
use crate::error::{AppError, Problem};
use std::collections::{BTreeMap, HashMap};
use surrealdb::types::{Datetime, RecordId, SurrealValue, Value};

use crate::domain::evidence_views::{COUNT_CAP, PAGE_SIZE, Ranked};

#[derive(Debug, SurrealValue)]
struct ListingRow {
    id: surrealdb::types::RecordId,
    key: String,
    kind: String,
    swot_quadrant: Option<String>,
    snippet: String,
    language: String,
    value: Option<f64>,
    unit: String,
    country: String,
    region: String,
    collected_on: String,
    consent: String,
    visibility: String,
    tags: Vec<String>,
    assessment_id: String,
    assessment: String,
}

/// The WHERE clause for a filter and audience; values travel as bound parameters.
fn conditions(filter: &EvidenceFilter, audience: Audience) -> Vec<&'static str> {
    let mut clauses = Vec::new();
    if !audience.include_members_only {
        clauses.push("visibility = 'public'");
    }
    if !audience.include_withdrawn {
        clauses.push("consent != 'withdrawn'");
    }
    let pairs: [(&str, &'static str); 7] = [
        (&filter.kind, "kind = $kind"),
        (&filter.country, "country = $country"),
        (&filter.region, "region = $region"),
        (
            &filter.assessment,
            "assessment = type::record('assessment', $assessment)",
        ),
        (&filter.tag, "$tag IN tags"),
        (&filter.consent, "consent = $consent"),
        (&filter.visibility, "visibility = $visibility"),
    ];
    for (value, clause) in pairs {
        if !value.is_empty() {
            clauses.push(clause);
        }
    }
    // Search words are not a condition here: the search engine ranks them (`crate::search`).
    clauses
}

/// Which findings a query may read, as SurrealQL: `clause` is `WHERE …` (or nothing when the
/// reader may see everything) and `variables` the filter's values it refers to, bound rather
/// than spliced into the text.
#[derive(Debug, PartialEq)]
pub(crate) struct EvidenceWhere {
    pub clause: String,
    pub variables: BTreeMap<String, String>,
}

/// The one place the evidence WHERE clause is built: `also` are the caller's own conditions
/// (`key = $key`), their values bound by the caller.
pub(crate) fn evidence_where(
    filter: &EvidenceFilter,
    audience: Audience,
    also: &[&'static str],
) -> EvidenceWhere {
    let mut clauses = also.to_vec();
    clauses.extend(conditions(filter, audience));
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    // A value is bound exactly when `conditions` refers to it.
    let variables = filter
        .fields()
        .into_iter()
        .filter(|(name, value)| *name != "q" && !value.is_empty())
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    EvidenceWhere { clause, variables }
}

#[derive(Debug, SurrealValue)]
struct RankRow {
    id: surrealdb::types::RecordId,
}

/// The listing without search words, newest first, while the search engine's index is built
/// (it lists after that): only ids and sort keys are read here. Search words in the filter
/// are not looked at (the search engine ranks those).
pub async fn rank(
    db: &Db,
    filter: &EvidenceFilter,
    audience: Audience,
) -> Result<Ranked, AppError> {
    let scope = evidence_where(filter, audience, &[]);
    let query = format!(
        "SELECT id, collected_on, key FROM evidence {}
         ORDER BY collected_on DESC, key LIMIT {}",
        scope.clause,
        COUNT_CAP + 1
    );
    let mut response = db
        .query(query)
        .bind(scope.variables)
        .await
        .or_internal("list evidence")?;
    let rows: Vec<RankRow> = response.take(0).or_internal("list evidence")?;
    Ok(Ranked::whole(rows.into_iter().map(|r| r.id).collect()))
}

/// One page of a ranked list; `mark` marks the matches in a finding's text (text, language),
/// the way the search engine matched them.
pub async fn page_of(
    db: &Db,
    ranked: &Ranked,
    filter: &EvidenceFilter,
    audience: Audience,
    mark: impl Fn(&str, &str) -> String,
) -> Result<EvidencePage, AppError> {
    let page = filter.page.max(1);
    // In u64: a page number nobody clamped must not overflow (callers clamp it anyway).
    let start = usize::try_from((u64::from(page) - 1) * u64::from(PAGE_SIZE)).unwrap_or(usize::MAX);
    // The page's findings: `ranked` holds the order from its `first` position on.
    let ids: Vec<_> = match start.checked_sub(ranked.first) {
        Some(skip) => ranked
            .ids
            .iter()
            .skip(skip)
            .take(PAGE_SIZE as usize)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let mut rows: Vec<ListingRow> = Vec::new();
    if !ids.is_empty() {
        // The audience is checked again: a kept ranking may predate a change of consent.
        let where_clause = evidence_where(&EvidenceFilter::default(), audience, &[]).clause;
        let mut response = db
            .query(format!(
                "SELECT id, key, kind, swot_quadrant, text AS snippet, language, value, unit, country, region,
                    collected_on, consent, visibility, tags, record::id(assessment) AS assessment_id,
                    assessment.title AS assessment
                 FROM $ids {where_clause}"
            ))
            .bind(("ids", ids.clone()))
            .await
            .or_internal("search evidence")?;
        let mut found: Vec<ListingRow> = response.take(0).or_internal("search evidence")?;
        // In the ranking's order (a page is 25 findings: a scan is cheapest).
        rows = ids
            .iter()
            .filter_map(|id| {
                let at = found.iter().position(|r| r.id == *id)?;
                Some(found.swap_remove(at))
            })
            .collect();
    }
    let total = ranked.total;
    Ok(EvidencePage {
        items: rows
            .into_iter()
            .map(|r| EvidenceListing {
                snippet: segments(&mark(&r.snippet, &r.language), 320),
                key: r.key,
                kind: r.kind,
                swot_quadrant: r.swot_quadrant,
                value: r.value,
                unit: r.unit,
                country: r.country,
                region: r.region,
                collected_on: r.collected_on,
                consent: r.consent,
                visibility: r.visibility,
                tags: r.tags,
                assessment_id: r.assessment_id,
                assessment: r.assessment,
            })
            .collect(),
        total,
        page,
        pages: total.div_ceil(u64::from(PAGE_SIZE)).max(1) as u32,
    })
}

pub async fn facets(db: &Db, audience: Audience) -> Result<Facets, AppError> {
    let where_clause = evidence_where(&EvidenceFilter::default(), audience, &[]).clause;
    let query = format!(
        "LET $seen = SELECT country, region, tags FROM evidence {where_clause};
         RETURN {{
            countries: array::sort(array::distinct($seen.country)),
            regions: array::sort(array::distinct($seen.region)),
            tags: array::sort(array::distinct(array::flatten($seen.tags)))
         }};"
    );
    let mut response = db.query(query).await.or_internal("evidence facets")?;
    let facets: Option<Facets> = response.take(1).or_internal("evidence facets")?;
    Ok(facets.unwrap_or_default())
}

pub async fn get(
    db: &Db,
    key: &str,
    audience: Audience,
) -> Result<Option<EvidenceDetail>, AppError> {
    let where_clause = evidence_where(&EvidenceFilter::default(), audience, &["key = $key"]).clause;
    let query = format!(
        "SELECT key, kind, swot_quadrant, text, value, unit, sample_size, baseline, country, region,
            collected_on, language, tags, consent, visibility, record::id(assessment) AS assessment_id,
            assessment.title AS assessment, assessment.organisation.name AS organisation
         FROM evidence {where_clause} LIMIT 1"
    );
    let mut response = db
        .query(query)
        .bind(("key", key.to_string()))
        .await
        .or_internal("get evidence")?;
    let rows: Vec<EvidenceDetail> = response.take(0).or_internal("get evidence")?;
    Ok(rows.into_iter().next())
}

/// An item as stored, for editing and for comparing with a new version.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The record's id (without its table).
    pub id: String,
    pub fields: EvidenceFields,
    pub assessment_id: String,
    /// Cited somewhere: the key may no longer change.
    pub key_locked: bool,
    /// When it last changed (RFC 3339): a save based on an older version is refused.
    pub version: String,
}

const STORED_FIELDS: &str = "key, kind, swot_quadrant, text, value, unit, sample_size, baseline,
    country, region, collected_on, language, tags, consent, visibility,
    record::id(assessment) AS assessment_id, key_locked ?? false AS key_locked,
    <string> updated_at AS version, record::id(id) AS id";

fn stored_from(mut row: ExportRow) -> Result<Stored, AppError> {
    let assessment_id = row.assessment_id.take().unwrap_or_default();
    let key_locked = row.key_locked.take().unwrap_or(false);
    let version = row.version.take().unwrap_or_default();
    let id = row.id.take().unwrap_or_default();
    Ok(Stored {
        id,
        fields: row.into_fields()?,
        assessment_id,
        key_locked,
        version,
    })
}

/// One item whatever its visibility and consent (editors only: callers check).
pub async fn stored(db: &Db, key: &str) -> Result<Option<Stored>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {STORED_FIELDS} FROM evidence WHERE key = $key LIMIT 1"
        ))
        .bind(("key", key.to_string()))
        .await
        .or_internal("read evidence")?;
    let rows: Vec<ExportRow> = response.take(0).or_internal("read evidence")?;
    rows.into_iter().next().map(stored_from).transpose()
}

/// The stored versions of the items with these keys, by key (for an import to compare).
pub async fn stored_by_keys(
    db: &Db,
    keys: Vec<String>,
) -> Result<HashMap<String, Stored>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {STORED_FIELDS} FROM evidence WHERE key IN $keys"
        ))
        .bind(("keys", keys))
        .await
        .or_internal("read evidence")?;
    let rows: Vec<ExportRow> = response.take(0).or_internal("read evidence")?;
    rows.into_iter()
        .map(|row| stored_from(row).map(|s| (s.fields.key.clone(), s)))
        .collect()
}

/// Who made a change and how, for the item's history.
pub struct Author<'a> {
    /// None for demo data loaded at start-up.
    pub member_id: Option<&'a str>,
    pub action: ChangeAction,
    /// The file name, for imports.
    pub source: &'a str,
}

/// A new item (a form): refused if the key is taken, never an update in disguise.
pub async fn create(
    db: &Db,
    assessment_id: &str,
    fields: &EvidenceFields,
    member_id: &str,
) -> Result<(), AppError> {
    let result = db
        .query(
            "BEGIN TRANSACTION;
             LET $created = CREATE ONLY evidence CONTENT object::extend($item.fields, {
                 assessment: type::record('assessment', $assessment)
             });
             CREATE evidence_change CONTENT {
                 evidence: $created.id, member: type::record('member', $member),
                 action: 'created', source: '', changes: []
             };
             CREATE search_feed CONTENT { finding: $created.id };
             COMMIT TRANSACTION;",
        )
        .bind(("assessment", assessment_id.to_string()))
        .bind(("item", item_object(fields)))
        .bind(("member", member_id.to_string()))
        .await
        .and_then(|r| r.check());
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_duplicate(&e) => Err(AppError::invalid("key", Problem::AlreadyTaken)),
        Err(e) => Err(internal("create evidence", e)),
    }
}

/// Saves a new version of the item found by `current_key` and records what changed, in one
/// transaction that first checks, where the write happens, what the caller read: the item is
/// still at `base_version` (else Conflict: someone saved since), and its key, if a citation
/// locked it in the meantime, is not being changed. Of two saves from the same version the
/// one that commits second loses a write conflict, runs again and finds itself stale.
pub async fn update(
    db: &Db,
    current_key: &str,
    base_version: &str,
    assessment_id: &str,
    fields: &EvidenceFields,
    changes: &[FieldChange],
    member_id: &str,
) -> Result<(), AppError> {
    let edit = Edit {
        base_version,
        assessment_id,
        fields,
        changes,
        member_id,
        reason: None,
    };
    update_with_reason(db, current_key, edit).await
}

/// One save of a finding's form.
pub struct Edit<'a> {
    /// The version the form was based on: the save is refused if the item changed since.
    pub base_version: &'a str,
    pub assessment_id: &'a str,
    pub fields: &'a EvidenceFields,
    pub changes: &'a [FieldChange],
    pub member_id: &'a str,
    /// Why a withdrawn consent is given back, for the history.
    pub reason: Option<&'a str>,
}

/// [`update`], with the reason recorded in the history entry. The version check in the
/// transaction makes sure the consent the caller saw withdrawn is the one stored.
pub async fn update_with_reason(
    db: &Db,
    current_key: &str,
    edit: Edit<'_>,
) -> Result<(), AppError> {
    let Edit {
        base_version,
        assessment_id,
        fields,
        changes,
        member_id,
        reason,
    } = edit;
    let changes = serde_json::to_value(changes).or_internal("a finding's changes to JSON")?;
    let item = item_object(fields);
    let result = retrying(|| {
        db.query(
            "BEGIN TRANSACTION;
             LET $found = (SELECT id, key, key_locked ?? false AS key_locked, created_by,
                 <string> updated_at AS version FROM evidence WHERE key = $current LIMIT 1)[0];
             IF !$found { RETURN 'missing' };
             IF $found.version != $version { RETURN 'stale' };
             IF $found.key_locked AND $found.key != $item.key { RETURN 'key_locked' };
             UPDATE $found.id CONTENT object::extend($item.fields, {
                 assessment: type::record('assessment', $assessment),
                 key_locked: $found.key_locked,
                 created_by: $found.created_by,
                 updated_at: time::now()
             });
             CREATE evidence_change CONTENT {
                 evidence: $found.id, member: type::record('member', $member),
                 action: 'updated', source: '', changes: $changes, reason: $reason
             };
             CREATE search_feed CONTENT { finding: $found.id };
             RETURN 'done';
             COMMIT TRANSACTION;",
        )
        .bind(("current", current_key.to_string()))
        .bind(("version", base_version.to_string()))
        .bind(("assessment", assessment_id.to_string()))
        .bind(("item", item.clone()))
        .bind(("changes", changes.clone()))
        .bind(("member", member_id.to_string()))
        .bind(("reason", reason.map(str::to_string)))
    })
    .await
    .and_then(Outcome::of);
    let stale = || AppError::Conflict {
        what: "evidence".into(),
    };
    match result {
        Ok(Outcome::Done) => Ok(()),
        Ok(Outcome::Missing) => Err(AppError::NotFound),
        Ok(Outcome::Stale) => Err(stale()),
        Ok(Outcome::KeyLocked) => Err(AppError::invalid("key", Problem::KeyLocked)),
        Ok(other) => Err(other.unexpected("update evidence")),
        Err(e) if is_duplicate(&e) => Err(AppError::invalid("key", Problem::AlreadyTaken)),
        // Still losing after every retry: to the editor, someone else is saving this item.
        Err(e) if is_write_conflict(&e) => Err(stale()),
        Err(e) => Err(internal("update evidence", e)),
    }
}

/// Imports of at most this many changed findings feed the search engines finding by finding.
const FEED_PER_FINDING_MAX: usize = 1_000;

/// How an import's transaction tells the search engines (every instance's) what it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// In the same transaction: each finding written (at most [`FEED_PER_FINDING_MAX`]),
    /// else the assessment, which is indexed again whole.
    Now,
    /// Not at all: the caller writes a file in steps and names the assessment once after the
    /// last one, or after a failure part-way ([`feed_assessment`]). A feed row per finding for
    /// 100,000 findings made every instance read them all again on each poll while the import
    /// ran. (Steps written by an instance that then stopped reach the other instances when the
    /// import is confirmed again and finishes.)
    AfterTheLastStep,
}

/// Tells the search engines that an assessment's findings changed (after an import in steps).
/// `origin` names the search engine (see `crate::search::Engine::origin`) that already indexed
/// every row of the file as its steps were written, which then need not read them back; the
/// other instances index the assessment again whole.
pub async fn feed_assessment(
    db: &Db,
    assessment_id: &str,
    origin: Option<&str>,
) -> Result<(), AppError> {
    db.query(
        "CREATE search_feed CONTENT {
            assessment: type::record('assessment', $assessment), origin: $origin
        }",
    )
    .bind(("assessment", assessment_id.to_string()))
    .bind(("origin", origin.map(str::to_string)))
    .await
    .and_then(|r| r.check())
    .or_internal("feed an assessment to search")?;
    Ok(())
}

/// Many items in one transaction, all or nothing: new keys are created, known keys updated
/// in place (and moved to this assessment); rows identical to what is stored are left alone,
/// so re-importing a file changes nothing and leaves no history.
pub async fn import(
    db: &Db,
    assessment_id: &str,
    items: &[EvidenceFields],
    author: Author<'_>,
) -> Result<ImportCounts, AppError> {
    let keys = items.iter().map(|i| i.key.clone()).collect();
    let existing = stored_by_keys(db, keys).await?;
    import_over(db, assessment_id, items, &existing, author, Feed::Now)
        .await
        .map(|imported| imported.counts)
}

/// What an import step did, and, when it wrote something and feeds no engine itself
/// ([`Feed::AfterTheLastStep`]), every row of it as the search engine indexes it (written or
/// unchanged: an unchanged row is stored exactly as the file has it). Empty otherwise.
#[derive(Debug, Default)]
pub struct Imported {
    pub counts: ImportCounts,
    pub indexed: Vec<super::evidence_index::Indexed>,
}

/// [`import`] over the stored items the caller has already read by key (with
/// [`stored_by_keys`], outside the transaction as `import` reads them): they decide the
/// counts and the history's changes, while what must hold at the write (no withdrawn consent
/// given back, no finding moved) is checked again inside the transaction.
pub async fn import_over(
    db: &Db,
    assessment_id: &str,
    items: &[EvidenceFields],
    existing: &HashMap<String, Stored>,
    author: Author<'_>,
    feed: Feed,
) -> Result<Imported, AppError> {
    let mut counts = ImportCounts::default();
    let mut unchanged = Vec::new();
    // Every row is built here and written by one INSERT per table: a statement per row made
    // 100,000 rows take 85 s, and building each row in SurrealQL (a closure per row) spent a
    // quarter of the rest moving the closures' futures about.
    let (mut created, mut updated) = (Vec::new(), Vec::new());
    let mut written = std::collections::HashSet::new();
    for item in items {
        match existing.get(&item.key) {
            None => {
                counts.created += 1;
                let id = super::papers::new_record_id();
                created.push((id, item, Vec::new()));
            }
            Some(old) => {
                let mut changes = diff(&old.fields, item);
                if old.assessment_id != assessment_id {
                    changes.push(FieldChange {
                        field: "assessment".into(),
                        before: old.assessment_id.clone(),
                        after: assessment_id.to_string(),
                    });
                }
                if changes.is_empty() {
                    counts.unchanged += 1;
                    unchanged.push((old.id.as_str(), item));
                    continue;
                }
                counts.updated += 1;
                written.insert(item.key.as_str());
                updated.push((old.id.clone(), item, changes));
            }
        }
    }
    if created.is_empty() && updated.is_empty() {
        return Ok(Imported {
            counts,
            indexed: Vec::new(),
        });
    }
    // Checked again inside the transaction (the preview checked when it was shown): an import
    // never gives back a withdrawn consent, nor takes a finding from another assessment. A
    // finding created or deleted since the comparison fails the write (the key's unique index,
    // the count of records found), and the editor is asked to check the file again. So only
    // the findings to update (`written`) are looked up by key.
    let reviving: Vec<String> = items
        .iter()
        .filter(|i| i.consent != crate::domain::evidence::Consent::Withdrawn)
        .filter(|i| written.contains(i.key.as_str()))
        .map(|i| i.key.clone())
        .collect();
    let written: Vec<String> = written.into_iter().map(str::to_string).collect();
    // A few findings are indexed again one by one on every instance; a large import names its
    // assessment, which is indexed again whole (one feed row instead of thousands). A single
    // row added to an assessment of 100,000 findings took every other instance 11 s.
    let feed = match feed {
        Feed::Now if created.len() + updated.len() <= FEED_PER_FINDING_MAX => FeedBy::Findings,
        Feed::Now => FeedBy::Assessment,
        Feed::AfterTheLastStep => FeedBy::Nothing,
    };
    // The search documents (a copy of each row's text) only for the caller that indexes them.
    let indexed = match feed {
        FeedBy::Nothing => created
            .iter()
            .chain(&updated)
            .map(|(id, item, _)| (id.as_str(), *item))
            .chain(unchanged)
            .map(|(id, item)| super::evidence_index::Indexed::of(id, item, assessment_id))
            .collect(),
        FeedBy::Findings | FeedBy::Assessment => Vec::new(),
    };
    let step = ImportStep {
        assessment_id,
        created: &created,
        updated: &updated,
        author: &author,
        feed,
    };
    let changed_since = || AppError::Conflict {
        what: "the findings changed since the file was checked".into(),
    };
    match import_step(db, &step, reviving, written).await {
        Ok(Outcome::Done) => Ok(Imported { counts, indexed }),
        Ok(Outcome::Withdrawn) => Err(ImportRefusal::WithdrawalIsFinal.error()),
        Ok(Outcome::Moved) => Err(ImportRefusal::OtherAssessment.error()),
        Ok(Outcome::Stale) => Err(changed_since()),
        Ok(other) => Err(other.unexpected("import evidence")),
        Err(e) if is_duplicate(&e) || is_write_conflict(&e) => Err(changed_since()),
        Err(e) => Err(internal("import evidence", e)),
    }
}

/// How an import step tells the search engines what it wrote (see [`Feed`]).
#[derive(Debug, Clone, Copy)]
enum FeedBy {
    Findings,
    Assessment,
    Nothing,
}

/// A finding of an import step: its record id, its fields, and what changed (nothing for a
/// new one).
type StepRow<'a> = (String, &'a EvidenceFields, Vec<FieldChange>);

/// One step of an import: the findings to create and to update, into which assessment, by
/// whom, and how the search engines hear of it.
struct ImportStep<'a> {
    assessment_id: &'a str,
    created: &'a [StepRow<'a>],
    updated: &'a [StepRow<'a>],
    author: &'a Author<'a>,
    feed: FeedBy,
}

/// What an import step must find in its transaction before it writes: no withdrawn consent
/// given back, no finding of another assessment, every finding to update still there (with
/// whether a citation has locked its key meanwhile), and the database's now for its rows.
const IMPORT_READ: &str = "
SELECT VALUE key FROM evidence WHERE key IN $reviving AND consent = 'withdrawn' LIMIT 1;
SELECT VALUE key FROM evidence WHERE key IN $written AND assessment != $assessment LIMIT 1;
SELECT record::id(id) AS id, key_locked ?? false AS key_locked, created_by FROM $known;
RETURN time::now();";

#[derive(Debug, SurrealValue)]
struct KnownFinding {
    id: String,
    key_locked: bool,
    created_by: Option<RecordId>,
}

/// What an import writes of a finding besides its fields.
struct Kept<'a> {
    key_locked: bool,
    /// The history entry of the step that created it.
    created_by: Option<&'a RecordId>,
}

/// A finding as an import writes it, whole: its fields as every save stores them
/// ([`item_object`]: an absent optional value is left out, which clears what was there), with
/// its record id, assessment, what it keeps, and the time.
fn finding_row(
    id: &str,
    fields: &EvidenceFields,
    assessment: &RecordId,
    kept: Kept<'_>,
    now: Datetime,
) -> Value {
    let mut row = item_object(fields)["fields"].take().into_value();
    if let Value::Object(object) = &mut row {
        object.insert("id", RecordId::new("evidence", id.to_string()));
        object.insert("assessment", assessment.clone());
        object.insert("key_locked", kept.key_locked);
        if let Some(created_by) = kept.created_by {
            object.insert("created_by", created_by.clone());
        }
        object.insert("updated_at", now);
    }
    row
}

/// A history entry of an import step: of one updated finding, or (no `evidence`) of every
/// finding the step created, which name it.
#[derive(Debug, SurrealValue)]
struct ChangeRow {
    id: RecordId,
    evidence: Option<RecordId>,
    member: Option<RecordId>,
    action: String,
    source: String,
    changes: Vec<FieldChange>,
    at: Datetime,
}

/// What the search engines read: a finding, or a whole assessment, to index again.
#[derive(Debug, SurrealValue)]
struct FeedRow {
    finding: Option<RecordId>,
    assessment: Option<RecordId>,
    at: Datetime,
}

/// One import step in one interactive transaction: the checks, then every row built here and
/// written by one INSERT per table (an update by an UPDATE each), then commit. A refusal or
/// an error cancels it whole.
async fn import_step(
    db: &Db,
    step: &ImportStep<'_>,
    reviving: Vec<String>,
    written: Vec<String>,
) -> Result<Outcome, surrealdb::Error> {
    let assessment = RecordId::new("assessment", step.assessment_id.to_string());
    super::conflicts::in_transaction(
        db,
        async |tx| {
            let known: Vec<RecordId> = step
                .updated
                .iter()
                .map(|(id, _, _)| RecordId::new("evidence", id.clone()))
                .collect();
            let mut read = tx
                .query(IMPORT_READ)
                .bind(("reviving", reviving))
                .bind(("written", written))
                .bind(("assessment", assessment.clone()))
                .bind(("known", known))
                .await
                .and_then(super::check_cause)?;
            let withdrawn: Vec<String> = read.take(0)?;
            let moved: Vec<String> = read.take(1)?;
            let known: Vec<KnownFinding> = read.take(2)?;
            let now: Option<Datetime> = read.take(3)?;
            let now =
                now.ok_or_else(|| surrealdb::Error::internal("the database gave no time".into()))?;
            if !withdrawn.is_empty() {
                return Ok(Outcome::Withdrawn);
            }
            if !moved.is_empty() {
                return Ok(Outcome::Moved);
            }
            if known.len() < step.updated.len() {
                return Ok(Outcome::Stale);
            }
            let known: HashMap<&str, &KnownFinding> =
                known.iter().map(|k| (k.id.as_str(), k)).collect();
            let member = step
                .author
                .member_id
                .map(|m| RecordId::new("member", m.to_string()));
            let entry = |evidence: Option<RecordId>, changes: Vec<FieldChange>| ChangeRow {
                id: RecordId::new("evidence_change", super::papers::new_record_id()),
                evidence,
                member: member.clone(),
                action: step.author.action.as_str().to_string(),
                source: step.author.source.to_string(),
                changes,
                at: now,
            };
            // The findings created share the step's entry; each updated one has its own.
            let created_entry = (!step.created.is_empty()).then(|| entry(None, Vec::new()));
            let created_by = created_entry.as_ref().map(|e| &e.id);
            let created: Vec<Value> = step
                .created
                .iter()
                .map(|(id, fields, _)| {
                    let kept = Kept {
                        key_locked: false,
                        created_by,
                    };
                    finding_row(id, fields, &assessment, kept, now)
                })
                .collect();
            let updated: Vec<Value> = step
                .updated
                .iter()
                .map(|(id, fields, _)| {
                    let was = known.get(id.as_str());
                    let kept = Kept {
                        key_locked: was.is_some_and(|k| k.key_locked),
                        created_by: was.and_then(|k| k.created_by.as_ref()),
                    };
                    finding_row(id, fields, &assessment, kept, now)
                })
                .collect();
            let changed = || {
                step.created
                    .iter()
                    .chain(step.updated)
                    .map(|(id, _, _)| RecordId::new("evidence", id.clone()))
            };
            let feed: Vec<FeedRow> = match step.feed {
                FeedBy::Findings => changed()
                    .map(|finding| FeedRow {
                        finding: Some(finding),
                        assessment: None,
                        at: now,
                    })
                    .collect(),
                FeedBy::Assessment => vec![FeedRow {
                    finding: None,
                    assessment: Some(assessment.clone()),
                    at: now,
                }],
                FeedBy::Nothing => Vec::new(),
            };
            let history: Vec<ChangeRow> = created_entry
                .into_iter()
                .chain(step.updated.iter().map(|(id, _, changes)| {
                    entry(Some(RecordId::new("evidence", id.clone())), changes.clone())
                }))
                .collect();
            // (An INSERT of no rows is left out rather than sent.)
            let mut statements = String::new();
            if !created.is_empty() {
                statements.push_str("INSERT INTO evidence $created RETURN NONE;\n");
            }
            if !updated.is_empty() {
                statements.push_str(
                    "FOR $row IN $updated { UPDATE $row.id CONTENT $row RETURN NONE; };\n",
                );
            }
            statements.push_str("INSERT INTO evidence_change $history RETURN NONE;\n");
            if !feed.is_empty() {
                statements.push_str("INSERT INTO search_feed $feed RETURN NONE;\n");
            }
            tx.query(statements)
                .bind(("created", created))
                .bind(("updated", updated))
                .bind(("history", history))
                .bind(("feed", feed))
                .await
                .and_then(super::check_cause)?;
            Ok(Outcome::Done)
        },
        |outcome| *outcome == Outcome::Done,
    )
    .await
}

/// The item's history, newest first (at most 200 entries besides its creation by an import,
/// which is oldest: the step's entry it shares with the step's other findings).
pub async fn history(db: &Db, key: &str) -> Result<Vec<ChangeEntry>, AppError> {
    const ENTRY: &str = "time::format(at, '%Y-%m-%dT%H:%M:%S%.6fZ') AS at, \
        member.name ?? '' AS who, action, source, changes, reason ?? '' AS reason";
    let mut response = db
        .query(format!(
            "LET $item = (SELECT id, created_by FROM evidence WHERE key = $key LIMIT 1)[0];
             LET $own = IF $item {{ (SELECT {ENTRY} FROM evidence_change
                 WHERE evidence = $item.id ORDER BY at DESC LIMIT 200) }} ELSE {{ [] }};
             LET $created = IF $item.created_by {{ (SELECT {ENTRY} FROM $item.created_by) }}
                 ELSE {{ [] }};
             RETURN array::concat($own, $created);"
        ))
        .bind(("key", key.to_string()))
        .await
        .or_internal("evidence history")?;
    response.take(3).or_internal("evidence history")
}

/// The item as a SurrealDB object. Absent optional values are left out (JSON null would be
/// stored as NULL, which `option<float>` refuses); CONTENT then clears them on re-import.
fn item_object(fields: &EvidenceFields) -> serde_json::Value {
    let mut object = serde_json::json!({
            "key": fields.key,
            "kind": fields.kind.as_str(),
            "swot_quadrant": fields.swot_quadrant.map(|q| q.as_str()),
            "text": fields.text,
            "value": fields.value,
            "unit": fields.unit,
            "sample_size": fields.sample_size,
            "baseline": fields.baseline,
            "country": fields.country,
            "region": fields.region,
            "collected_on": fields.collected_on,
            "language": fields.language,
            "tags": fields.tags,
            "consent": fields.consent.as_str(),
            "visibility": fields.visibility.as_str(),
    });
    if let Some(map) = object.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::json!({ "key": fields.key, "fields": object })
}

pub async fn existing_keys(db: &Db, prefix: &str) -> Result<Vec<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE key FROM evidence WHERE string::starts_with(key, $prefix)")
        .bind(("prefix", prefix.to_string()))
        .await
        .or_internal("list keys")?;
    response.take(0).or_internal("list keys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_and_filters_make_the_conditions() {
        let public = Audience {
            include_members_only: false,
            include_withdrawn: false,
        };
        let editor = Audience {
            include_members_only: true,
            include_withdrawn: true,
        };
        assert_eq!(
            conditions(&EvidenceFilter::default(), public),
            ["visibility = 'public'", "consent != 'withdrawn'"]
        );
        assert!(conditions(&EvidenceFilter::default(), editor).is_empty());
        let filter = EvidenceFilter {
            q: "work".into(),
            country: "HU".into(),
            ..Default::default()
        };
        assert_eq!(
            conditions(&filter, editor),
            ["country = $country"],
            "search words are the search engine's, not a condition"
        );
    }

    #[test]
    fn the_where_clause_binds_exactly_the_values_it_names() {
        let member = Audience {
            include_members_only: true,
            include_withdrawn: false,
        };
        let everything = Audience {
            include_members_only: true,
            include_withdrawn: true,
        };
        let filter = EvidenceFilter {
            q: "  mentoring ".into(),
            tag: "inclusion".into(),
            assessment: "a1".into(),
            ..Default::default()
        };
        let scope = evidence_where(&filter, member, &["key = $key"]);
        assert_eq!(
            scope.clause,
            "WHERE key = $key AND consent != 'withdrawn' \
             AND assessment = type::record('assessment', $assessment) AND $tag IN tags"
        );
        assert_eq!(
            scope.variables,
            BTreeMap::from([
                ("assessment".to_string(), "a1".to_string()),
                ("tag".to_string(), "inclusion".to_string()),
            ]),
            "nothing bound that no condition names (search words are the engine's)"
        );
        let all = evidence_where(&EvidenceFilter::default(), everything, &[]);
        assert_eq!(
            all.clause, "",
            "no WHERE when the reader may see everything"
        );
        assert!(all.variables.is_empty());
        let blank_search = EvidenceFilter {
            q: "   ".into(),
            ..Default::default()
        };
        assert_eq!(
            evidence_where(&blank_search, everything, &[]),
            all,
            "blank search words are no condition"
        );
    }
}

#[derive(Debug, SurrealValue)]
struct ExportRow {
    key: String,
    kind: String,
    swot_quadrant: Option<String>,
    text: String,
    value: Option<f64>,
    unit: String,
    sample_size: Option<i64>,
    baseline: Option<f64>,
    country: String,
    region: String,
    collected_on: String,
    language: String,
    tags: Vec<String>,
    consent: String,
    visibility: String,
    /// Only when read for editing or comparing (`STORED_FIELDS`).
    assessment_id: Option<String>,
    /// Only when read by id (the export of a search).
    id: Option<String>,
    key_locked: Option<bool>,
    version: Option<String>,
}

impl ExportRow {
    fn into_fields(self) -> Result<EvidenceFields, AppError> {
        Ok(EvidenceFields {
            kind: self.kind.parse()?,
            swot_quadrant: self.swot_quadrant.map(|q| q.parse()).transpose()?,
            consent: self.consent.parse()?,
            visibility: self.visibility.parse()?,
            key: self.key,
            text: self.text,
            value: self.value,
            unit: self.unit,
            sample_size: self.sample_size,
            baseline: self.baseline,
            country: self.country,
            region: self.region,
            collected_on: self.collected_on,
            language: self.language,
            tags: self.tags,
        })
    }
}

/// The items the filter and audience allow, in key order, after `after` (a key; None: from
/// the start), at most `limit` of them: a page of the CSV export, which pages by key so that
/// no item is written twice or skipped when the export streams.
pub async fn export_page(
    db: &Db,
    filter: &EvidenceFilter,
    audience: Audience,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<EvidenceFields>, AppError> {
    let also: &[&'static str] = if after.is_some() {
        &["key > $export_after"]
    } else {
        &[]
    };
    let scope = evidence_where(filter, audience, also);
    let query = format!(
        "SELECT key, kind, swot_quadrant, text, value, unit, sample_size, baseline, country, region,
            collected_on, language, tags, consent, visibility
         FROM evidence {} ORDER BY key LIMIT {limit}",
        scope.clause,
    );
    let mut request = db.query(query).bind(scope.variables);
    if let Some(after) = after {
        request = request.bind(("export_after", after.to_string()));
    }
    let mut response = request.await.or_internal("export evidence")?;
    let rows: Vec<ExportRow> = response.take(0).or_internal("export evidence")?;
    rows.into_iter().map(ExportRow::into_fields).collect()
}

/// These findings (ids from the search engine, best first), in that order, as far as the
/// filter and audience allow them: the audience is checked here again, so an index a moment
/// behind never exports what the reader may not see.
pub async fn export_ids(
    db: &Db,
    ids: &[String],
    filter: &EvidenceFilter,
    audience: Audience,
) -> Result<Vec<EvidenceFields>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let records: Vec<surrealdb::types::RecordId> = ids
        .iter()
        .map(|id| surrealdb::types::RecordId::new("evidence", id.clone()))
        .collect();
    let scope = evidence_where(filter, audience, &[]);
    let query = format!(
        "SELECT record::id(id) AS id, key, kind, swot_quadrant, text, value, unit, sample_size,
            baseline, country, region, collected_on, language, tags, consent, visibility
         FROM $ids {}",
        scope.clause,
    );
    let mut response = db
        .query(query)
        .bind(scope.variables)
        .bind(("ids", records))
        .await
        .or_internal("export evidence")?;
    let rows: Vec<ExportRow> = response.take(0).or_internal("export evidence")?;
    let mut by_id: HashMap<String, ExportRow> = rows
        .into_iter()
        .filter_map(|mut r| Some((r.id.take()?, r)))
        .collect();
    ids.iter()
        .filter_map(|id| by_id.remove(id))
        .map(ExportRow::into_fields)
        .collect()
}

/// Which of these keys name items the audience may see (for the live preview of a block).
pub async fn visible_keys(
    db: &Db,
    keys: Vec<String>,
    audience: Audience,
) -> Result<Vec<String>, AppError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let where_clause =
        evidence_where(&EvidenceFilter::default(), audience, &["key IN $keys"]).clause;
    let mut response = db
        .query(format!("SELECT VALUE key FROM evidence {where_clause}"))
        .bind(("keys", keys))
        .await
        .or_internal("visible keys")?;
    response.take(0).or_internal("visible keys")
}
