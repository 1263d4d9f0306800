//! What every request handler and server function can reach, passed as context (never global).
use crate::config::Config;
use crate::store::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Live changes to drafts, from this and every other instance on the same database.
    pub events: crate::events::Events,
    /// Rendered drafts and blocks, library filter values, search rankings.
    pub caches: crate::caches::Caches,
    /// Argon2 costs 19 MiB and a core for a while: this bounds how many run at once.
    pub hashing: crate::auth::password::Hashing,
    /// Demo accounts (with their published password) can sign in here: every page says so.
    /// Checked when serving starts.
    pub demo_accounts: Arc<std::sync::atomic::AtomicBool>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
