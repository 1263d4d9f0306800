//! Live updates: one poller per app instance reads new rows of the events table and fans them
//! out in-process to every open draft page (server-sent events). Several instances sharing
//! one SurrealDB server each poll, so every viewer sees every change, whichever instance
//! made it.
use crate::caches::Caches;
use crate::domain::papers::PaperEvent;
use crate::store::{self, Db};

use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// How often the events table is read: a change reaches other viewers within about this.
pub const POLL_EVERY: Duration = Duration::from_millis(200);
/// Transactions commit in any order, so each poll looks this far back and skips events it
/// has already sent (by id).
const OVERLAP_MS: i64 = 3_000;

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<PaperEvent>,
    /// Becomes true when the server shuts down: open streams end instead of holding up the
    /// graceful shutdown forever.
    closing: std::sync::Arc<watch::Sender<bool>>,
}

impl Events {
    /// Starts polling `db` (inside a tokio runtime). Each change to a paper drops what
    /// `caches` keeps of it (its rendered drafts, its open comment counts) before the event is
    /// passed on, so a viewer who reloads on the event sees the change.
    pub fn start(db: Db, caches: Caches) -> Events {
        let (sender, _) = broadcast::channel(1024);
        let publisher = sender.clone();
        // The poller holds the database weakly: when the app lets go of it (shutdown, a test
        // reopening an on-disk store), polling stops and the database closes.
        let db = std::sync::Arc::downgrade(&db);
        tokio::spawn(async move { poll(db, publisher, caches).await });
        Events {
            sender,
            closing: std::sync::Arc::new(watch::channel(false).0),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<PaperEvent> {
        self.sender.subscribe()
    }

    /// Ends every open stream, now and for streams opened later.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Events::close`] has been called.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut closing = self.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closed| *closed).await;
        }
    }
}

async fn poll(
    db: std::sync::Weak<surrealdb::Surreal<surrealdb::engine::any::Any>>,
    sender: broadcast::Sender<PaperEvent>,
    caches: Caches,
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
        if sender.receiver_count() == 0 && sent.is_empty() && caches.follow_nothing() {
            // Nobody is watching: keep the cursor fresh and skip the read.
            if let Ok(now) = store::events::now(&db).await {
                cursor = now;
            }
            continue;
        }
        // The window is measured on the database's clock, not from the newest event: after a
        // burst and then silence, the burst would otherwise be read again on every tick.
        let read_from = looked_back(&cursor);
        if let Ok(now) = store::events::now(&db).await {
            cursor = now;
        }
        // Page through everything after the overlap, however much there is.
        let (mut page_at, mut page_id) = (read_from, String::new());
        loop {
            let Ok(rows) = store::events::after(&db, &page_at, &page_id).await else {
                break;
            };
            let last_page = rows.len() < store::events::PAGE;
            for (event, at) in rows {
                (page_at, page_id) = (at.clone(), event.id.clone());
                if sent.contains_key(&event.id) {
                    continue;
                }
                sent.insert(event.id.clone(), at);
                if event.changes_blocks() {
                    caches.drafts().forget(&event.paper);
                }
                if event.changes_open_comments() {
                    caches.open_counts().forget(&event.paper);
                }
                let _ = sender.send(event);
            }
            if last_page {
                break;
            }
        }
        let oldest = looked_back(&cursor);
        sent.retain(|_, at| *at >= oldest);
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
