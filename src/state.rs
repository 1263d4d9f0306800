//! What every request handler and server function can reach, passed as context (never global).
use crate::config::Config;
use crate::store::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// How many presence events one member may cause on one paper per minute (in a burst at most
/// as many): enough for a person moving from block to block, not for a loop.
pub const PRESENCE_PER_MINUTE: u32 = 20;

/// Cloned into every request, middleware and server function, so one shared allocation: a
/// clone is one reference count (it was some fifty, one per cache and setting, and cloning
/// and dropping them was 9 % of a vote's time under load).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What an [`AppState`] shares.
pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Live changes to drafts, from this and every other instance on the same database.
    pub events: crate::events::Events,
    /// Rendered drafts and blocks, library filter values, kept listings.
    pub caches: crate::caches::Caches,
    /// This instance's search engine, derived from the database.
    pub search: crate::search::Engine,
    /// Writes votes in batches (one commit for the votes that arrive together).
    pub votes: crate::vote_writer::VoteWriter,
    /// Argon2 costs 19 MiB and a core for a while: this bounds how many run at once.
    pub hashing: crate::auth::password::Hashing,
    /// Presence events per member on a paper (each one makes every viewer's page refresh):
    /// a burst of `PRESENCE_PER_MINUTE`, then one every few seconds.
    pub presence: Arc<crate::budgets::Budgets>,
    /// Demo accounts (with their published password) can sign in here: every page says so.
    /// Checked when serving starts.
    pub demo_accounts: Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }

    /// Another bound on password hashing (tests), before the state is shared.
    pub fn with_hashing(mut self, hashing: crate::auth::password::Hashing) -> AppState {
        Arc::get_mut(&mut self.0)
            .expect("the hashing bound is set before the state is shared")
            .hashing = hashing;
        self
    }

    /// After a change to findings made through this instance: kept pages and listings are
    /// dropped, and the search engine applies the change before the answer goes out, so it
    /// is searchable at once (other instances follow within one poll). A failure here is
    /// logged where it happens and the poller applies the change on its next read.
    pub async fn evidence_changed(&self) {
        self.caches.evidence_changed();
        let _ = self.search.catch_up(&self.db).await;
    }

    /// After a change to who a session is (a sign-out, a password change ending the other
    /// sessions, a role change, a deactivation) made through this instance: no kept session is
    /// trusted again (other instances follow within `caches::SESSION_TTL`).
    pub fn sessions_changed(&self) {
        self.caches.sessions().forget_all();
    }

    /// After a version was published through this instance: the front page's listing and
    /// the reading pages' version lists are read again and the version is searchable before the answer goes out (other instances
    /// follow within one poll, and their listing within its time to live).
    pub async fn published(&self) {
        self.caches.front().invalidate_all();
        self.caches.readings().invalidate_all();
        let _ = self.search.catch_up(&self.db).await;
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
