//! Costly public requests (searches, exports) per client: a token bucket each, in this
//! process. Several instances each keep their own, so a client's budget is per instance: the
//! point is that no one client can keep the database busy, not an exact quota.
use super::pages::ErrorPage;
use crate::auth;
use crate::config::TrustedProxies;
use crate::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a request costs from its client's budget: a page of search results one unit (the
/// library, the citation picker, the front page when it searches), an export (up to 100,000
/// findings, or a whole draft) ten; anything else is free.
pub fn cost(path: &str, query: Option<&str>) -> u32 {
    match path {
        "/evidence.csv" => 10,
        "/evidence" | "/fn/evidence_library" | "/fn/evidence_to_cite" => 1,
        "/" | "/fn/front_page" if searches(query) => 1,
        _ if path.starts_with("/papers/") && path.ends_with("/draft.md") => 10,
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

/// Beyond this many clients, those whose budget has refilled are forgotten.
const REMEMBERED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Every client's budget: `per_minute` units, refilled continuously, spent in bursts of up
/// to as many.
#[derive(Debug)]
pub struct Budgets {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Budgets {
    pub fn new(per_minute: u32) -> Budgets {
        Budgets {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.per_minute) / 60.0
    }

    /// Spends `cost` from `client`'s budget, or answers how long until it could.
    pub fn spend(&self, client: &str, cost: u32, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let cost = f64::from(cost).min(capacity);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= REMEMBERED && !buckets.contains_key(client) {
            let rate = self.per_second();
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < capacity
            });
        }
        let bucket = buckets.entry(client.to_string()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second();
        bucket.tokens = (bucket.tokens + refilled).min(capacity);
        bucket.at = now;
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (cost - bucket.tokens) / self.per_second(),
            ))
        }
    }
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

    #[test]
    fn a_budget_is_spent_refilled_and_kept_per_client() {
        let budgets = Budgets::new(60);
        let start = Instant::now();
        for _ in 0..6 {
            assert!(budgets.spend("a", 10, start).is_ok());
        }
        let wait = budgets.spend("a", 10, start).unwrap_err();
        assert_eq!(wait.as_secs(), 10, "one unit a second at 60 a minute");
        assert!(
            budgets.spend("b", 10, start).is_ok(),
            "another client's own budget"
        );
        let later = start + Duration::from_secs(10);
        assert!(budgets.spend("a", 10, later).is_ok(), "refilled");
        assert!(budgets.spend("a", 1, later).is_err());
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..6 {
            assert!(
                budgets.spend("a", 10, much_later).is_ok(),
                "never more than the burst"
            );
        }
        assert!(budgets.spend("a", 10, much_later).is_err());
    }

    #[test]
    fn clients_with_a_full_budget_are_forgotten_when_there_are_too_many() {
        let budgets = Budgets::new(60);
        let start = Instant::now();
        for n in 0..REMEMBERED {
            budgets.spend(&format!("c{n}"), 1, start).unwrap();
        }
        budgets
            .spend("newcomer", 1, start + Duration::from_secs(5))
            .unwrap();
        let remembered = budgets.buckets.lock().unwrap().len();
        assert_eq!(remembered, 1, "only the newcomer's budget is not full");
    }
}
