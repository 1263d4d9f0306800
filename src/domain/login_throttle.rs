//! How many log-in attempts a client address may make, on one account and on all, before we
//! stop listening for a while; and how much an account under attack slows down. Pure: the
//! store supplies the attempt times, this decides.
use crate::error::AppError;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    pub window_secs: i64,
    /// Failures from one address on one account before that pair must wait (the lock).
    pub max_per_pair: usize,
    /// Failures from one address on any accounts before it must wait.
    pub max_per_address: usize,
    /// Failures on one account, from anywhere, before each further attempt is slowed down.
    pub free_per_account: usize,
    /// The longest slow-down: an account under attack is slowed, never locked, so that an
    /// attacker cannot keep its member out.
    pub max_delay: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        // A member gets a handful of typos from where they are; an address (a whole field
        // office behind one NAT) gets more, but not enough to try a password list.
        LoginThrottle {
            window_secs: 15 * 60,
            max_per_pair: 5,
            max_per_address: 20,
            free_per_account: 5,
            max_delay: Duration::from_secs(4),
        }
    }
}

/// Unix times of recent attempts not known to have succeeded, other than the one being
/// decided (any order; times outside the window are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentAttempts {
    pub by_address: Vec<i64>,
    /// From this address on this account.
    pub by_pair: Vec<i64>,
    /// On this account from any address.
    pub by_account: Vec<i64>,
}

impl LoginThrottle {
    /// How long to pause before checking this attempt's password, or RateLimited if this
    /// address has had its tries (on this account or on all).
    pub fn check(&self, now: i64, recent: &RecentAttempts) -> Result<Duration, AppError> {
        let wait = [
            self.wait_for(now, &recent.by_address, self.max_per_address),
            self.wait_for(now, &recent.by_pair, self.max_per_pair),
        ]
        .into_iter()
        .flatten()
        .max();
        match wait {
            Some(secs) => Err(AppError::RateLimited {
                retry_after_secs: secs.max(1) as u64,
            }),
            None => Ok(self.account_delay(now, &recent.by_account)),
        }
    }

    /// A quarter second once an account has had its free failures, doubling with each
    /// further batch of as many, up to `max_delay`.
    fn account_delay(&self, now: i64, by_account: &[i64]) -> Duration {
        let failures = self.in_window(now, by_account).len();
        let Some(beyond) = failures.checked_sub(self.free_per_account) else {
            return Duration::ZERO;
        };
        let doublings = (beyond / self.free_per_account.max(1)).min(16) as u32;
        (Duration::from_millis(250) * 2u32.pow(doublings)).min(self.max_delay)
    }

    /// Seconds until enough failures age out of the window to allow one more try.
    fn wait_for(&self, now: i64, failures: &[i64], max: usize) -> Option<i64> {
        let mut recent = self.in_window(now, failures);
        if recent.len() < max {
            return None;
        }
        recent.sort_unstable();
        let must_expire = recent[recent.len() - max];
        Some(must_expire + self.window_secs - now)
    }

    fn in_window(&self, now: i64, times: &[i64]) -> Vec<i64> {
        let since = self.window_start(now);
        times
            .iter()
            .copied()
            .filter(|t| *t > since && *t <= now)
            .collect()
    }

    /// The oldest attempt still worth keeping.
    pub fn window_start(&self, now: i64) -> i64 {
        now - self.window_secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: LoginThrottle = LoginThrottle {
        window_secs: 900,
        max_per_pair: 3,
        max_per_address: 5,
        free_per_account: 3,
        max_delay: Duration::from_secs(4),
    };

    fn attempts(by_address: &[i64], by_pair: &[i64], by_account: &[i64]) -> RecentAttempts {
        RecentAttempts {
            by_address: by_address.to_vec(),
            by_pair: by_pair.to_vec(),
            by_account: by_account.to_vec(),
        }
    }

    #[test]
    fn table() {
        let now = 10_000;
        let cases: &[(&[i64], &[i64], Option<u64>)] = &[
            (&[], &[], None),
            (&[9_990, 9_991], &[9_990, 9_991], None),
            // Third failure of this address on this account locks the pair until the oldest
            // of the three ages out.
            (&[9_000, 9_500, 9_900], &[9_200, 9_500, 9_900], Some(100)),
            // Old failures no longer count.
            (&[], &[8_000, 8_500, 9_050], None),
            (&[9_200, 9_300, 9_400, 9_500, 9_600], &[], Some(100)),
            // The longer of the two waits wins.
            (
                &[9_200, 9_300, 9_400, 9_500, 9_600],
                &[9_800, 9_900, 9_950],
                Some(700),
            ),
            // Future timestamps (clock skew between instances) are ignored.
            (&[], &[20_000, 20_001, 20_002], None),
        ];
        for (address, pair, expected) in cases {
            let got = T
                .check(now, &attempts(address, pair, &[]))
                .err()
                .map(|e| match e {
                    AppError::RateLimited { retry_after_secs } => retry_after_secs,
                    other => panic!("{other:?}"),
                });
            assert_eq!(got, *expected, "{address:?} {pair:?}");
        }
    }

    #[test]
    fn wait_is_at_least_a_second() {
        let now = 1_000;
        let failures = [100 + 1, 500, 600];
        assert_eq!(
            T.check(now, &attempts(&[], &failures, &[])),
            Err(AppError::RateLimited {
                retry_after_secs: 1
            })
        );
    }

    #[test]
    fn an_account_under_attack_slows_down_but_never_locks() {
        let now = 10_000;
        let ms = |n: u64| Ok(Duration::from_millis(n));
        for (failures, expected) in [
            (0, ms(0)),
            (2, ms(0)),
            (3, ms(250)),
            (5, ms(250)),
            (6, ms(500)),
            (9, ms(1_000)),
            (12, ms(2_000)),
            (15, ms(4_000)),
            (10_000, ms(4_000)),
        ] {
            let by_account: Vec<i64> = (0..failures).map(|i| 9_500 + (i % 400)).collect();
            assert_eq!(
                T.check(now, &attempts(&[], &[], &by_account)),
                expected,
                "{failures} failures on the account from elsewhere"
            );
        }
        let long_ago: Vec<i64> = vec![8_000; 100];
        assert_eq!(T.check(now, &attempts(&[], &[], &long_ago)), ms(0));
    }
}
