//! Who is calling: sessions, the current-member layer, and role checks for `api/`.
pub mod password;
pub mod token;

use crate::domain::accounts::{Role, SessionMember};
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderMap;
use http::request::Parts;

pub const SESSION_COOKIE: &str = "gw_session";

/// Put in request extensions by [`session_layer`] for every request.
#[derive(Debug, Clone, Default)]
pub struct CurrentSession {
    pub member: Option<SessionMember>,
    /// Digest of the session token (the record key), when signed in.
    pub token_hash: Option<String>,
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Looks up the session cookie once per request so pages and server functions share it.
pub async fn session_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let mut current = CurrentSession::default();
    if let Some(token) =
        cookie_value(request.headers(), SESSION_COOKIE).filter(|t| token::looks_valid(t))
    {
        let hash = token::digest(token);
        match store::sessions::member(&state.db, &hash).await {
            Ok(Some(member)) => {
                current.member = Some(member);
                current.token_hash = Some(hash);
            }
            Ok(None) => {}
            // A database hiccup degrades to "signed out" for this request, never to a 500 page.
            Err(_) => {}
        }
    }
    request.extensions_mut().insert(current);
    next.run(request).await
}

pub fn session_from_parts(parts: &Parts) -> CurrentSession {
    parts
        .extensions
        .get::<CurrentSession>()
        .cloned()
        .unwrap_or_default()
}

/// The signed-in member, or Unauthorized.
pub fn require_member(parts: &Parts) -> Result<SessionMember, AppError> {
    session_from_parts(parts)
        .member
        .ok_or(AppError::Unauthorized)
}

/// The signed-in member with at least `role`, or Unauthorized/Forbidden.
pub fn require_role(parts: &Parts, role: Role) -> Result<SessionMember, AppError> {
    let member = require_member(parts)?;
    if member.role.at_least(role) {
        Ok(member)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn session_cookie(token: &str, max_age_days: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age_days * 86_400
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The client address for throttling: the socket peer. Behind a reverse proxy every request
/// would share the proxy's address, so the first X-Forwarded-For hop is used when present
/// only if the peer is loopback (a proxy on the same host).
pub fn client_address(parts: &Parts) -> String {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 64);
    match (peer, forwarded) {
        (Some(ip), Some(fwd)) if ip.is_loopback() => fwd,
        (Some(ip), _) => ip.to_string(),
        (None, _) => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=1; gw_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }

    #[test]
    fn cookie_flags() {
        let c = session_cookie("t", 14, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(c.contains("Max-Age=1209600"));
        assert!(!session_cookie("t", 1, false).contains("Secure"));
    }
}
