//! Live updates: one poller per app instance reads new rows of the events table and fans them
//! out in-process to every open draft page (server-sent events). Several instances sharing
//! one SurrealDB server each poll, so every viewer sees every change, whichever instance
//! made it.
use crate::domain::papers::PaperEvent;
use crate::store::{self, Db};

use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::broadcast;

/// How often the events table is read: a change reaches other viewers within about this.
pub const POLL_EVERY: Duration = Duration::from_millis(200);
/// Transactions commit in any order, so each poll looks this far back and skips events it
/// has already sent (by id).
const OVERLAP_MS: i64 = 3_000;

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<PaperEvent>,
    drafts: DraftCache,
    block_html: BlockHtml,
    library: LibraryCache,
    rankings: crate::store::evidence::RankCache,
}

/// A draft's blocks as rendered (with supported and needing-support counts), by paper and
/// language. Rendering 500 blocks costs tens of milliseconds and most requests are views of
/// an unchanged draft: a change made here drops the entry at once, and a change made by
/// another instance drops it when its event arrives, before the event is passed on.
pub type Rendered = std::sync::Arc<crate::api::papers::Assembled>;

/// A small map whose entries are trusted for `ttl` at most, shared by the request handlers.
pub struct TtlCache<K, V> {
    entries: std::sync::Arc<std::sync::Mutex<HashMap<K, (std::time::Instant, V)>>>,
    ttl: Duration,
    capacity: usize,
}

impl<K, V> Clone for TtlCache<K, V> {
    fn clone(&self) -> Self {
        TtlCache {
            entries: self.entries.clone(),
            ttl: self.ttl,
            capacity: self.capacity,
        }
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> TtlCache<K, V> {
    /// At most 64 entries (a few drafts are open at a time, a few audiences exist).
    pub fn new(ttl: Duration) -> Self {
        Self::with_capacity(ttl, 64)
    }

    pub fn with_capacity(ttl: Duration, capacity: usize) -> Self {
        TtlCache {
            entries: Default::default(),
            ttl,
            capacity,
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let map = self.entries.lock().ok()?;
        map.get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        if let Ok(mut map) = self.entries.lock() {
            // Bounded: expired entries go first, and if all are fresh, all go.
            if map.len() >= self.capacity {
                let ttl = self.ttl;
                map.retain(|_, (at, _)| at.elapsed() < ttl);
                if map.len() >= self.capacity {
                    map.clear();
                }
            }
            map.insert(key, (std::time::Instant::now(), value));
        }
    }

    pub fn forget_where(&self, matches: impl Fn(&K) -> bool) {
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|key, _| !matches(key));
        }
    }

    fn is_empty(&self) -> bool {
        self.entries.lock().map(|m| m.is_empty()).unwrap_or(true)
    }
}

/// Rendered drafts by (paper, language).
pub type DraftCache = TtlCache<(String, String), Rendered>;

/// Blocks rendered to HTML, by a hash of everything the HTML depends on (kind, text, the
/// cited keys the library knows, the reader's language). A change to one block drops the
/// whole draft's rendered copy; this keeps the next view from rendering the other blocks again.
pub type BlockHtml = TtlCache<u64, String>;
const BLOCK_HTML_TTL: Duration = Duration::from_secs(600);
const BLOCK_HTML_MAX: usize = 10_000;

/// Evidence edited elsewhere (its consent, its key) changes warnings without a draft event:
/// an entry is trusted this long at most.
const DRAFT_TTL: Duration = Duration::from_secs(20);

/// The library's filter values and assessment counts by audience: reading them scans every
/// finding, and they change only when findings do.
pub type LibraryCache = TtlCache<
    (bool, bool),
    (
        crate::domain::evidence_views::Facets,
        Vec<crate::domain::evidence_views::AssessmentSummary>,
    ),
>;

/// Changes on other instances reach this one's library view within this.
const LIBRARY_TTL: Duration = Duration::from_secs(60);

/// Search rankings are kept this long (a ranking of 1,001 ids is about 40 KB): long enough to
/// page through results, short enough that findings added on another instance show up soon.
const RANKING_TTL: Duration = Duration::from_secs(30);
const RANKINGS_MAX: usize = 512;

impl Events {
    /// Starts polling `db` (inside a tokio runtime).
    pub fn start(db: Db) -> Events {
        let (sender, _) = broadcast::channel(1024);
        let events = Events {
            sender,
            drafts: DraftCache::new(DRAFT_TTL),
            block_html: BlockHtml::with_capacity(BLOCK_HTML_TTL, BLOCK_HTML_MAX),
            library: LibraryCache::new(LIBRARY_TTL),
            rankings: crate::store::evidence::RankCache::with_capacity(RANKING_TTL, RANKINGS_MAX),
        };
        let publisher = events.sender.clone();
        let drafts = events.drafts.clone();
        // The poller holds the database weakly: when the app lets go of it (shutdown, a test
        // reopening an on-disk store), polling stops and the database closes.
        let db = std::sync::Arc::downgrade(&db);
        tokio::spawn(async move { poll(db, publisher, drafts).await });
        events
    }

    pub fn subscribe(&self) -> broadcast::Receiver<PaperEvent> {
        self.sender.subscribe()
    }

    pub fn drafts(&self) -> &DraftCache {
        &self.drafts
    }

    pub fn block_html(&self) -> &BlockHtml {
        &self.block_html
    }

    pub fn library(&self) -> &LibraryCache {
        &self.library
    }

    pub fn rankings(&self) -> &crate::store::evidence::RankCache {
        &self.rankings
    }

    /// Findings changed here: every cached view that shows them is stale.
    pub fn evidence_changed(&self) {
        self.drafts.forget_where(|_| true);
        self.library.forget_where(|_| true);
        self.rankings.forget_where(|_| true);
    }
}

async fn poll(
    db: std::sync::Weak<surrealdb::Surreal<surrealdb::engine::any::Any>>,
    sender: broadcast::Sender<PaperEvent>,
    drafts: DraftCache,
) {
    let mut cursor = loop {
        let Some(live) = db.upgrade() else { return };
        match store::events::now(&live).await {
            Ok(now) => break now,
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    };
    // Events already sent, with their time, forgotten once older than the overlap.
    let mut sent: HashMap<String, String> = HashMap::new();
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut pruned = std::time::Instant::now();
    loop {
        tick.tick().await;
        let Some(db) = db.upgrade() else { return };
        if sender.receiver_count() == 0 && sent.is_empty() && drafts.is_empty() {
            // Nobody is watching: keep the cursor fresh and skip the read.
            if let Ok(now) = store::events::now(&db).await {
                cursor = now;
            }
            continue;
        }
        let Ok(rows) = store::events::since(&db, &looked_back(&cursor)).await else {
            continue;
        };
        for (event, at) in rows {
            if at > cursor {
                cursor = at.clone();
            }
            if sent.contains_key(&event.id) {
                continue;
            }
            sent.insert(event.id.clone(), at);
            if event.kind != "presence" {
                drafts.forget_where(|(paper, _)| *paper == event.paper);
            }
            let _ = sender.send(event);
        }
        let oldest = looked_back(&cursor);
        sent.retain(|_, at| *at > oldest);
        if pruned.elapsed() > Duration::from_secs(300) {
            pruned = std::time::Instant::now();
            let _ = store::events::prune(&db).await;
        }
    }
}

/// The cursor moved back by the overlap (RFC 3339 in, RFC 3339 out).
fn looked_back(cursor: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(cursor)
        .map(|t| {
            (t - chrono::Duration::milliseconds(OVERLAP_MS))
                .to_utc()
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string()
        })
        .unwrap_or_else(|_| cursor.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looking_back_keeps_the_format() {
        assert_eq!(
            looked_back("2026-11-24T10:00:01.500000Z"),
            "2026-11-24T09:59:58.500000Z"
        );
        assert_eq!(looked_back("garbage"), "garbage");
    }
}
