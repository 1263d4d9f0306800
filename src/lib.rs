//! Groundwork: networks of civil-society organisations draft policy recommendation papers,
//! ground every claim in evidence, consult their members and publish immutable versions.
//!
//! Dependencies point down: main → server → app → api → auth/store → domain.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod api;
pub mod app;
pub mod domain;
pub mod error;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod budgets;
#[cfg(feature = "ssr")]
pub mod caches;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod drafts;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod lang;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod publishing;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod vote_writer;

/// The server (and every test and benchmark linking it) allocates with mimalloc: glibc's
/// malloc and free took 30 % of SurrealDB's time writing an import, and the 100,000-row import's
/// writes went from 9–11 s to 6.5–7.5 s with it (same data, same schema, two cores).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Only the islands run in the browser (see `app::islands`).
    leptos::mount::hydrate_islands();
}
