//! Server functions: thin doors that check who is calling, call `domain`/`store`, and map
//! the error. One file per resource.
pub mod accounts;
pub mod admin;
pub mod amendments;
pub mod blocks;
pub mod comments;
pub mod consultations;
pub mod evidence;
pub mod evidence_card;
pub mod evidence_edit;
#[cfg(feature = "ssr")]
mod forms;
pub mod front;
pub mod imports;
pub mod moderation;
pub mod needs;
pub mod paper_editors;
pub mod papers;
pub mod publishing;
pub mod votes;

/// The prefix of every server function URL (`/api/v1` is kept for the public JSON API).
pub const PREFIX: &str = "/fn";

#[cfg(feature = "ssr")]
pub(crate) mod door {
    //! What every server function does on the way in and out.
    use crate::auth::{self, CurrentSession};
    use crate::error::AppError;
    use crate::state::AppState;
    use http::request::Parts;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    /// (Callers are tracked so the log says which asked: a server function or a component
    /// run after its request ended has no context.)
    #[track_caller]
    pub fn state() -> Result<AppState, AppError> {
        let caller = std::panic::Location::caller();
        use_context::<AppState>().ok_or_else(|| {
            AppError::internal(&format!(
                "no application state in this context (asked at {caller})"
            ))
        })
    }

    #[track_caller]
    pub fn parts() -> Result<Parts, AppError> {
        let caller = std::panic::Location::caller();
        use_context::<Parts>().ok_or_else(|| {
            AppError::internal(&format!(
                "no request parts in this context (asked at {caller})"
            ))
        })
    }

    /// The request's parts for helpers that have an answer without them (signed out, not a
    /// form post): a missing context is worth a warning there, not an error.
    #[track_caller]
    pub fn parts_if_any() -> Option<Parts> {
        let parts = use_context::<Parts>();
        if parts.is_none() {
            let caller = std::panic::Location::caller();
            tracing::warn!(%caller, "no request parts in this context; answered without them");
        }
        parts
    }

    #[track_caller]
    pub fn session() -> CurrentSession {
        parts_if_any()
            .map(|p| auth::session_from_parts(&p))
            .unwrap_or_default()
    }

    /// A browser posting a `<form>` without JavaScript (it asks for HTML, not JSON).
    #[track_caller]
    pub fn is_plain_form_post() -> bool {
        parts_if_any()
            .and_then(|p| p.headers.get(http::header::ACCEPT).cloned())
            .and_then(|v| v.to_str().ok().map(|s| s.contains("text/html")))
            .unwrap_or(false)
    }

    pub fn set_cookie(value: &str) {
        if let (Some(options), Ok(value)) = (use_context::<ResponseOptions>(), value.parse()) {
            options.append_header(http::header::SET_COOKIE, value);
        }
    }

    /// Sends the browser to `path` after a plain form post (with JavaScript the page decides).
    pub fn redirect_plain_form(path: &str) {
        if is_plain_form_post() {
            leptos_axum::redirect(path);
        }
    }

    /// For a plain form post, sends the browser back to the form with the error and what was
    /// typed in the query string, so nothing is lost. (The error's HTTP status is given where
    /// every server-function error becomes a response: `AppError`'s `FromServerFnError::ser`.)
    #[track_caller]
    pub fn finish<T>(result: Result<T, AppError>, keep: &[(&str, &str)]) -> Result<T, AppError> {
        if let Err(error) = &result
            && is_plain_form_post()
        {
            let back = parts_if_any()
                .and_then(|p| p.headers.get(http::header::REFERER).cloned())
                .and_then(|v| v.to_str().ok().map(str::to_string))
                .and_then(|referer| super::forms::same_site_path(&referer))
                .unwrap_or_else(|| "/".to_string());
            leptos_axum::redirect(&super::forms::with_error(&back, error, keep));
        }
        result
    }

    pub fn client_address() -> String {
        match (parts(), state()) {
            (Ok(parts), Ok(state)) => auth::client_address(&parts, &state.config.trusted_proxies),
            _ => "unknown".into(),
        }
    }
}
