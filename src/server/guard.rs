//! Request-level safety: cross-site refusal, security headers, friendly bodies for errors
//! raised below Leptos (body limit, panics).
use super::pages::{Lang, static_error_page};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Is a state-changing request from another site? Browsers send `Sec-Fetch-Site`; older
/// ones send `Origin`, compared with `Host`. Requests with neither (curl, scripts) carry no
/// ambient browser credentials from another site, so they pass.
pub fn is_cross_site(method: &Method, headers: &http::HeaderMap) -> bool {
    if !changes_state(method) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or("null");
        return origin_host != host;
    }
    false
}

pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    if is_cross_site(request.method(), request.headers()) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        let lang = Lang::from_headers(request.headers());
        return static_error_page(lang, StatusCode::FORBIDDEN, wants_json(request.headers()));
    }
    next.run(request).await
}

#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub body: usize,
    pub upload: usize,
}

/// Request bodies above the limit get 413; file uploads (CSV import) have their own, larger
/// limit. A body without Content-Length is cut off at the limit as it streams.
pub async fn limit_body(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    let is_upload = request.method() == Method::POST && request.uri().path().ends_with("/import");
    let limit = if is_upload {
        limits.upload
    } else {
        limits.body
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let lang = Lang::from_headers(request.headers());
        return static_error_page(
            lang,
            StatusCode::PAYLOAD_TOO_LARGE,
            wants_json(request.headers()),
        );
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // same-origin keeps the Referer that no-JavaScript forms use to come back with errors.
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}

fn wants_json(headers: &http::HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !accept.contains("text/html")
}

/// Errors raised below our own code get our error bodies and statuses: the body-limit
/// layer answers 413 with a bare sentence, and the server-function framework answers 500 for
/// every error it serialises, even "a required field is missing".
pub async fn friendly_errors(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let json = wants_json(request.headers());
    let is_server_fn = request.uri().path().starts_with(crate::api::PREFIX);
    let response = next.run(request).await;
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            static_error_page(lang, StatusCode::PAYLOAD_TOO_LARGE, json)
        }
        StatusCode::INTERNAL_SERVER_ERROR if is_server_fn => with_error_status(response).await,
        _ => response,
    }
}

/// Gives a server function's error response the status of the `AppError` in its body.
async fn with_error_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return static_error_page(Lang::En, StatusCode::INTERNAL_SERVER_ERROR, true);
    };
    if let Ok(error) = serde_json::from_slice::<crate::error::AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

pub fn panic_page(payload: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(message, "a request handler panicked");
    static_error_page(Lang::En, StatusCode::INTERNAL_SERVER_ERROR, false).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn cross_site_table() {
        let cases = [
            (Method::GET, vec![("sec-fetch-site", "cross-site")], false),
            (Method::POST, vec![("sec-fetch-site", "cross-site")], true),
            (Method::POST, vec![("sec-fetch-site", "same-site")], true),
            (Method::POST, vec![("sec-fetch-site", "same-origin")], false),
            (Method::POST, vec![("sec-fetch-site", "none")], false),
            (
                Method::POST,
                vec![("origin", "https://evil.example"), ("host", "gw.example")],
                true,
            ),
            (
                Method::POST,
                vec![("origin", "https://gw.example"), ("host", "gw.example")],
                false,
            ),
            (
                Method::POST,
                vec![("origin", "null"), ("host", "gw.example")],
                true,
            ),
            (Method::DELETE, vec![], false),
        ];
        for (method, pairs, expected) in cases {
            assert_eq!(
                is_cross_site(&method, &headers(&pairs)),
                expected,
                "{method} {pairs:?}"
            );
        }
    }
}
