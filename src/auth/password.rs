//! Password hashing with argon2id (the crate's defaults follow the OWASP recommendation).
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Runs argon2 off the async workers, a few at a time: each costs 19 MiB and a core for a
/// while, and the blocking pool would otherwise start hundreds at once. A request that would
/// wait longer than `max_wait` for its turn is told to come back (RateLimited).
#[derive(Debug, Clone)]
pub struct Hashing {
    permits: Arc<Semaphore>,
    max_wait: Duration,
}

impl Hashing {
    pub fn new(at_once: usize, max_wait: Duration) -> Hashing {
        Hashing {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            max_wait,
        }
    }

    /// One at a time per core, at most four: more would only queue for the same cores.
    pub fn for_this_machine() -> Hashing {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Hashing::new(cores.min(4), Duration::from_secs(2))
    }

    /// Whether `typed` is the password of `stored` (a decoy hash for unknown accounts).
    pub async fn verify(&self, typed: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let (typed, stored) = (typed.to_string(), stored.map(str::to_string));
        self.run(move || verify(&typed, stored.as_deref().unwrap_or(decoy_hash())))
            .await
    }

    pub async fn hash(&self, typed: &str) -> Result<String, AppError> {
        let typed = typed.to_string();
        self.run(move || hash(&typed))
            .await?
            .map_err(|e| AppError::internal(&format!("hash a password: {e}")))
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let busy = AppError::RateLimited {
            retry_after_secs: self.max_wait.as_secs().max(1),
        };
        let permit = tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy)?
            .map_err(|_| AppError::internal("the hashing permits were closed"))?;
        tokio::task::spawn_blocking(move || {
            let _held_while_hashing = permit;
            work()
        })
        .await
        .map_err(|e| AppError::internal(&format!("the hashing task failed: {e}")))
    }
}

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A real hash of nothing in particular, verified when an email has no account so that a
/// wrong email takes as long as a wrong password and timing reveals nothing.
pub fn decoy_hash() -> &'static str {
    use std::sync::OnceLock;
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password for absent accounts").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[tokio::test]
    async fn a_full_house_answers_come_back_later() {
        let hashing = Hashing::new(1, Duration::from_millis(50));
        let stored = hash("correct horse battery").unwrap();
        let held = hashing.permits.clone().acquire_owned().await.unwrap();
        assert_eq!(
            hashing.verify("correct horse battery", Some(&stored)).await,
            Err(AppError::RateLimited {
                retry_after_secs: 1
            })
        );
        drop(held);
        assert_eq!(
            hashing.verify("correct horse battery", Some(&stored)).await,
            Ok(true)
        );
        assert_eq!(hashing.verify("wrong", None).await, Ok(false));
    }
}
