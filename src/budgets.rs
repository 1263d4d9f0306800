//! Token buckets, one per key (a client, a member on a paper), kept in this process: each key
//! may spend `per_minute` units in a burst, refilled continuously. Several instances each keep
//! their own, so a budget is per instance: the point is that no one key can keep the database
//! (or everyone's live stream) busy, not an exact quota.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Beyond this many clients, those whose budget has refilled are forgotten.
const REMEMBERED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Every key's budget: `per_minute` units, refilled continuously, spent in bursts of up
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

    /// Spends `cost` from `client`'s budget (any key), or answers how long until it could.
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

#[cfg(test)]
mod tests {
    use super::*;

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
