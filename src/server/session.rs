//! Who is asking: the session cookie read once per request, so pages and server functions
//! share it (see `auth::session_from_parts`).
use crate::auth;
use crate::domain::accounts::SessionMember;
use crate::state::AppState;
use crate::store;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// Looks up the session cookie once per request so pages and server functions share it.
pub async fn session_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let mut current = auth::CurrentSession::default();
    // The bundle's files are the same for everyone: a signed-in page view would otherwise read
    // the session from the database once per file it loads.
    let static_file = request.uri().path().starts_with("/pkg/");
    let name = auth::cookie_name(auth::SESSION_COOKIE, state.config.secure_cookies);
    if let Some(token) = auth::cookie_value(request.headers(), &name)
        .filter(|t| !static_file && auth::token::looks_valid(t))
    {
        let hash = auth::token::digest(token);
        if let Some(member) = signed_in(&state, &hash).await {
            current.member = Some(member);
            current.token_hash = Some(hash);
        }
    }
    request.extensions_mut().insert(current);
    next.run(request).await
}

/// The member behind a session token's digest: kept for a moment (`caches::Sessions`), else
/// read. A database hiccup degrades to "signed out" for this request, never to a 500 page.
async fn signed_in(state: &AppState, hash: &str) -> Option<SessionMember> {
    let kept = state.caches.sessions();
    if let Some(member) = kept.get(&hash.to_string()) {
        return Some(member.as_ref().clone());
    }
    let ticket = kept.ticket();
    let member = store::sessions::member(&state.db, hash).await.ok()??;
    kept.put(hash.to_string(), Arc::new(member.clone()), ticket);
    Some(member)
}
