//! How many failed log-ins an address or an account may have before we stop listening for a
//! while. Pure: the store supplies the failure times, this decides.
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    pub window_secs: i64,
    pub max_per_account: usize,
    pub max_per_address: usize,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        // An account gets a handful of typos; an address (a whole field office behind one
        // NAT) gets more, but not enough to try a password list.
        LoginThrottle {
            window_secs: 15 * 60,
            max_per_account: 5,
            max_per_address: 20,
        }
    }
}

impl LoginThrottle {
    /// `by_address` and `by_account` are the unix times of recent failures (any order; times
    /// outside the window are ignored).
    pub fn check(&self, now: i64, by_address: &[i64], by_account: &[i64]) -> Result<(), AppError> {
        let wait = [
            self.wait_for(now, by_address, self.max_per_address),
            self.wait_for(now, by_account, self.max_per_account),
        ]
        .into_iter()
        .flatten()
        .max();
        match wait {
            Some(secs) => Err(AppError::RateLimited {
                retry_after_secs: secs.max(1) as u64,
            }),
            None => Ok(()),
        }
    }

    /// Seconds until enough failures age out of the window to allow one more try.
    fn wait_for(&self, now: i64, failures: &[i64], max: usize) -> Option<i64> {
        let since = now - self.window_secs;
        let mut recent: Vec<i64> = failures
            .iter()
            .copied()
            .filter(|t| *t > since && *t <= now)
            .collect();
        if recent.len() < max {
            return None;
        }
        recent.sort_unstable();
        let must_expire = recent[recent.len() - max];
        Some(must_expire + self.window_secs - now)
    }

    /// The oldest failure still worth keeping.
    pub fn window_start(&self, now: i64) -> i64 {
        now - self.window_secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: LoginThrottle = LoginThrottle {
        window_secs: 900,
        max_per_account: 3,
        max_per_address: 5,
    };

    #[test]
    fn table() {
        let now = 10_000;
        let cases: &[(&[i64], &[i64], Option<u64>)] = &[
            (&[], &[], None),
            (&[9_990, 9_991], &[9_990, 9_991], None),
            // Third account failure blocks until the oldest of the three ages out.
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
        for (address, account, expected) in cases {
            let got = T.check(now, address, account).err().map(|e| match e {
                AppError::RateLimited { retry_after_secs } => retry_after_secs,
                other => panic!("{other:?}"),
            });
            assert_eq!(got, *expected, "{address:?} {account:?}");
        }
    }

    #[test]
    fn wait_is_at_least_a_second() {
        let now = 1_000;
        let failures = [100 + 1, 500, 600];
        assert_eq!(
            T.check(now, &[], &failures),
            Err(AppError::RateLimited {
                retry_after_secs: 1
            })
        );
    }
}
