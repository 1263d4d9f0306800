//! Log-in attempts, for throttling per address and per account across all app instances.
//! A row is written before the password is checked and removed if it turns out right (or
//! was never checked), so what remains are failures and attempts still being checked.
use super::{Db, OrInternal};
use crate::domain::login_throttle::RecentAttempts;
use crate::error::AppError;
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
struct Recent {
    by_address: Vec<i64>,
    by_pair: Vec<i64>,
    by_account: Vec<i64>,
}

/// An attempt on the record, and the attempts before it.
#[derive(Debug)]
pub struct Recorded {
    pub id: String,
    pub before: RecentAttempts,
}

/// Records an attempt, then reads the others since `since`. Writing first is what makes
/// the limits hold under parallel attempts: each sees every attempt written before it, so
/// no more than the limit can pass (checking first let hundreds read "none yet" at once).
pub async fn record(db: &Db, address: &str, email: &str, since: i64) -> Result<Recorded, AppError> {
    let id = format!("{:032x}", rand::random::<u128>());
    // Two statements, so two transactions: the attempt is committed, and visible to every
    // other attempt, before this one counts them.
    let mut response = db
        .query(
            "CREATE type::record('login_failure', $id)
                SET address = $address, email = $email, at = time::now();
             LET $own = type::record('login_failure', $id);
             LET $since = time::from_unix($since_secs);
             RETURN {
                by_address: (SELECT VALUE time::unix(at) FROM login_failure
                    WHERE address = $address AND at > $since AND id != $own),
                by_pair: (SELECT VALUE time::unix(at) FROM login_failure
                    WHERE email = $email AND address = $address AND at > $since AND id != $own),
                by_account: (SELECT VALUE time::unix(at) FROM login_failure
                    WHERE email = $email AND at > $since AND id != $own)
             };",
        )
        .bind(("id", id.clone()))
        .bind(("since_secs", since))
        .bind(("address", address.to_string()))
        .bind(("email", email.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("record a log-in attempt")?;
    let recent: Option<Recent> = response.take(3).or_internal("read log-in attempts")?;
    let Some(recent) = recent else {
        tracing::error!("reading log-in attempts gave no answer");
        return Err(AppError::Internal);
    };
    Ok(Recorded {
        id,
        before: RecentAttempts {
            by_address: recent.by_address,
            by_pair: recent.by_pair,
            by_account: recent.by_account,
        },
    })
}

/// An attempt that was refused before its password was checked is no failure.
pub async fn forget(db: &Db, id: &str) -> Result<(), AppError> {
    db.query("DELETE type::record('login_failure', $id)")
        .bind(("id", id.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("forget a log-in attempt")?;
    Ok(())
}

/// A successful log-in forgives this address its typos on this account (and not an
/// attacker elsewhere theirs).
pub async fn clear_pair(db: &Db, address: &str, email: &str) -> Result<(), AppError> {
    db.query("DELETE login_failure WHERE email = $email AND address = $address")
        .bind(("address", address.to_string()))
        .bind(("email", email.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("clear log-in failures")?;
    Ok(())
}

pub async fn purge_before(db: &Db, before: i64) -> Result<(), AppError> {
    db.query("DELETE login_failure WHERE at < time::from_unix($before)")
        .bind(("before", before))
        .await
        .and_then(|r| r.check())
        .or_internal("purge log-in failures")?;
    Ok(())
}
