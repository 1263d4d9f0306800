//! Request-level safety: cross-site refusal, security headers, our error pages for errors
//! raised below our own code (body limit, panics), and a log line for every 500.
use super::pages::ErrorPage;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, Method, StatusCode, header};
use std::sync::Arc;

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
        return ErrorPage::for_request(request.headers(), request.uri()).cross_site();
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
        return ErrorPage::for_request(request.headers(), request.uri())
            .answer(&AppError::TooLarge);
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

/// What the security headers say, from the settings.
#[derive(Debug, Clone)]
pub struct HeaderPolicy {
    /// `img-src` beyond this site.
    pub image_hosts: Arc<[String]>,
    /// Served over HTTPS: tell browsers to keep to it (HSTS).
    pub https: bool,
}

/// The nonce of this response's inline scripts (the hydration script, resources streamed
/// into the page), fresh for every request: put in the request's extensions here, given to
/// Leptos by [`provide_script_nonce`], and named in the Content-Security-Policy.
#[derive(Debug, Clone)]
pub struct ScriptNonce(pub Arc<str>);

impl ScriptNonce {
    fn fresh() -> ScriptNonce {
        use rand::RngCore;
        let mut bytes = [0_u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        ScriptNonce(hex.into())
    }
}

/// Makes this request's nonce the one Leptos writes on the inline scripts it renders (it
/// would otherwise make its own, which the header could not name).
pub fn provide_script_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ScriptNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Scripts and styles from this site only (plus the page's own nonce-marked inline scripts,
/// and compiling the WASM bundle); images from this site and the hosts an admin allows; no
/// plugins, no framing, forms post only here.
pub fn content_security_policy(nonce: &str, image_hosts: &[String]) -> String {
    let mut images = String::from("'self'");
    for host in image_hosts {
        images.push(' ');
        images.push_str(host);
    }
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src {images}; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// On every response, whoever made it (pages, server functions, files, error pages).
pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = ScriptNonce::fresh();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // same-origin keeps the Referer that no-JavaScript forms use to come back with errors.
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if let Ok(value) =
        HeaderValue::from_str(&content_security_policy(&nonce.0, &policy.image_hosts))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Errors raised below our own code get our error page: the body-limit layer answers 413
/// with a bare sentence. Every 500 is logged with its request (the cause was logged where
/// the error arose, inside this request's span).
pub async fn friendly_errors(request: Request, next: Next) -> Response {
    let page = ErrorPage::for_request(request.headers(), request.uri());
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE if !is_ours(&response) => page.answer(&AppError::TooLarge),
        StatusCode::INTERNAL_SERVER_ERROR => {
            tracing::error!(%method, %path, "answered 500 (internal error)");
            response
        }
        // A handler that outlived the request limit: which one, so a slow page can be found.
        StatusCode::REQUEST_TIMEOUT => {
            tracing::warn!(%method, %path, "answered 408 (the request took longer than its limit)");
            response
        }
        _ => response,
    }
}

/// Our own error answers are HTML pages or JSON; the body-limit layer's is plain text.
fn is_ours(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
}

/// Answers a panic with the 500 page. Its message and location were logged by the hook
/// `log_panics` installed at start-up, which sees the location this payload lacks.
pub fn panic_page(payload: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let message = panic_message(payload.as_ref());
    tracing::error!(message, "a request handler panicked; answered 500");
    ErrorPage::page_in(crate::lang::Lang::En).answer(&AppError::Internal)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// Logs every panic with its message and where it happened (file:line), then lets the
/// default hook print its usual report.
pub fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "unknown".into());
        tracing::error!(
            message = panic_message(info.payload()),
            %location,
            "panic"
        );
        default(info);
    }));
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

    /// A 500 cannot be caused from outside without a route made for it, so the answer to a
    /// panic is checked here: the status and the page that says it was logged.
    #[tokio::test]
    async fn a_panic_is_answered_with_the_500_page() {
        let response = panic_page(Box::new("index out of bounds".to_string()));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(html.contains("Something went wrong"), "{html}");
        assert!(html.contains("It has been logged"), "{html}");
    }

    #[test]
    fn the_policy_names_the_nonce_and_the_allowed_image_hosts() {
        let policy = content_security_policy("abc123", &[]);
        assert!(
            policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"),
            "{policy}"
        );
        assert!(policy.contains("style-src 'self';"), "{policy}");
        assert!(policy.contains("img-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let hosts = [
            "https://img.example.org".to_string(),
            "*.example.net".into(),
        ];
        let policy = content_security_policy("n", &hosts);
        assert!(
            policy.contains("img-src 'self' https://img.example.org *.example.net;"),
            "{policy}"
        );
    }

    #[test]
    fn nonces_are_fresh_and_plain() {
        let (a, b) = (ScriptNonce::fresh(), ScriptNonce::fresh());
        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), 32);
        assert!(a.0.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn panic_messages_are_read_from_either_payload() {
        assert_eq!(panic_message(&"static text"), "static text");
        assert_eq!(panic_message(&String::from("formatted 7")), "formatted 7");
        assert_eq!(panic_message(&42_u8), "(no message)");
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
