//! The search engine: a tantivy index in each app instance, derived from SurrealDB, which
//! stays the only source of truth. It ranks (BM25, top-k); the findings themselves are read
//! from the database by id, where what the reader may see is checked again, so an index a
//! moment behind can never show a withdrawn or members-only finding.
//!
//! Kept current from the search feed, a row every transaction that changes findings writes
//! as its last statement (`search_feed`): each instance follows it (a poll, like the draft
//! events), and
//! a write made through this instance is applied before its answer goes out, so it is
//! searchable at once here and within one poll everywhere else. On start the index is built
//! from the database; until then searches answer "warming up", never wrong results.
pub mod analysis;
mod fields;
mod index;
pub mod papers;
pub mod query;

use crate::domain::evidence::Audience;
use crate::domain::evidence_views::{EvidenceFilter, Facets};
use crate::error::AppError;
use crate::store::evidence_index::{Changed, Indexed};
use crate::store::{self, Db};
use fields::{COLLECTED, Fields, KEY_ORDER, schema};
use index::{engine_error, in_memory, not_finished};
pub(crate) use query::mark_matches;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tantivy::collector::sort_key::{SortByStaticFastValue, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::AllQuery;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{IndexReader, IndexWriter, Order, Term};

/// How often the change log is read: a change made on another instance is searchable within
/// about this.
pub const POLL_EVERY: Duration = Duration::from_millis(250);
/// Transactions commit in any order, and a feed row's time is its statement's, a moment
/// before its transaction commits (a large import's commit takes a while), so each read
/// looks this far back and skips rows already applied.
const OVERLAP_MS: i64 = 10_000;
/// The index writer's memory before it flushes a segment (tantivy's minimum is 15 MB).
const WRITER_MEMORY: usize = 50_000_000;

/// Where this instance is in the change log, and the entries it has applied lately.
#[derive(Default)]
struct Cursor {
    /// The database's time when the log was last read (RFC 3339).
    at: String,
    applied: HashMap<String, String>,
}

struct Inner {
    fields: Fields,
    analysers: TokenizerManager,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// The published papers' latest versions.
    papers: papers::PaperIndex,
    ready: AtomicBool,
    /// This engine's name in the change log ([`Engine::origin`]).
    origin: String,
    /// One reader of the change log at a time (the poller, or a request applying its own
    /// write): the cursor moves only forward.
    cursor: tokio::sync::Mutex<Cursor>,
}

/// The search engine of this app instance (cheap to clone).
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// What the library's filters offer an audience: every country, region and tag of the
/// findings it may see (sorted), and how many of them each assessment holds (by id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LibraryCounts {
    pub facets: Facets,
    pub per_assessment: HashMap<String, u64>,
}

/// A page of matches: ids in rank order, and how many matched in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matches {
    pub ids: Vec<String>,
    pub total: u64,
}

impl Engine {
    /// An empty engine, not yet ready (see [`Engine::start`]).
    pub fn new() -> Result<Engine, AppError> {
        let (schema, fields) = schema();
        let analysers = analysis::analysers();
        let (writer, reader) = in_memory(schema, &analysers, WRITER_MEMORY)?;
        let papers = papers::PaperIndex::new(&analysers)?;
        Ok(Engine {
            inner: Arc::new(Inner {
                fields,
                papers,
                analysers,
                reader,
                writer: Mutex::new(writer),
                ready: AtomicBool::new(false),
                // Unique among the instances sharing a database, as a record id is.
                origin: store::papers::new_record_id(),
                cursor: tokio::sync::Mutex::new(Cursor::default()),
            }),
        })
    }

    /// Starts an engine on `db` (inside a tokio runtime): builds the index from the database,
    /// then follows the change log. The poller holds the database weakly, like the events
    /// poller, so it stops when the app lets go of the database.
    pub fn start(db: Db) -> Result<Engine, AppError> {
        let engine = Engine::new()?;
        let running = engine.clone();
        let db = Arc::downgrade(&db);
        tokio::spawn(async move { running.run(db).await });
        Ok(engine)
    }

    pub fn is_ready(&self) -> bool {
        self.inner.ready.load(Ordering::Acquire)
    }

    /// Resolves once the index has been built (tests and benchmarks wait for it).
    pub async fn ready(&self) {
        while !self.is_ready() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn run(&self, db: std::sync::Weak<surrealdb::Surreal<surrealdb::engine::any::Any>>) {
        loop {
            let Some(live) = db.upgrade() else { return };
            match self.build(&live).await {
                Ok(count) => {
                    tracing::info!(findings = count, "search index built");
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
        let mut tick = tokio::time::interval(POLL_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pruned = std::time::Instant::now();
        loop {
            tick.tick().await;
            let Some(live) = db.upgrade() else { return };
            let _ = self.catch_up(&live).await;
            if pruned.elapsed() > Duration::from_secs(300) {
                pruned = std::time::Instant::now();
                let _ = store::evidence_index::prune_feed(&live).await;
            }
        }
    }

    /// Indexes every finding in the database. The log's cursor is taken first, so a change
    /// made while the build reads is applied again after it (applying is idempotent); one
    /// already in the log before it reads is not.
    pub async fn build(&self, db: &Db) -> Result<usize, AppError> {
        let mut cursor = self.inner.cursor.lock().await;
        cursor.at = store::events::now(db).await?;
        cursor.applied.clear();
        // A feed row already written is of a change already committed, which the reads below
        // see: it counts as applied, so the first catch-up does not read it again. (A server
        // started within the overlap of a large import read back up to 30,000 findings it had
        // just built from: 4-10 s more before it answered, and some 130 MB.)
        let written = store::evidence_index::feed_since(db, &looked_back(&cursor.at)).await?;
        cursor.applied.extend(written);
        let mut after = String::new();
        let mut count = 0;
        loop {
            let batch = store::evidence_index::all_after(db, &after).await?;
            let last = batch.len() < store::evidence_index::BATCH;
            if let Some(final_one) = batch.last() {
                after = final_one.id.clone();
            }
            count += batch.len();
            self.write(batch, Removal::Findings(Vec::new())).await?;
            if last {
                break;
            }
        }
        self.commit().await?;
        let published = store::versions::published_papers(db).await?;
        let ids: Vec<String> = published.into_iter().map(|(id, _)| id).collect();
        self.index_papers(db, &ids).await?;
        self.inner.ready.store(true, Ordering::Release);
        Ok(count)
    }

    /// Applies every feed row not yet applied. Called by the poller, and by a request after
    /// its own write so the change is searchable before the answer goes out.
    pub async fn catch_up(&self, db: &Db) -> Result<usize, AppError> {
        if !self.is_ready() {
            return Ok(0);
        }
        let mut cursor = self.inner.cursor.lock().await;
        let read_from = looked_back(&cursor.at);
        cursor.at = store::events::now(db).await?;
        let (mut page_at, mut page_id) = (read_from, String::new());
        let mut findings: Vec<String> = Vec::new();
        let mut assessments: Vec<String> = Vec::new();
        let mut published: Vec<String> = Vec::new();
        // Each id once, in feed order (an import feeds up to 100,000 findings).
        let mut seen = std::collections::HashSet::new();
        let mut entries: Vec<(String, String)> = Vec::new();
        loop {
            let rows = store::evidence_index::feed_after(db, &page_at, &page_id).await?;
            let last = rows.len() < store::evidence_index::PAGE;
            for entry in rows {
                (page_at, page_id) = (entry.at.clone(), entry.id.clone());
                if cursor.applied.contains_key(&entry.id) {
                    continue;
                }
                // An import this engine indexed row by row as it wrote them.
                if entry.origin.as_deref() == Some(self.inner.origin.as_str()) {
                    entries.push((entry.id, entry.at));
                    continue;
                }
                let (list, kind, id) = match entry.changed {
                    Changed::Finding(id) => (&mut findings, 'f', id),
                    Changed::Assessment(id) => (&mut assessments, 'a', id),
                    Changed::Paper(id) => (&mut published, 'p', id),
                };
                if seen.insert((kind, id.clone())) {
                    list.push(id);
                }
                entries.push((entry.id, entry.at));
            }
            if last {
                break;
            }
        }
        // Read after the feed: findings are indexed as they are now, which is at least as
        // new as every row read.
        let count = findings.len() + assessments.len();
        for ids in findings.chunks(store::evidence_index::BATCH) {
            let found = store::evidence_index::by_ids(db, ids.to_vec()).await?;
            self.write(found, Removal::Findings(ids.to_vec())).await?;
        }
        for assessment in assessments {
            let mut after = String::new();
            let mut removal = Removal::Assessment(assessment.clone());
            loop {
                let batch =
                    store::evidence_index::of_assessment_after(db, &assessment, &after).await?;
                let last = batch.len() < store::evidence_index::BATCH;
                if let Some(final_one) = batch.last() {
                    after = final_one.id.clone();
                }
                // Each finding of the batch replaces its old self, wherever it was indexed.
                let ids = batch.iter().map(|f| f.id.clone()).collect();
                let first = std::mem::replace(&mut removal, Removal::Findings(Vec::new()));
                self.write(batch, first.and(ids)).await?;
                if last {
                    break;
                }
            }
        }
        if count > 0 {
            self.commit().await?;
        }
        self.index_papers(db, &published).await?;
        let count = count + published.len();
        cursor.applied.extend(entries);
        let oldest = looked_back(&cursor.at);
        cursor.applied.retain(|_, at| *at >= oldest);
        Ok(count)
    }

    /// Indexes these papers' latest versions in place of what was indexed of them.
    async fn index_papers(&self, db: &Db, paper_ids: &[String]) -> Result<(), AppError> {
        if paper_ids.is_empty() {
            return Ok(());
        }
        let mut texts = Vec::with_capacity(paper_ids.len());
        for id in paper_ids {
            if let Some((slug, content)) = store::versions::latest_content(db, id).await? {
                texts.push(papers::PublishedText::of(id, &slug, &content));
            }
        }
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.papers.replace(texts))
            .await
            .map_err(|e| not_finished("index published papers", e))?
    }

    /// The `limit` best passages of the published papers' latest versions for `q`, in rank
    /// order. `None` without search words.
    pub fn published(
        &self,
        q: &str,
        limit: usize,
    ) -> Result<Option<Vec<crate::domain::front::PassageHit>>, AppError> {
        if q.trim().is_empty() {
            return Ok(None);
        }
        if !self.is_ready() {
            return Err(AppError::WarmingUp);
        }
        let inner = &self.inner;
        inner.papers.search(&inner.analysers, q, limit).map(Some)
    }

    /// This engine's name in the change log: a row naming it was indexed here before it was
    /// written (an import in steps, [`Engine::add_imported`]), so this engine skips it.
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// Indexes the rows of an import step just committed, each in place of what was indexed of
    /// it; searchable after [`Engine::commit_imported`]. An import of 100,000 rows otherwise
    /// read them all back after its last step (12 s on two cores).
    ///
    /// (Should another instance change one of these findings between the step's commit and
    /// this call, and this engine apply that change in the same moment, the older text would
    /// be indexed until the finding's next change. What a search shows is read again from the
    /// database, and whether the reader may see it is checked there, so the cost of that race
    /// is a finding found by its previous words.)
    pub async fn add_imported(&self, findings: Vec<Indexed>) -> Result<(), AppError> {
        let ids = findings.iter().map(|f| f.id.clone()).collect();
        self.write(findings, Removal::Findings(ids)).await
    }

    /// Makes what [`Engine::add_imported`] indexed searchable.
    pub async fn commit_imported(&self) -> Result<(), AppError> {
        self.commit().await
    }

    /// Removes what `removal` names, then adds `findings` (a finding no longer in the
    /// database is then simply gone).
    async fn write(&self, findings: Vec<Indexed>, removal: Removal) -> Result<(), AppError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let writer = inner.writer.lock().unwrap_or_else(|e| e.into_inner());
            let fields = inner.fields;
            for term in removal.terms(&fields) {
                writer.delete_term(term);
            }
            for finding in findings {
                writer
                    .add_document(document(&fields, finding))
                    .map_err(|e| engine_error("index a finding", e))?;
            }
            Ok(())
        })
        .await
        .map_err(|e| not_finished("index findings", e))?
    }

    async fn commit(&self) -> Result<(), AppError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut writer = inner.writer.lock().unwrap_or_else(|e| e.into_inner());
            writer
                .commit()
                .map_err(|e| engine_error("commit the search index", e))?;
            inner
                .reader
                .reload()
                .map_err(|e| engine_error("reload the search index", e))
        })
        .await
        .map_err(|e| not_finished("commit the search index", e))?
    }

    /// The best matches of the filter's words for this audience, `limit` of them after the
    /// first `offset`, and how many match. `None` when the filter has no search words (the
    /// library lists by date instead: [`Engine::listed`]).
    pub fn rank(
        &self,
        filter: &EvidenceFilter,
        audience: Audience,
        offset: usize,
        limit: usize,
    ) -> Result<Option<Matches>, AppError> {
        if filter.q.trim().is_empty() {
            return Ok(None);
        }
        if !self.is_ready() {
            return Err(AppError::WarmingUp);
        }
        let inner = &self.inner;
        let Some(query) = query::build(&inner.fields, &inner.analysers, filter, audience) else {
            // Words that make no term (punctuation only): nothing matches.
            return Ok(Some(Matches::default()));
        };
        let searcher = inner.reader.searcher();
        let (top, total) = searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit(limit.max(1))
                        .and_offset(offset)
                        .order_by_score(),
                    Count,
                ),
            )
            .map_err(|e| engine_error("search", e))?;
        let ids = self.ids_of(&searcher, top.into_iter().map(|(_, address)| address))?;
        Ok(Some(Matches {
            ids,
            total: total as u64,
        }))
    }

    /// The findings the filter lets this audience see, newest collected first and then by
    /// key, `limit` of them after the first `offset`, and how many there are: the library
    /// without search words. Until the index is built: `WarmingUp` (the caller lists from the
    /// database meanwhile).
    pub fn listed(
        &self,
        filter: &EvidenceFilter,
        audience: Audience,
        offset: usize,
        limit: usize,
    ) -> Result<Matches, AppError> {
        if !self.is_ready() {
            return Err(AppError::WarmingUp);
        }
        let inner = &self.inner;
        let query = query::scoped(&inner.fields, filter, audience, Box::new(AllQuery));
        let order = (
            (
                SortByStaticFastValue::<i64>::for_field(COLLECTED),
                Order::Desc,
            ),
            (SortByString::for_field(KEY_ORDER), Order::Asc),
        );
        let searcher = inner.reader.searcher();
        let (top, total) = searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit(limit.max(1))
                        .and_offset(offset)
                        .order_by(order),
                    Count,
                ),
            )
            .map_err(|e| engine_error("list findings", e))?;
        let ids = self.ids_of(&searcher, top.into_iter().map(|(_, address)| address))?;
        Ok(Matches {
            ids,
            total: total as u64,
        })
    }

    /// The library's filter values and the findings per assessment for this audience, from
    /// the index's fast fields (a scan of every finding in the database took a second on a
    /// large library). Until the index is built: `WarmingUp`.
    pub fn library_counts(&self, audience: Audience) -> Result<LibraryCounts, AppError> {
        use tantivy::aggregation::agg_result::{AggregationResult, BucketResult};
        use tantivy::aggregation::{AggContextParams, AggregationCollector, Key};
        if !self.is_ready() {
            return Err(AppError::WarmingUp);
        }
        let inner = &self.inner;
        // Every value, whatever the count (the bucket limit, 65,000, bounds the answer).
        let terms =
            |field: &str| serde_json::json!({ "terms": { "field": field, "size": 65_000 } });
        let request = serde_json::json!({
            "countries": terms("country"),
            "regions": terms("region"),
            "tags": terms("tags"),
            "assessments": terms("assessment"),
        });
        let request = serde_json::from_value(request)
            .map_err(|e| engine_error("library counts request", e))?;
        let collector = AggregationCollector::from_aggs(request, AggContextParams::default());
        let query = query::scoped(
            &inner.fields,
            &EvidenceFilter::default(),
            audience,
            Box::new(AllQuery),
        );
        let mut results = inner
            .reader
            .searcher()
            .search(&query, &collector)
            .map_err(|e| engine_error("library counts", e))?;
        let mut buckets = |name: &str| -> Vec<(String, u64)> {
            match results.0.remove(name) {
                Some(AggregationResult::BucketResult(BucketResult::Terms { buckets, .. })) => {
                    buckets
                        .into_iter()
                        .filter_map(|b| match b.key {
                            Key::Str(key) if !key.is_empty() => Some((key, b.doc_count)),
                            _ => None,
                        })
                        .collect()
                }
                _ => Vec::new(),
            }
        };
        let sorted = |counted: Vec<(String, u64)>| -> Vec<String> {
            let mut values: Vec<String> = counted.into_iter().map(|(value, _)| value).collect();
            values.sort();
            values
        };
        Ok(LibraryCounts {
            facets: Facets {
                countries: sorted(buckets("countries")),
                regions: sorted(buckets("regions")),
                tags: sorted(buckets("tags")),
            },
            per_assessment: buckets("assessments").into_iter().collect(),
        })
    }

    /// The finding ids these hits stand for, in their order.
    fn ids_of(
        &self,
        searcher: &tantivy::Searcher,
        hits: impl Iterator<Item = tantivy::DocAddress>,
    ) -> Result<Vec<String>, AppError> {
        let mut ids = Vec::new();
        for address in hits {
            let doc: TantivyDocument = searcher
                .doc(address)
                .map_err(|e| engine_error("read a search hit", e))?;
            ids.extend(
                doc.get_first(self.inner.fields.id)
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            );
        }
        Ok(ids)
    }

    /// The text with every word the query matched (in the finding's own language's analysis,
    /// or the plain one) between `MARK_OPEN` and `MARK_CLOSE`, from the same analysis the
    /// index used; the last word of the query also marks the words it begins.
    pub fn highlight(&self, text: &str, language: &str, q: &str) -> String {
        let mut analysers = vec![analysis::PLAIN.to_string()];
        if let Some(code) = analysis::stemmed_language(language) {
            analysers.push(analysis::analyser_for(code));
        }
        mark_matches(&self.inner.analysers, text, &analysers, q)
    }
}

/// What is removed from the index before findings are added again.
enum Removal {
    Findings(Vec<String>),
    /// Every finding indexed as the assessment's, and these findings wherever they are.
    AssessmentAnd(String, Vec<String>),
    Assessment(String),
}

impl Removal {
    fn and(self, ids: Vec<String>) -> Removal {
        match self {
            Removal::Findings(mut mine) => {
                mine.extend(ids);
                Removal::Findings(mine)
            }
            Removal::Assessment(a) | Removal::AssessmentAnd(a, _) => Removal::AssessmentAnd(a, ids),
        }
    }

    fn terms(&self, fields: &Fields) -> Vec<Term> {
        let by_id = |ids: &[String]| {
            ids.iter()
                .map(|id| Term::from_field_text(fields.id, id))
                .collect::<Vec<_>>()
        };
        match self {
            Removal::Findings(ids) => by_id(ids),
            Removal::Assessment(a) => vec![Term::from_field_text(fields.assessment, a)],
            Removal::AssessmentAnd(a, ids) => {
                let mut terms = by_id(ids);
                terms.push(Term::from_field_text(fields.assessment, a));
                terms
            }
        }
    }
}

fn document(fields: &Fields, finding: Indexed) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &finding.id);
    doc.add_text(fields.key, &finding.key);
    doc.add_text(fields.plain, &finding.text);
    if let Some(field) = fields.stemmed_for(&finding.language) {
        doc.add_text(field, &finding.text);
    }
    doc.add_text(fields.kind, &finding.kind);
    doc.add_text(fields.country, &finding.country);
    doc.add_text(fields.region, &finding.region);
    doc.add_text(fields.assessment, &finding.assessment);
    for tag in &finding.tags {
        doc.add_text(fields.tags, tag);
    }
    doc.add_text(fields.consent, &finding.consent);
    doc.add_text(fields.visibility, &finding.visibility);
    if let Some(day) = day_number(&finding.collected_on) {
        doc.add_i64(fields.collected, day);
    }
    doc.add_text(fields.key_order, &finding.key);
    doc
}

/// A collection date (`YYYY-MM-DD`, as stored) as a number in the same order (`YYYYMMDD`);
/// `None` for anything else, which lists last, as the database orders it.
fn day_number(date: &str) -> Option<i64> {
    use chrono::Datelike;
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    (date.len() == 10)
        .then(|| i64::from(day.year()) * 10_000 + i64::from(day.month() * 100 + day.day()))
}

/// The cursor moved back by the overlap (RFC 3339 in, RFC 3339 out).
fn looked_back(cursor: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(cursor)
        .map(|t| {
            (t - chrono::Duration::milliseconds(OVERLAP_MS))
                .to_utc()
                .format("%Y-%m-%dT%H:%M:%S%.9fZ")
                .to_string()
        })
        .unwrap_or_else(|_| cursor.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence_views::{MARK_CLOSE, MARK_OPEN};

    fn finding(id: &str, key: &str, language: &str, text: &str) -> Indexed {
        Indexed {
            id: id.into(),
            key: key.into(),
            text: text.into(),
            language: language.into(),
            kind: "testimony".into(),
            country: "HU".into(),
            region: "".into(),
            assessment: "a1".into(),
            tags: vec!["youth".into()],
            consent: "given".into(),
            visibility: "public".into(),
            collected_on: "2024-05-01".into(),
        }
    }

    fn dated(id: &str, key: &str, collected_on: &str) -> Indexed {
        Indexed {
            collected_on: collected_on.into(),
            ..finding(id, key, "en", "Volunteers camp.")
        }
    }

    fn everyone() -> Audience {
        Audience {
            include_members_only: true,
            include_withdrawn: true,
        }
    }

    /// A visitor: public findings with consent only.
    fn public() -> Audience {
        Audience {
            include_members_only: false,
            include_withdrawn: false,
        }
    }

    async fn engine_with(findings: Vec<Indexed>) -> Engine {
        let engine = Engine::new().unwrap();
        engine
            .write(findings, Removal::Findings(Vec::new()))
            .await
            .unwrap();
        engine.commit().await.unwrap();
        engine.inner.ready.store(true, Ordering::Release);
        engine
    }

    fn search(engine: &Engine, q: &str) -> Vec<String> {
        let filter = EvidenceFilter {
            q: q.into(),
            ..Default::default()
        };
        engine
            .rank(&filter, everyone(), 0, 10)
            .unwrap()
            .unwrap()
            .ids
    }

    #[tokio::test]
    async fn an_import_step_indexed_here_replaces_its_findings_once_committed() {
        let engine = engine_with(vec![
            finding("1", "hu-1", "en", "The mentors met the volunteers."),
            finding("2", "hu-2", "en", "Families hosted the camp."),
        ])
        .await;
        engine
            .add_imported(vec![
                finding("1", "hu-1", "en", "The accordion player taught a dance."),
                finding("3", "hu-3", "en", "An accordion in every camp."),
            ])
            .await
            .unwrap();
        assert_eq!(
            search(&engine, "accordion"),
            Vec::<String>::new(),
            "not yet"
        );
        engine.commit_imported().await.unwrap();
        let mut found = search(&engine, "accordion");
        found.sort();
        assert_eq!(found, ["1", "3"]);
        assert!(
            search(&engine, "mentors").is_empty(),
            "the old words are gone"
        );
        assert_eq!(search(&engine, "families"), ["2"], "the others stay");
    }

    #[tokio::test]
    async fn each_finding_is_found_by_its_own_languages_word_forms() {
        let engine = engine_with(vec![
            finding("1", "hu-1", "hu", "Az önkéntesek Győrben dolgoztak."),
            finding("2", "fr-1", "fr", "Les bénévoles d'Athènes ont aidé."),
            finding("3", "en-1", "en", "Volunteers ran the work camp."),
            finding("4", "pt-1", "pt", "Os voluntários trabalharam."),
        ])
        .await;
        assert_eq!(search(&engine, "önkéntes"), ["1"]);
        assert_eq!(search(&engine, "onkentes"), ["1"]);
        assert_eq!(search(&engine, "gyorben"), ["1"], "accents folded");
        assert_eq!(search(&engine, "bénévole"), ["2"]);
        assert_eq!(search(&engine, "Athenes"), ["2"]);
        assert_eq!(search(&engine, "volunteering"), ["3"]);
        assert_eq!(
            search(&engine, "voluntarios"),
            ["4"],
            "no stemmer: folded words"
        );
        assert_eq!(search(&engine, "fr-1"), ["2"], "a citation key");
        assert_eq!(search(&engine, "\"work camp\""), ["3"], "a phrase");
        assert!(
            search(&engine, "\"camp work\"").is_empty(),
            "a phrase keeps its order"
        );
        let mut typing = search(&engine, "volunt");
        typing.sort();
        assert_eq!(typing, ["3", "4"], "the last word as the start of a word");
    }

    #[tokio::test]
    async fn odd_input_is_no_error() {
        let engine = engine_with(vec![finding("1", "en-1", "en", "Volunteers.")]).await;
        for q in [
            "\"",
            ":",
            "*",
            "(",
            "-",
            "AND",
            "\"*:()-",
            "تطوع",
            "志愿者",
            "the the",
        ] {
            let filter = EvidenceFilter {
                q: q.into(),
                ..Default::default()
            };
            assert!(engine.rank(&filter, everyone(), 0, 10).is_ok(), "{q:?}");
        }
    }

    #[tokio::test]
    async fn a_better_match_ranks_first() {
        let engine = engine_with(vec![
            finding(
                "1",
                "k-1",
                "en",
                "A camp. Other things entirely, and more words here.",
            ),
            finding("2", "k-2", "en", "Camp camp camp."),
        ])
        .await;
        assert_eq!(search(&engine, "camp"), ["2", "1"]);
        // A later page of the ranking: the window after an offset, and the count of all.
        let filter = EvidenceFilter {
            q: "camp".into(),
            ..Default::default()
        };
        let second = engine.rank(&filter, everyone(), 1, 1).unwrap().unwrap();
        assert_eq!(second.ids, ["1"]);
        assert_eq!(second.total, 2);
    }

    #[tokio::test]
    async fn filters_and_audience_narrow_without_scoring() {
        let mut withdrawn = finding("2", "k-2", "en", "Volunteers camp.");
        withdrawn.consent = "withdrawn".into();
        let mut members = finding("3", "k-3", "en", "Volunteers camp.");
        members.visibility = "members".into();
        members.country = "FR".into();
        let engine = engine_with(vec![
            finding("1", "k-1", "en", "Volunteers camp."),
            withdrawn,
            members,
        ])
        .await;
        let public = public();
        let filter = EvidenceFilter {
            q: "volunteers".into(),
            ..Default::default()
        };
        let found = |filter: &EvidenceFilter, audience| {
            let mut ids = engine.rank(filter, audience, 0, 10).unwrap().unwrap().ids;
            ids.sort();
            ids
        };
        assert_eq!(found(&filter, public), ["1"]);
        assert_eq!(found(&filter, everyone()), ["1", "2", "3"]);
        let in_france = EvidenceFilter {
            country: "FR".into(),
            ..filter.clone()
        };
        assert_eq!(found(&in_france, everyone()), ["3"]);
        let tagged = EvidenceFilter {
            tag: "youth".into(),
            ..filter.clone()
        };
        assert_eq!(found(&tagged, everyone()).len(), 3);
        let other_tag = EvidenceFilter {
            tag: "elderly".into(),
            ..filter
        };
        assert!(found(&other_tag, everyone()).is_empty());
    }

    #[tokio::test]
    async fn matches_are_marked_from_the_same_analysis() {
        let engine = engine_with(Vec::new()).await;
        let marked = engine.highlight("Les bénévoles d'Athènes", "fr", "benevole athenes");
        assert_eq!(
            marked,
            format!("Les {MARK_OPEN}bénévoles{MARK_CLOSE} d'{MARK_OPEN}Athènes{MARK_CLOSE}")
        );
        let typing = engine.highlight("Volunteering helps", "en", "volun");
        assert_eq!(typing, format!("{MARK_OPEN}Volunteering{MARK_CLOSE} helps"));
    }

    #[tokio::test]
    async fn library_counts_follow_the_audience() {
        let mut members = finding("2", "k-2", "en", "Members only.");
        members.visibility = "members".into();
        members.country = "FR".into();
        members.region = "west".into();
        members.tags = vec!["camps".into(), "youth".into()];
        members.assessment = "a2".into();
        let mut withdrawn = finding("3", "k-3", "en", "Withdrawn.");
        withdrawn.consent = "withdrawn".into();
        withdrawn.country = "GR".into();
        let engine = engine_with(vec![
            finding("1", "k-1", "en", "Public."),
            members,
            withdrawn,
        ])
        .await;
        let all = engine.library_counts(everyone()).unwrap();
        assert_eq!(all.facets.countries, ["FR", "GR", "HU"]);
        // A finding without a region offers no empty choice.
        assert_eq!(all.facets.regions, ["west"]);
        assert_eq!(all.facets.tags, ["camps", "youth"]);
        assert_eq!(all.per_assessment.get("a1"), Some(&2));
        assert_eq!(all.per_assessment.get("a2"), Some(&1));
        let public = engine.library_counts(public()).unwrap();
        assert_eq!(public.facets.countries, ["HU"]);
        assert!(public.facets.regions.is_empty());
        assert_eq!(public.facets.tags, ["youth"]);
        assert_eq!(public.per_assessment.get("a1"), Some(&1));
        assert_eq!(public.per_assessment.get("a2"), None);
    }

    #[tokio::test]
    async fn library_counts_wait_for_the_index() {
        let engine = Engine::new().unwrap();
        assert!(matches!(
            engine.library_counts(everyone()),
            Err(AppError::WarmingUp)
        ));
    }

    #[tokio::test]
    async fn without_words_the_newest_are_listed_first_then_by_key() {
        let mut members = dated("6", "b-members", "2025-01-01");
        members.visibility = "members".into();
        let engine = engine_with(vec![
            dated("1", "c-old", "2019-06-30"),
            dated("2", "b-new", "2025-03-02"),
            dated("3", "a-new", "2025-03-02"),
            dated("4", "a-undated", ""),
            dated("5", "z-newest", "2026-01-31"),
            members,
        ])
        .await;
        let all = engine
            .listed(&EvidenceFilter::default(), everyone(), 0, 10)
            .unwrap();
        assert_eq!(all.ids, ["5", "3", "2", "6", "1", "4"]);
        assert_eq!(all.total, 6);
        // The limit keeps the first of that order, and the count is of every match.
        let first = engine
            .listed(&EvidenceFilter::default(), everyone(), 0, 2)
            .unwrap();
        assert_eq!(first.ids, ["5", "3"]);
        assert_eq!(first.total, 6);
        // A later page: the window after an offset, in the same order, the same count.
        let later = engine
            .listed(&EvidenceFilter::default(), everyone(), 2, 3)
            .unwrap();
        assert_eq!(later.ids, ["2", "6", "1"]);
        assert_eq!(later.total, 6);
        let past_the_end = engine
            .listed(&EvidenceFilter::default(), everyone(), 6, 3)
            .unwrap();
        assert!(past_the_end.ids.is_empty());
        assert_eq!(past_the_end.total, 6);
        let public = public();
        let listed = engine
            .listed(&EvidenceFilter::default(), public, 0, 10)
            .unwrap();
        assert_eq!(
            listed.ids,
            ["5", "3", "2", "1", "4"],
            "members-only left out"
        );
        let one_key = EvidenceFilter {
            assessment: "elsewhere".into(),
            ..Default::default()
        };
        assert!(
            engine
                .listed(&one_key, everyone(), 0, 10)
                .unwrap()
                .ids
                .is_empty()
        );
    }

    #[tokio::test]
    async fn listing_before_the_index_is_built_says_so() {
        let engine = Engine::new().unwrap();
        assert!(matches!(
            engine.listed(&EvidenceFilter::default(), everyone(), 0, 10),
            Err(AppError::WarmingUp)
        ));
    }

    #[test]
    fn collection_dates_keep_their_order_as_numbers() {
        assert_eq!(day_number("2025-03-02"), Some(20250302));
        assert!(day_number("2025-03-02") > day_number("2024-12-31"));
        for odd in ["", "2025-3-2", "yesterday", "2025-03-0x", "20250302"] {
            assert_eq!(day_number(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn looking_back_keeps_the_format() {
        assert_eq!(
            looked_back("2026-11-24T10:00:01.500000000Z"),
            "2026-11-24T09:59:51.500000000Z"
        );
    }

    /// A small index built once for the property tests below (with the runtime that built
    /// it, so nothing it made outlives its runtime).
    fn sample_engine() -> &'static Engine {
        static SAMPLE: std::sync::OnceLock<(tokio::runtime::Runtime, Engine)> =
            std::sync::OnceLock::new();
        let (_, engine) = SAMPLE.get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let engine = runtime.block_on(engine_with(vec![
                finding("1", "hu-1", "hu", "Az önkéntesek Győrben dolgoztak."),
                finding(
                    "2",
                    "fr-1",
                    "fr",
                    "Les bénévoles d'Athènes: \"work camp\" (AND) -x *y key:value",
                ),
                finding("3", "en-1", "en", "Volunteers ran the work camp."),
            ]));
            (runtime, engine)
        });
        engine
    }

    fn check_query(q: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let engine = sample_engine();
        // Words and phrases: bounded, non-empty, never holding a quote or (words) a space,
        // and each found in what was typed.
        let units = query::units(q);
        proptest::prop_assert!(units.len() <= 24);
        for unit in &units {
            let (text, is_word) = match unit {
                query::Unit::Word(w) => (w, true),
                query::Unit::Phrase(p) => (p, false),
            };
            proptest::prop_assert!(!text.is_empty() && !text.contains('"'), "{:?}", unit);
            proptest::prop_assert!(!is_word || !text.contains(char::is_whitespace));
            proptest::prop_assert!(q.contains(text.as_str()), "{:?} not in {:?}", unit, q);
        }
        // Any input is a search that answers (never a parser error), for every audience,
        // with findings the index holds.
        for audience in [everyone(), public()] {
            let filter = EvidenceFilter {
                q: q.to_string(),
                ..Default::default()
            };
            let answer = engine.rank(&filter, audience, 0, 10);
            proptest::prop_assert!(answer.is_ok(), "{:?}: {:?}", q, answer.err());
            if let Ok(Some(matches)) = answer {
                proptest::prop_assert!(matches.ids.len() as u64 <= matches.total);
                for id in &matches.ids {
                    proptest::prop_assert!(["1", "2", "3"].contains(&id.as_str()));
                }
            }
        }
        // Highlighting only adds marks: without them, the text is what it was (a stored
        // text holds no marker characters: input cleaning removes control characters).
        let typed: String = q
            .chars()
            .filter(|c| !MARK_OPEN.contains(*c) && !MARK_CLOSE.contains(*c))
            .collect();
        for (text, language) in [
            ("Les bénévoles d'Athènes ont aidé.", "fr"),
            ("Az önkéntesek Győrben dolgoztak.", "hu"),
            (typed.as_str(), "en"),
        ] {
            let marked = engine.highlight(text, language, q);
            let unmarked = marked.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
            proptest::prop_assert_eq!(unmarked.as_str(), text);
        }
        Ok(())
    }

    proptest::proptest! {
        /// Whatever a reader types into a search box, the search answers and the
        /// highlighting keeps the text as it was.
        #[test]
        fn any_query_is_a_search_that_answers(q in proptest::prelude::any::<String>()) {
            check_query(&q)?;
        }

        /// Query-like input: quotes, operators, field syntax, wildcards, accents, scripts no
        /// analyser knows, and long runs of them.
        #[test]
        fn query_syntax_is_only_text(
            q in r#"[" :*()\-+~^!?&|\[\]{}a-zé0-9ΑΩأ中\t]{0,200}|(AND |OR |NOT ){1,30}"#
        ) {
            check_query(&q)?;
        }
    }
}
