//! Costly public requests (searches, exports) per client: a token bucket each
//! (`crate::budgets`), in this process. Several instances each keep their own, so a client's budget is per instance: the
//! point is that no one client can keep the database busy, not an exact quota.
use super::pages::ErrorPage;
use crate::auth;
pub use crate::budgets::Budgets;
use crate::config::TrustedProxies;
use crate::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Instant;

/// What a request costs from its client's budget: a page of search results one unit (the
/// library, the citation picker, the front page when it searches), an export (up to 100,000
/// findings, a whole draft, a consultation's votes) ten; anything else is free. Published
/// pages, feeds and downloads are free: they are served from stored, kept bytes.
pub fn cost(path: &str, query: Option<&str>) -> u32 {
    match path {
        "/evidence.csv" => 10,
        "/evidence" | "/fn/evidence_library" | "/fn/evidence_to_cite" => 1,
        "/" | "/fn/front_page" if searches(query) => 1,
        // A whole draft, or every vote of a consultation, read for each download.
        _ if path.starts_with("/papers/")
            && (path.ends_with("/draft.md") || path.ends_with("/consultation.csv")) =>
        {
            10
        }
        _ => 0,
    }
}

/// Whether a query string asks for a search (a `q` with words in it).
fn searches(query: Option<&str>) -> bool {
    query.is_some_and(|query| {
        form_urlencoded::parse(query.as_bytes())
            .any(|(name, value)| name == "q" && !value.trim().is_empty())
    })
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub budgets: Arc<Budgets>,
    pub trusted_proxies: TrustedProxies,
}

/// Answers 429 with `Retry-After` (through `AppError::RateLimited`, like every refusal) once
/// a client has spent its budget on costly requests.
pub async fn limit_costly(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let cost = cost(request.uri().path(), request.uri().query());
    if cost == 0 {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let client = auth::client_address(&parts, &limits.trusted_proxies);
    if let Err(wait) = limits.budgets.spend(&client, cost, Instant::now()) {
        tracing::info!(%client, path = %parts.uri.path(), "costly request refused: over budget");
        let error = AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        };
        return ErrorPage::for_request(&parts.headers, &parts.uri).answer(&error);
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_and_exports_cost_the_rest_is_free() {
        for (path, query, expected) in [
            ("/evidence.csv", None, 10),
            ("/evidence.csv", Some("country=HU"), 10),
            ("/papers/inclusive-volunteering/draft.md", None, 10),
            ("/papers/inclusive-volunteering/consultation.csv", None, 10),
            ("/evidence", None, 1),
            ("/evidence", Some("q=camp"), 1),
            ("/fn/evidence_library", Some("q=camp"), 1),
            ("/fn/evidence_to_cite", Some("q=camp"), 1),
            ("/", Some("q=volunteering"), 1),
            ("/", Some("lang=fr&q=b%C3%A9n%C3%A9voles"), 1),
            ("/fn/front_page", Some("q=camp"), 1),
            // The front page without search words is a plain page.
            ("/", None, 0),
            ("/", Some("q="), 0),
            ("/", Some("q=+++"), 0),
            ("/fn/front_page", Some("q="), 0),
            ("/fn/front_page", None, 0),
            ("/evidence/hu-2021-testimony-01", Some("q=camp"), 0),
            ("/fn/login", None, 0),
            ("/papers/x/draft", None, 0),
        ] {
            assert_eq!(cost(path, query), expected, "{path}?{query:?}");
        }
    }
}
