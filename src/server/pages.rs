//! Plain handlers outside the Leptos app: health, the no-JavaScript language switch, and
//! error pages for failures that happen before the app renders.
use crate::api::accounts::safe_next;
use crate::error::AppError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use http::request::Parts;
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

/// Whoever an error is answered to: in their language, as a page or as JSON (server-function
/// callers), and where they were, so signing in can bring them back.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    lang: Lang,
    json: bool,
    here: String,
}

impl ErrorPage {
    pub fn for_request(headers: &http::HeaderMap, uri: &http::Uri) -> Self {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        ErrorPage {
            lang: Lang::from_headers(headers),
            json: !accept.contains("text/html"),
            here: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string()),
        }
    }

    /// A page, for when nothing is known of the request (a panic).
    pub fn page_in(lang: Lang) -> Self {
        ErrorPage {
            lang,
            json: false,
            here: "/".into(),
        }
    }

    /// The response for `error`: its status (the one mapping, `AppError::status`) and a page
    /// that says what happened, or the error itself as JSON.
    pub fn answer(&self, error: &AppError) -> Response {
        let (title, body) = texts(error);
        self.respond(error, title, body)
    }

    /// A state-changing request from another website: a 403 like a role refusal, but the
    /// page says why, since the person did nothing wrong.
    pub fn cross_site(&self) -> Response {
        self.respond(
            &AppError::Forbidden,
            "error_forbidden_title",
            "error_cross_site_body",
        )
    }

    fn respond(&self, error: &AppError, title: &str, body: &str) -> Response {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = if self.json {
            (status, Json(error)).into_response()
        } else {
            (status, Html(self.page(error, title, body))).into_response()
        };
        if let Some(seconds) = error.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }

    fn page(&self, error: &AppError, title: &str, body: &str) -> String {
        let lang = self.lang;
        let minutes = error.retry_after().map_or(1, |s| s.div_ceil(60).max(1));
        let body = lang
            .text(body)
            .replace("{{ minutes }}", &minutes.to_string());
        let action = if matches!(error, AppError::Unauthorized) {
            let next: String =
                form_urlencoded::byte_serialize(safe_next(Some(&self.here)).as_bytes()).collect();
            format!(
                "<a class=\"button\" href=\"/login?next={next}\">{}</a>",
                escape(&lang.text("error_sign_in_action"))
            )
        } else {
            format!(
                "<a class=\"button\" href=\"/\">{}</a>",
                escape(&lang.text("error_back_home"))
            )
        };
        format!(
            "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · Groundwork</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
             <body><main class=\"page narrow\" id=\"main\"><div class=\"error-page\"><p class=\"error-code\">{status}</p>\
             <h1>{title}</h1><p>{body}</p><p>{action}</p></div></main></body></html>",
            code = lang.code(),
            status = error.status(),
            title = escape(&lang.text(title)),
            body = escape(&body),
            css = super::static_files::stylesheet_href(),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ErrorPage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ErrorPage::for_request(&parts.headers, &parts.uri))
    }
}

/// What the page says for each error (title and explanation keys in `locales/`).
fn texts(error: &AppError) -> (&'static str, &'static str) {
    match error {
        AppError::Request => ("error_bad_request_title", "error_bad_request_body"),
        AppError::Unauthorized => ("error_sign_in_title", "error_sign_in_body"),
        AppError::Forbidden => ("error_forbidden_title", "error_no_permission_body"),
        AppError::NotFound => ("error_not_found_title", "error_not_found_body"),
        AppError::Conflict { .. } => ("error_conflict_title", "error_conflict_body"),
        AppError::OtherOrganisation => (
            "error_other_organisation_title",
            "error_other_organisation_body",
        ),
        AppError::Published => ("error_published_title", "error_published_body"),
        AppError::TooLarge => ("error_too_large_title", "error_too_large_body"),
        AppError::Validation { .. } | AppError::Invalid { .. } => {
            ("error_invalid_title", "error_invalid_body")
        }
        AppError::RateLimited { .. } => ("error_rate_limited_title", "error_rate_limited_body"),
        AppError::Internal => ("error_internal_title", "error_internal_body"),
        AppError::WarmingUp => ("error_warming_up_title", "error_warming_up_body"),
    }
}

/// The locale texts are ours, but a translation may one day contain `<` or `&`.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;

    fn every_error() -> Vec<AppError> {
        vec![
            AppError::Request,
            AppError::WarmingUp,
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Conflict { what: "rev".into() },
            AppError::OtherOrganisation,
            AppError::Published,
            AppError::TooLarge,
            AppError::invalid("name", Problem::Required),
            AppError::RateLimited {
                retry_after_secs: 120,
            },
            AppError::Internal,
        ]
    }

    #[test]
    fn every_page_text_exists_in_both_languages() {
        for error in every_error() {
            let (title, body) = texts(&error);
            for lang in [Lang::En, Lang::Fr] {
                for key in [title, body] {
                    assert_ne!(lang.text(key), key, "{key} missing in {}", lang.code());
                }
            }
        }
    }

    #[test]
    fn each_status_has_its_own_explanation() {
        let bodies: std::collections::HashSet<_> =
            every_error().iter().map(|e| texts(e).1).collect();
        assert_eq!(bodies.len(), every_error().len());
    }

    #[test]
    fn sign_in_page_links_back_here() {
        let headers = http::HeaderMap::from_iter([(header::ACCEPT, "text/html".parse().unwrap())]);
        let page = ErrorPage::for_request(&headers, &"/papers/x/draft.md".parse().unwrap()).page(
            &AppError::Unauthorized,
            "error_sign_in_title",
            "error_sign_in_body",
        );
        assert!(
            page.contains("href=\"/login?next=%2Fpapers%2Fx%2Fdraft.md\""),
            "{page}"
        );
    }

    #[test]
    fn rate_limit_page_says_how_long_to_wait() {
        let page = ErrorPage::for_request(&http::HeaderMap::new(), &"/".parse().unwrap()).page(
            &AppError::RateLimited {
                retry_after_secs: 150,
            },
            "error_rate_limited_title",
            "error_rate_limited_body",
        );
        assert!(page.contains("Wait 3 minute(s)"), "{page}");
    }
}
