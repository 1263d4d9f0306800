use super::{Db, internal};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
pub struct Recent {
    pub by_address: Vec<i64>,
    pub by_account: Vec<i64>,
}

/// Unix times of failures since `since` for this address and this account.
pub async fn recent(db: &Db, address: &str, email: &str, since: i64) -> Result<Recent, AppError> {
    let mut response = db
        .query(
            "LET $since = time::from_unix($since_secs);
             RETURN {
                by_address: (SELECT VALUE time::unix(at) FROM login_failure WHERE address = $address AND at > $since),
                by_account: (SELECT VALUE time::unix(at) FROM login_failure WHERE email = $email AND at > $since)
             };",
        )
        .bind(("since_secs", since))
        .bind(("address", address.to_string()))
        .bind(("email", email.to_string()))
        .await
        .map_err(|e| internal("read log-in failures", e))?;
    let recent: Option<Recent> = response
        .take(1)
        .map_err(|e| internal("read log-in failures", e))?;
    Ok(recent.unwrap_or(Recent {
        by_address: Vec::new(),
        by_account: Vec::new(),
    }))
}

pub async fn record(db: &Db, address: &str, email: &str) -> Result<(), AppError> {
    db.query("CREATE login_failure SET address = $address, email = $email, at = time::now()")
        .bind(("address", address.to_string()))
        .bind(("email", email.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(|e| internal("record log-in failure", e))?;
    Ok(())
}

/// A successful log-in forgives the account's typos (not the address's).
pub async fn clear_account(db: &Db, email: &str) -> Result<(), AppError> {
    db.query("DELETE login_failure WHERE email = $email")
        .bind(("email", email.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(|e| internal("clear log-in failures", e))?;
    Ok(())
}

pub async fn purge_before(db: &Db, before: i64) -> Result<(), AppError> {
    db.query("DELETE login_failure WHERE at < time::from_unix($before)")
        .bind(("before", before))
        .await
        .and_then(|r| r.check())
        .map_err(|e| internal("purge log-in failures", e))?;
    Ok(())
}
