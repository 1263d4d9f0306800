//! Plain handlers outside the Leptos app: health, the no-JavaScript language switch, and
//! error pages for failures that happen before the app renders.
use crate::api::accounts::safe_next;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

pub use crate::lang::{LANG_COOKIE, Lang};

pub async fn health(State(state): State<AppState>) -> Response {
    match crate::store::ping(&state.db).await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "degraded", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `/lang/fr?next=/admin`: remembers the language for a year and goes back. Works without
/// JavaScript; with it, the switch happens in place and this is not called.
pub async fn switch_language(Path(code): Path<String>, Query(next): Query<Next>) -> Response {
    let target = safe_next(next.next.as_deref());
    let Some(lang) = Lang::parse(&code) else {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// A small, self-contained page (or the JSON error for server-function callers).
pub fn static_error_page(lang: Lang, status: StatusCode, json: bool) -> Response {
    let (error, title, body) = match status {
        StatusCode::FORBIDDEN => (
            "forbidden",
            "error_forbidden_title",
            "error_cross_site_body",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("too_large", "error_too_large_title", "error_too_large_body")
        }
        _ => ("internal", "error_internal_title", "error_internal_body"),
    };
    if json {
        let body = serde_json::json!({ "error": error });
        return (status, Json(body)).into_response();
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Groundwork</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"page narrow\" id=\"main\"><div class=\"error-page\"><p class=\"error-code\">{status}</p>\
         <h1>{title}</h1><p>{body}</p><p><a class=\"button\" href=\"/\">{home}</a></p></div></main></body></html>",
        code = lang.code(),
        status = status.as_u16(),
        title = lang.text(title),
        body = lang.text(body),
        home = lang.text("error_back_home"),
        css = super::static_files::stylesheet_href(),
    );
    (status, Html(page)).into_response()
}
