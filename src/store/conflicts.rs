//! Write conflicts. SurrealDB runs transactions optimistically: of two that write the same
//! record at the same moment, the one that commits second fails with "Transaction conflict …
//! This transaction can be retried" and writes nothing. Even a one-statement UPSERT can lose
//! this way: a draft page closing (presence cleared) while the block editor opens (presence
//! set) wrote one member's presence twice at once, and the loser answered 500 (issue 15).
use std::time::Duration;

/// Attempts in all; with the pauses below a query gives up after about 60 ms of losing.
const ATTEMPTS: u32 = 5;

/// Runs a query again when it lost a write conflict: only for queries that are safe to run
/// twice. A transaction that lost wrote nothing, and its next run re-reads, so a save based on
/// a rev that someone has just saved then finds it stale, and a save of another block, or a
/// presence update, simply succeeds.
pub(crate) async fn retrying<'a, F>(
    mut query: F,
) -> Result<surrealdb::IndexedResults, surrealdb::Error>
where
    F: FnMut() -> surrealdb::method::Query<'a, surrealdb::engine::any::Any>,
{
    retrying_tries(|| {
        let query = query();
        async move { query.await.and_then(super::check_cause) }
    })
    .await
}

/// Like [`retrying`], for a try made of several requests (an interactive transaction): the
/// whole try runs again when it lost a write conflict.
pub(crate) async fn retrying_tries<T, F, Fut>(mut attempt_once: F) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, surrealdb::Error>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match attempt_once().await {
            Ok(done) => return Ok(done),
            Err(e) if is_write_conflict(&e) && attempt < ATTEMPTS => {
                // Growing and jittered, so the writers that collided do not collide again.
                use rand::Rng;
                let jitter = rand::thread_rng().gen_range(0..=4 * attempt as u64);
                tokio::time::sleep(Duration::from_millis(2 * attempt as u64 + jitter)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// SurrealDB's typed kind first; its own wording as well, since some paths (a one-statement
/// UPSERT in the embedded engine) were seen to report the conflict without the kind.
pub(crate) fn is_write_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&surrealdb::types::QueryError::TransactionConflict)
        || error.message().contains("Transaction conflict")
        || error.message().contains("can be retried")
}

/// One interactive transaction: `work` runs in it, and it commits when `keep` accepts what
/// `work` answered; a refusal `keep` rejects, or an error, cancels it, so nothing of it stays.
pub(crate) async fn in_transaction<T>(
    db: &super::Db,
    work: impl AsyncFnOnce(
        &surrealdb::method::Transaction<surrealdb::engine::any::Any>,
    ) -> Result<T, surrealdb::Error>,
    keep: impl FnOnce(&T) -> bool,
) -> Result<T, surrealdb::Error> {
    let tx = (**db).clone().begin().await?;
    match work(&tx).await {
        Ok(done) if keep(&done) => {
            tx.commit().await?;
            Ok(done)
        }
        other => {
            let _ = tx.cancel().await;
            other
        }
    }
}
