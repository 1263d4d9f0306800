//! What the server keeps between requests: rendered drafts, rendered blocks, the library's
//! filter values, the front page's papers, published pages. (Search rankings are not kept: the search engine
//! answers faster than a cache would stay right.) Each cache is bounded by an estimate of the bytes it
//! holds (not by a count of entries: one draft can be a hundred times another), trusts an
//! entry for a limited time, and evicts the least useful entries when full.
//!
//! Below everything that uses it: it knows the domain's shapes and nothing else of the crate.
use crate::domain::accounts::SessionMember;
use crate::domain::comments::OpenCount;
use crate::domain::consultations::VotingOn;
use crate::domain::coverage::Warning;
use crate::domain::evidence_views::{AssessmentSummary, Facets};
use crate::domain::front::PublishedCard;
use crate::domain::papers::{Assembled, BlockView, CitedCard};
use crate::domain::versions::{ReadingPaper, ServedVersion, VersionListing};
use axum::body::Bytes;
use moka::sync::Cache;
use std::collections::HashMap;
use std::hash::Hash;
use std::mem::size_of;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Rendered drafts, all papers and languages together. The drafting benchmark's 500-block
/// draft is about 1 MB per language, so dozens of open drafts fit; a paper at the limits
/// (2,000 blocks of 50,000 characters, ~100 MB a language) is larger than the whole budget
/// and is rendered per view rather than pinned.
pub const DRAFTS_BYTES: u64 = 64 * 1024 * 1024;
/// Blocks rendered to HTML: the benchmark's 10,000 blocks take ~20 MB; the rest is room for
/// the blocks of the drafts that do not fit above.
pub const BLOCK_HTML_BYTES: u64 = 64 * 1024 * 1024;
/// The library's filter values and assessment counts: four audiences at most, each a few
/// hundred KB for a large library.
pub const LIBRARY_BYTES: u64 = 16 * 1024 * 1024;

/// Published versions as stored (the largest part their HTML: ~650 KB for the publishing
/// benchmark's 500 blocks), and the pages framed around them with their compressed forms
/// (about twice that again): each budget holds dozens of large papers.
pub const VERSIONS_BYTES: u64 = 64 * 1024 * 1024;
pub const PAGES_BYTES: u64 = 96 * 1024 * 1024;
/// Papers' version lists for the reading pages: a few hundred bytes per version.
pub const READINGS_BYTES: u64 = 8 * 1024 * 1024;

/// Evidence edited elsewhere (its consent, its key) changes warnings without a draft event:
/// a rendered draft is trusted this long at most.
const DRAFT_TTL: Duration = Duration::from_secs(20);
/// A rendered block depends only on what its key hashes, so it never goes stale; the time
/// limit only lets blocks nobody reads go.
const BLOCK_HTML_TTL: Duration = Duration::from_secs(600);
/// Changes on other instances reach this one's library view within this.
const LIBRARY_TTL: Duration = Duration::from_secs(60);

/// A cache filled from reads that a change may overtake. A view reads the database, renders
/// what it read and keeps the result; a change made between that read and the keeping (it
/// forgets the entry, which is not there yet) would otherwise be covered by the older read,
/// and everyone would be shown the state before the change until the entry expires: a moved
/// block back in its old place, a saved text undone (issue 15's drag test saw this). So a
/// reader takes a [`Ticket`] before it reads, a change is recorded before it is forgotten, and
/// a result is kept only if nothing in its scope changed since its ticket. Checking and keeping
/// happen under the same lock as recording and forgetting, so no change slips between them.
#[derive(Clone)]
pub struct Kept<K, V> {
    cache: Cache<K, V>,
    /// Shared by the clones (every clone of `Caches` is the same caches).
    changes: Arc<Mutex<ChangeLog>>,
    /// What a change is recorded against: a paper's id, or one scope for the whole cache.
    scope: fn(&K) -> &str,
}

/// When a reader started: see [`Kept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// Changes in sequence: the last one's number per scope, and the last change of everything.
/// One number per scope that ever changed (a paper's id): a few bytes per paper.
#[derive(Default)]
struct ChangeLog {
    last: u64,
    everything: u64,
    by_scope: HashMap<String, u64>,
}

impl<K, V> Kept<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn new(cache: Cache<K, V>, scope: fn(&K) -> &str) -> Kept<K, V> {
        Kept {
            cache,
            changes: Arc::new(Mutex::new(ChangeLog::default())),
            scope,
        }
    }

    fn log(&self) -> MutexGuard<'_, ChangeLog> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.cache.get(key)
    }

    /// Taken before reading what will be kept.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.log().last)
    }

    /// Keeps `value` unless its scope changed since `ticket` (then the next reader reads
    /// again). Answers whether it was kept.
    pub fn put(&self, key: K, value: V, ticket: Ticket) -> bool {
        let log = self.log();
        let scope = (self.scope)(&key);
        let changed = log
            .everything
            .max(log.by_scope.get(scope).copied().unwrap_or(0));
        if changed > ticket.0 {
            return false;
        }
        self.cache.insert(key, value);
        true
    }

    /// Everything kept for `scope` is stale, and so is every read of it under way.
    pub fn forget(&self, scope: &str) {
        let mut log = self.log();
        log.last += 1;
        let last = log.last;
        log.by_scope.insert(scope.to_string(), last);
        let (scope, scope_of) = (scope.to_string(), self.scope);
        if self
            .cache
            .invalidate_entries_if(move |key, _| scope_of(key) == scope)
            .is_err()
        {
            self.cache.invalidate_all();
        }
    }

    /// Everything kept is stale, and so is every read under way.
    pub fn forget_all(&self) {
        let mut log = self.log();
        log.last += 1;
        log.everything = log.last;
        self.cache.invalidate_all();
    }

    /// Nothing is kept (expired and forgotten entries do not count).
    pub fn is_empty(&self) -> bool {
        self.cache.iter().next().is_none()
    }

    #[cfg(test)]
    fn inner(&self) -> &Cache<K, V> {
        &self.cache
    }
}

/// A draft's blocks as rendered (with supported and needing-support counts), by paper id
/// and the language's "citation needed" label. Rendering 500 blocks costs tens of
/// milliseconds and most requests are views of an unchanged draft: a change made here drops
/// the paper's entries at once, and a change made by another instance drops them when its
/// event arrives.
pub type Drafts = Kept<(String, String), Arc<Assembled>>;

fn drafts() -> Drafts {
    Kept::new(
        Cache::builder()
            .max_capacity(DRAFTS_BYTES)
            .weigher(
                |(paper, label): &(String, String), draft: &Arc<Assembled>| {
                    weight(paper.len() + label.len() + assembled_bytes(draft))
                },
            )
            .time_to_live(DRAFT_TTL)
            .support_invalidation_closures()
            .build(),
        |(paper, _)| paper,
    )
}

/// Blocks rendered to HTML, by a hash of everything the HTML depends on (kind, text, the
/// cited keys the library knows, the reader's language). A change to one block drops the
/// whole draft's rendered copy; this keeps the next view from rendering the other blocks again.
pub type BlockHtml = Cache<u64, String>;

/// The library's filter values and assessment counts by audience (members-only shown,
/// withdrawn shown): reading them scans every finding, and they change only when findings do
/// (all of it at once: one scope).
pub type Library = Kept<(bool, bool), (Facets, Vec<AssessmentSummary>)>;

/// Whether a paper's chain of versions verifies (None) or the first version that breaks it,
/// by (paper, latest version's hash): a new version is a new key, and the check is read again
/// after a while, so a version altered behind the app's back is reported within minutes.
pub type Chains = Cache<(String, String), Option<u32>>;

/// How many things need each member (the header's count), by member id: counted again after
/// [`NEEDS_TTL`], or when the member votes here.
pub type Needs = Cache<String, usize>;
const NEEDS_TTL: Duration = Duration::from_secs(30);

/// The front page's list of published papers (one entry): every visitor's first page, read
/// again after [`FRONT_TTL`] or when a version is published here.
pub type Front = Cache<(), Arc<Vec<PublishedCard>>>;
const FRONT_TTL: Duration = Duration::from_secs(30);

/// Open comment threads per block of a paper (the workspace's margin), by paper id. Counting
/// reads every comment of the paper: with 2,000 of them it was most of a workspace view's
/// time. Dropped when a comment or a block of the paper changes here or its event arrives
/// from another instance, and trusted [`DRAFT_TTL`] at most, like the draft beside it.
pub type OpenCounts = Kept<String, Arc<Vec<OpenCount>>>;
const OPEN_COUNTS_BYTES: u64 = 8 * 1024 * 1024;

/// A paper's current consultation as votes need it, by slug: a vote otherwise reads the paper
/// and its consultation (with the consultation's log) before its own transaction. Dropped when
/// a consultation is opened, extended or closed here; another instance's change is seen within
/// [`VOTING_TTL`] (and a vote refused as closed reads it again at once).
pub type Voting = Cache<String, Arc<VotingOn>>;
const VOTING_TTL: Duration = Duration::from_secs(5);
const VOTING_BYTES: u64 = 4 * 1024 * 1024;

/// Published papers with their versions by slug, for the reading pages: read again after
/// [`READING_TTL`] (a version published through another instance appears within it), at once
/// when one is published here.
pub type Readings = Cache<String, Arc<ReadingPaper>>;
const READING_TTL: Duration = Duration::from_secs(5);

/// A version as the reading page serves it, by (paper id, number). Versions are immutable
/// (the schema refuses changes), so an entry never goes stale; [`KEPT_WHILE_READ`] only lets
/// versions nobody reads go.
pub type Versions = Cache<(String, u32), Arc<ServedVersion>>;
const KEPT_WHILE_READ: Duration = Duration::from_secs(600);

/// The keys of the findings whose consent is withdrawn (sorted, one entry): every published
/// page, file and comparison hides their text. Reading them on every request was most of a
/// published page's cost; kept for [`WITHDRAWN_TTL`] at most and dropped at once when findings
/// change through this instance, so a withdrawal reaches every instance's readers within a
/// second (their browsers keep a page for a minute anyway: `LATEST_CACHE`).
pub type Withdrawn = Kept<(), Arc<Vec<String>>>;
pub const WITHDRAWN_TTL: Duration = Duration::from_secs(1);

/// Signed-in members by their session token's digest. A page and the requests it makes right
/// after (server functions, a vote after a vote) otherwise each read the session, the member
/// and the organisation. Kept [`SESSION_TTL`] at most; a sign-out, password change, role change
/// or deactivation through this instance forgets them all at once (and a read it overtook is
/// not kept), one through another instance takes effect here within [`SESSION_TTL`].
pub type Sessions = Kept<String, Arc<SessionMember>>;
pub const SESSION_TTL: Duration = Duration::from_secs(2);
const SESSIONS_BYTES: u64 = 8 * 1024 * 1024;

/// A reading page as sent, and compressed once for every later reader.
#[derive(Debug)]
pub struct SentPage {
    pub html: Bytes,
    pub brotli: Bytes,
    pub gzip: Bytes,
}

/// Reading pages as sent, by their ETag, which names everything a page is made of (the
/// version, the versions listed beside it, the chain's state, what is hidden, the address
/// it is cited at): a page whose inputs changed has another ETag, so no entry goes stale.
pub type Pages = Cache<String, Arc<SentPage>>;

/// Every cache of one app instance; cloning shares them.
#[derive(Clone)]
pub struct Caches {
    drafts: Drafts,
    block_html: BlockHtml,
    library: Library,
    chains: Chains,
    needs: Needs,
    front: Front,
    readings: Readings,
    versions: Versions,
    pages: Pages,
    open_counts: OpenCounts,
    voting: Voting,
    withdrawn: Withdrawn,
    sessions: Sessions,
}

impl Default for Caches {
    fn default() -> Self {
        Caches::new()
    }
}

impl Caches {
    pub fn new() -> Caches {
        Caches {
            drafts: drafts(),
            block_html: Cache::builder()
                .max_capacity(BLOCK_HTML_BYTES)
                .weigher(|_: &u64, html: &String| weight(html_bytes(html)))
                .time_to_live(BLOCK_HTML_TTL)
                .build(),
            library: Kept::new(
                Cache::builder()
                    .max_capacity(LIBRARY_BYTES)
                    .weigher(
                        |_: &(bool, bool),
                         (facets, summaries): &(Facets, Vec<AssessmentSummary>)| {
                            weight(library_bytes(facets, summaries))
                        },
                    )
                    .time_to_live(LIBRARY_TTL)
                    .support_invalidation_closures()
                    .build(),
                |_| "",
            ),
            chains: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(600))
                .build(),
            needs: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(NEEDS_TTL)
                .build(),
            front: Cache::builder()
                .max_capacity(1)
                .time_to_live(FRONT_TTL)
                .build(),
            open_counts: Kept::new(
                Cache::builder()
                    .max_capacity(OPEN_COUNTS_BYTES)
                    .weigher(|paper: &String, counts: &Arc<Vec<OpenCount>>| {
                        let blocks: usize = counts
                            .iter()
                            .map(|c| size_of::<OpenCount>() + c.block.len())
                            .sum();
                        weight(paper.len() + blocks)
                    })
                    .time_to_live(DRAFT_TTL)
                    .support_invalidation_closures()
                    .build(),
                |paper| paper,
            ),
            voting: Cache::builder()
                .max_capacity(VOTING_BYTES)
                .weigher(|slug: &String, on: &Arc<VotingOn>| {
                    weight(
                        slug.len()
                            + size_of::<VotingOn>()
                            + on.paper_id.len()
                            + on.consultation_id.len(),
                    )
                })
                .time_to_live(VOTING_TTL)
                .build(),
            readings: Cache::builder()
                .max_capacity(READINGS_BYTES)
                .weigher(|slug: &String, paper: &Arc<ReadingPaper>| {
                    weight(slug.len() + reading_bytes(paper))
                })
                .time_to_live(READING_TTL)
                .build(),
            versions: Cache::builder()
                .max_capacity(VERSIONS_BYTES)
                .weigher(|(paper, _): &(String, u32), version: &Arc<ServedVersion>| {
                    weight(paper.len() + served_bytes(version))
                })
                .time_to_idle(KEPT_WHILE_READ)
                .build(),
            pages: Cache::builder()
                .max_capacity(PAGES_BYTES)
                .weigher(|etag: &String, page: &Arc<SentPage>| {
                    weight(etag.len() + page.html.len() + page.brotli.len() + page.gzip.len())
                })
                .time_to_idle(KEPT_WHILE_READ)
                .build(),
            withdrawn: Kept::new(
                Cache::builder()
                    .max_capacity(1)
                    .time_to_live(WITHDRAWN_TTL)
                    .build(),
                |_| "",
            ),
            sessions: Kept::new(
                Cache::builder()
                    .max_capacity(SESSIONS_BYTES)
                    .weigher(|hash: &String, member: &Arc<SessionMember>| {
                        weight(session_bytes(hash, member))
                    })
                    .time_to_live(SESSION_TTL)
                    .build(),
                |_| "",
            ),
        }
    }

    pub fn open_counts(&self) -> &OpenCounts {
        &self.open_counts
    }

    /// Nothing kept here depends on the paper event stream: the poller may skip its read.
    pub fn follow_nothing(&self) -> bool {
        self.drafts.is_empty() && self.open_counts.is_empty()
    }

    pub fn voting(&self) -> &Voting {
        &self.voting
    }

    pub fn readings(&self) -> &Readings {
        &self.readings
    }

    pub fn versions(&self) -> &Versions {
        &self.versions
    }

    pub fn pages(&self) -> &Pages {
        &self.pages
    }

    pub fn chains(&self) -> &Chains {
        &self.chains
    }

    pub fn needs(&self) -> &Needs {
        &self.needs
    }

    pub fn front(&self) -> &Front {
        &self.front
    }

    pub fn drafts(&self) -> &Drafts {
        &self.drafts
    }

    pub fn block_html(&self) -> &BlockHtml {
        &self.block_html
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    pub fn withdrawn(&self) -> &Withdrawn {
        &self.withdrawn
    }

    /// Findings changed here: every kept view that shows them is stale.
    pub fn evidence_changed(&self) {
        self.drafts.forget_all();
        self.library.forget_all();
        self.withdrawn.forget_all();
    }
}

/// moka weighs entries in `u32`; an entry past 4 GiB is past every budget anyway.
fn weight(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

/// A kept session: its key and the member's fields.
fn session_bytes(hash: &str, member: &SessionMember) -> usize {
    size_of::<SessionMember>()
        + hash.len()
        + member.id.len()
        + member.name.len()
        + member.email.len()
        + member.organisation.len()
        + member.organisation_id.len()
}

/// A rendered block and its key.
fn html_bytes(html: &str) -> usize {
    size_of::<u64>() + html.len()
}

/// An estimate of the heap a rendered draft holds: its blocks' HTML and fields, their cited
/// items and warnings, and the headings.
pub fn assembled_bytes(draft: &Assembled) -> usize {
    let blocks: usize = draft.blocks.iter().map(block_bytes).sum();
    let headings: usize = draft
        .headings
        .iter()
        .map(|(_, label)| size_of::<(usize, String)>() + label.len())
        .sum();
    size_of::<Assembled>() + blocks + headings
}

fn block_bytes(block: &BlockView) -> usize {
    let cited: usize = block.cited.iter().map(cited_bytes).sum();
    let warnings: usize = block
        .warnings
        .iter()
        .map(|warning| {
            let keys = match warning {
                Warning::ConsentWithdrawn { keys }
                | Warning::MembersOnly { keys }
                | Warning::UnknownKeys { keys } => {
                    keys.iter().map(|k| size_of::<String>() + k.len()).sum()
                }
                _ => 0,
            };
            size_of::<Warning>() + keys
        })
        .sum();
    size_of::<BlockView>()
        + block.id.len()
        + block.html.len()
        + block.author.len()
        + block.updated_at.len()
        + cited
        + warnings
}

fn cited_bytes(card: &CitedCard) -> usize {
    size_of::<CitedCard>()
        + card.key.len()
        + card.kind.len()
        + card.country.len()
        + card.collected_on.len()
        + card.consent.len()
        + card.visibility.len()
        + card.locator.len()
}

fn reading_bytes(paper: &ReadingPaper) -> usize {
    let versions: usize = paper
        .versions
        .iter()
        .map(|v| {
            size_of::<VersionListing>() + v.hash.len() + v.created_at.len() + v.release_notes.len()
        })
        .sum();
    size_of::<ReadingPaper>() + paper.id.len() + paper.slug.len() + paper.title.len() + versions
}

fn served_bytes(version: &ServedVersion) -> usize {
    let keys: usize = version
        .cited_keys
        .iter()
        .map(|k| size_of::<String>() + k.len())
        .sum();
    size_of::<ServedVersion>()
        + version.hash.len()
        + version.html.len()
        + keys
        + version.title.len()
        + version.author.len()
        + version.published_at.len()
}

fn library_bytes(facets: &Facets, summaries: &[AssessmentSummary]) -> usize {
    let strings =
        |values: &[String]| -> usize { values.iter().map(|v| size_of::<String>() + v.len()).sum() };
    let summaries: usize = summaries
        .iter()
        .map(|s| {
            size_of::<AssessmentSummary>()
                + s.id.len()
                + s.title.len()
                + s.method.len()
                + s.period_from.len()
                + s.period_to.len()
                + s.organisation.len()
        })
        .sum();
    size_of::<Facets>()
        + strings(&facets.countries)
        + strings(&facets.regions)
        + strings(&facets.tags)
        + summaries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coverage::{BlockKind, Stance};

    fn block(id: &str, html_len: usize) -> BlockView {
        BlockView {
            id: id.into(),
            kind: BlockKind::Claim,
            empty: false,
            html: "x".repeat(html_len),
            rev: 1,
            number: None,
            author: "Ada".into(),
            updated_at: "2026-11-24T10:00:00Z".into(),
            cited: vec![],
            warnings: vec![],
        }
    }

    fn draft(blocks: usize, html_len: usize) -> Arc<Assembled> {
        Arc::new(Assembled {
            blocks: (0..blocks)
                .map(|i| block(&format!("b{i:04}"), html_len))
                .collect(),
            supported: 0,
            needing: 0,
            headings: vec![],
        })
    }

    #[test]
    fn a_draft_weighs_what_its_blocks_hold() {
        let empty = assembled_bytes(&draft(0, 0));
        let one = assembled_bytes(&draft(1, 1_000));
        let hundred = assembled_bytes(&draft(100, 1_000));
        assert!(one - empty >= 1_000 + size_of::<BlockView>(), "{one}");
        assert_eq!(hundred - empty, 100 * (one - empty));

        let mut cited = block("c", 0);
        let plain = block_bytes(&cited);
        cited.cited.push(CitedCard {
            key: "ev-2024-001".into(),
            kind: "statistic".into(),
            country: "FR".into(),
            collected_on: "2024-01-01".into(),
            consent: "public".into(),
            visibility: "public".into(),
            stance: Stance::Supports,
            locator: "p. 12".into(),
        });
        cited.warnings.push(Warning::UnknownKeys {
            keys: vec!["nowhere".into()],
        });
        cited.warnings.push(Warning::SingleItem);
        assert!(
            block_bytes(&cited)
                >= plain
                    + size_of::<CitedCard>()
                    + "ev-2024-001statisticFR2024-01-01publicpublicp. 12".len()
                    + 2 * size_of::<Warning>()
                    + "nowhere".len()
        );
    }

    #[test]
    fn drafts_past_the_budget_are_evicted_not_kept() {
        let drafts = drafts();
        // ~1 MB each (one draft shared, weighed for each paper): three times the budget.
        let one = draft(100, 10_000);
        for paper in 0..200 {
            drafts.put(
                key(&format!("paper{paper}"), "en"),
                one.clone(),
                drafts.ticket(),
            );
        }
        drafts.inner().run_pending_tasks();
        assert!(
            drafts.inner().weighted_size() <= DRAFTS_BYTES,
            "{}",
            drafts.inner().weighted_size()
        );
        let kept = drafts.inner().entry_count();
        assert!(kept > 0 && kept < 200, "{kept}");
    }

    #[test]
    fn the_budgets_hold_the_benchmarks_but_not_the_worst_paper() {
        let bytes =
            |blocks: usize, html: usize| (blocks * block_bytes(&block("b0000", html))) as u64;
        // The drafting benchmark: 500 blocks of ~2 KB of HTML, in two languages, many times.
        assert!(10 * 2 * bytes(500, 2_000) < DRAFTS_BYTES);
        // 10,000 rendered blocks of ~2 KB, with room to spare.
        assert!(10_000 * html_bytes(&"x".repeat(2_000)) as u64 * 2 < BLOCK_HTML_BYTES);
        // A paper at the limits (2,000 blocks of 50,000 characters) is never kept whole.
        assert!(bytes(2_000, 50_000) > DRAFTS_BYTES);
    }

    #[test]
    fn an_entry_larger_than_the_budget_is_not_kept() {
        let caches = Caches::new();
        let facets = Facets {
            tags: vec!["x".repeat(LIBRARY_BYTES as usize)],
            ..Facets::default()
        };
        let ticket = caches.library().ticket();
        caches.library().put((true, true), (facets, vec![]), ticket);
        caches.library().inner().run_pending_tasks();
        assert_eq!(caches.library().inner().entry_count(), 0);
        assert!(caches.library().get(&(true, true)).is_none());
    }

    #[test]
    fn block_html_past_the_budget_is_evicted() {
        let caches = Caches::new();
        let html = "x".repeat(100_000);
        // 800 blocks of 100 KB: 80 MB offered to a 64 MiB budget.
        for key in 0..800u64 {
            caches.block_html().insert(key, html.clone());
        }
        caches.block_html().run_pending_tasks();
        assert!(caches.block_html().weighted_size() <= BLOCK_HTML_BYTES);
        assert!(caches.block_html().entry_count() < 800);
    }

    #[test]
    fn forgetting_a_paper_forgets_it_in_every_language_only() {
        let drafts = drafts();
        for (paper, label) in [
            ("p1", "evidence needed"),
            ("p1", "preuve requise"),
            ("p2", "evidence needed"),
        ] {
            assert!(drafts.put(key(paper, label), draft(1, 10), drafts.ticket()));
        }
        assert!(!drafts.is_empty());
        drafts.forget("p1");
        assert!(drafts.get(&key("p1", "evidence needed")).is_none());
        assert!(drafts.get(&key("p1", "preuve requise")).is_none());
        assert!(drafts.get(&key("p2", "evidence needed")).is_some());
        drafts.forget_all();
        assert!(drafts.get(&key("p2", "evidence needed")).is_none());
        assert!(drafts.is_empty());
    }

    #[test]
    fn the_withdrawn_findings_are_kept_one_second_at_most() {
        let caches = Caches::new();
        let policy = caches.withdrawn().inner().policy();
        assert_eq!(policy.time_to_live(), Some(WITHDRAWN_TTL));
        assert_eq!(WITHDRAWN_TTL, Duration::from_secs(1));
        assert_eq!(
            policy.max_capacity(),
            Some(1),
            "one list, not one per version"
        );
    }

    #[test]
    fn sessions_are_kept_two_seconds_and_any_change_forgets_them() {
        let caches = Caches::new();
        assert_eq!(
            caches.sessions().inner().policy().time_to_live(),
            Some(SESSION_TTL)
        );
        assert_eq!(SESSION_TTL, Duration::from_secs(2));
        let member = Arc::new(SessionMember {
            id: "m1".into(),
            name: "Ana".into(),
            email: "ana@example.org".into(),
            role: crate::domain::accounts::Role::Member,
            organisation: "Org".into(),
            organisation_id: "o1".into(),
        });
        let read = caches.sessions().ticket();
        // A sign-out while the session was being read: the read is not kept.
        caches.sessions().forget_all();
        assert!(!caches.sessions().put("h1".into(), member.clone(), read));
        let read = caches.sessions().ticket();
        assert!(caches.sessions().put("h1".into(), member, read));
        assert!(caches.sessions().get(&"h1".to_string()).is_some());
        caches.sessions().forget_all();
        assert!(caches.sessions().get(&"h1".to_string()).is_none());
    }

    #[test]
    fn changed_findings_forget_every_view_of_them() {
        let caches = Caches::new();
        caches
            .drafts()
            .put(key("p1", "en"), draft(1, 10), caches.drafts().ticket());
        let ticket = caches.library().ticket();
        caches
            .library()
            .put((false, false), (Facets::default(), vec![]), ticket);
        caches.block_html().insert(7, "<p>kept</p>".into());
        let withdrawn = caches.withdrawn().ticket();
        assert!(
            caches
                .withdrawn()
                .put((), Arc::new(vec!["be-1".into()]), withdrawn)
        );
        caches.evidence_changed();
        assert!(caches.drafts().is_empty());
        assert!(caches.library().get(&(false, false)).is_none());
        assert!(
            caches.withdrawn().get(&()).is_none(),
            "withdrawals read again"
        );
        // A block's HTML depends only on what its key hashes: still right.
        assert_eq!(caches.block_html().get(&7).as_deref(), Some("<p>kept</p>"));
    }

    fn key(paper: &str, label: &str) -> (String, String) {
        (paper.to_string(), label.to_string())
    }

    #[test]
    fn a_read_overtaken_by_a_change_is_not_kept() {
        let drafts = drafts();
        // A view starts reading p1; the paper changes while it renders.
        let before_the_change = drafts.ticket();
        drafts.forget("p1");
        assert!(!drafts.put(key("p1", "en"), draft(1, 10), before_the_change));
        assert!(
            drafts.get(&key("p1", "en")).is_none(),
            "the older read is not served"
        );
        // A read that began after the change is kept; another paper's change does not matter.
        let after = drafts.ticket();
        drafts.forget("p2");
        assert!(drafts.put(key("p1", "en"), draft(1, 10), after));
        assert!(drafts.get(&key("p1", "en")).is_some());
    }

    #[test]
    fn a_read_overtaken_by_forgetting_everything_is_not_kept() {
        let caches = Caches::new();
        let drafts = caches.drafts().ticket();
        let library = caches.library().ticket();
        let withdrawn = caches.withdrawn().ticket();
        caches.evidence_changed();
        assert!(!caches.drafts().put(key("p1", "en"), draft(1, 10), drafts));
        assert!(!caches.withdrawn().put((), Arc::new(vec![]), withdrawn));
        assert!(
            !caches
                .library()
                .put((false, false), (Facets::default(), vec![]), library)
        );
        let counts = caches.open_counts().ticket();
        caches.open_counts().forget("p1");
        assert!(
            !caches
                .open_counts()
                .put("p1".into(), Arc::new(vec![]), counts)
        );
        assert!(caches.open_counts().is_empty());
    }
}
