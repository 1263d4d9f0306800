//! Password attempts (log-in, password change): recorded before the password is checked,
//! refused past the limits of [`LoginThrottle`], slowed down when the account is under attack.
use crate::domain::login_throttle::LoginThrottle;
use crate::error::AppError;
use crate::store::{self, Db};

/// An attempt on the record: until it is settled it counts as a failure, so a process that
/// dies halfway leaves no free try behind.
pub struct Attempt {
    id: String,
    address: String,
    email: String,
}

impl Attempt {
    /// Records an attempt by `address` on the account `email`, and waits as long as the
    /// account's recent failures ask for, or refuses it.
    pub async fn begin(db: &Db, address: &str, email: &str) -> Result<Attempt, AppError> {
        let throttle = LoginThrottle::default();
        let now = chrono::Utc::now().timestamp();
        let recorded =
            store::login_failures::record(db, address, email, throttle.window_start(now)).await?;
        let attempt = Attempt {
            id: recorded.id,
            address: address.to_string(),
            email: email.to_string(),
        };
        match throttle.check(now, &recorded.before) {
            Ok(pause) => {
                tokio::time::sleep(pause).await;
                Ok(attempt)
            }
            Err(refused) => {
                attempt.abandon(db).await?;
                Err(refused)
            }
        }
    }

    /// The right password: this address's earlier typos on this account are forgiven.
    pub async fn succeeded(self, db: &Db) -> Result<(), AppError> {
        store::login_failures::clear_pair(db, &self.address, &self.email).await
    }

    /// The password was never checked (refused, or the server was busy): no failure.
    pub async fn abandon(self, db: &Db) -> Result<(), AppError> {
        store::login_failures::forget(db, &self.id).await
    }
}
