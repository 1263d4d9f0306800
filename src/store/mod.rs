//! SurrealDB: connection, schema, and one file per resource.
//!
//! Authorisation does not live here (the embedded root connection ignores DB permissions):
//! callers in `api/` check roles first.
pub mod amendments;
pub mod assessments;
pub mod comments;
mod conflicts;
pub mod consultations;
pub mod events;
pub mod evidence;
pub mod evidence_index;
pub mod imports;
pub mod invitations;
pub mod login_failures;
pub mod members;
pub mod needs;
pub mod organisations;
pub mod papers;
pub mod sessions;
pub mod versions;

use crate::config::Config;
use crate::error::AppError;
use std::sync::Arc;
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::opt::auth::Root;

/// One connection shared by the whole process (`Surreal::clone` would open a new session).
pub type Db = Arc<Surreal<Any>>;

/// 3: consultations and votes (new tables only: nothing to migrate).
/// 4: published versions (a new table and index: nothing to migrate), and the FULLTEXT index
/// and its analyser removed (the schema file removes them on every start, idempotently):
/// search moved to each instance's own engine (`crate::search`).
/// 5: comments, their reports, amendments and their votes (new tables only).
/// 6: the findings an import step creates share its one history entry (`evidence.created_by`;
/// `evidence_change.evidence` optional, its definition overwritten by the schema file on
/// every start), and the search feed names the engine that already indexed an import
/// (`search_feed.origin`). New optional fields: nothing to migrate; a build before 6 would not
/// show those shared entries, so it is refused.
pub const SCHEMA_VERSION: i64 = 6;
const SCHEMA: &str = include_str!("schema.surql");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {endpoint}: {source}")]
    Connect {
        endpoint: String,
        source: surrealdb::Error,
    },
    #[error("cannot apply the schema: {0}")]
    Schema(surrealdb::Error),
    #[error(
        "the database has schema version {found}, newer than this build ({supported}); upgrade Groundwork"
    )]
    TooNew { found: i64, supported: i64 },
}

/// Lets go of the database and waits, at most `deadline`, until every other holder has too
/// and (on the embedded on-disk database) SurrealKV has closed it, which writes its memtable
/// to its tables: a server stopped without that reads its whole log again at the next start
/// (after a 100,000-row import: a 208 MB log, 3 s and some 130 MB more memory). False when the
/// deadline passed first.
pub async fn close(db: Db, endpoint: &str, deadline: std::time::Duration) -> bool {
    let until = tokio::time::Instant::now() + deadline;
    let held = Arc::downgrade(&db);
    drop(db);
    let pause = std::time::Duration::from_millis(20);
    while held.strong_count() > 0 {
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(pause).await;
    }
    let Some(path) = endpoint.strip_prefix("surrealkv://") else {
        return true;
    };
    // SurrealKV holds an exclusive lock on this file until it has closed.
    let lock = std::path::Path::new(path).join("LOCK");
    loop {
        if let Ok(file) = std::fs::File::open(&lock)
            && file.try_lock().is_ok()
        {
            return true;
        }
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(pause).await;
    }
}

pub async fn connect(config: &Config) -> Result<Db, StoreError> {
    let endpoint = &config.db_endpoint;
    if let Some(path) = endpoint.strip_prefix("surrealkv://")
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        // SurrealKV creates its own directory but not missing parents.
        let _ = std::fs::create_dir_all(parent);
    }
    let connect_error = |source| StoreError::Connect {
        endpoint: endpoint.clone(),
        source,
    };
    let db = surrealdb::engine::any::connect(endpoint.as_str())
        .await
        .map_err(connect_error)?;
    if !config.db_username.is_empty() {
        db.signin(Root {
            username: config.db_username.clone(),
            password: config.db_password.clone(),
        })
        .await
        .map_err(connect_error)?;
    }
    db.use_ns(config.db_namespace.as_str())
        .use_db(config.db_database.as_str())
        .await
        .map_err(connect_error)?;
    migrate(&db).await?;
    Ok(Arc::new(db))
}

/// Applies the idempotent schema and records its version. A database written by a newer
/// build is refused rather than silently misread.
pub async fn migrate(db: &Surreal<Any>) -> Result<(), StoreError> {
    db.query(SCHEMA)
        .await
        .and_then(|r| r.check())
        .map_err(StoreError::Schema)?;
    let mut response = db
        .query("SELECT VALUE version FROM ONLY schema_version:current")
        .await
        .map_err(StoreError::Schema)?;
    let found: Option<i64> = response.take(0).map_err(StoreError::Schema)?;
    if let Some(found) = found
        && found > SCHEMA_VERSION
    {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    // Data migrations from `found` to SCHEMA_VERSION, in order: none left (schema 2 rebuilt
    // the FULLTEXT index that schema 4 removes).
    db.query("UPSERT schema_version:current SET version = $v, applied_at = time::now()")
        .bind(("v", SCHEMA_VERSION))
        .await
        .and_then(|r| r.check())
        .map_err(StoreError::Schema)?;
    Ok(())
}

/// Logs a database failure with its whole cause chain and gives the caller the opaque error
/// the UI shows (the request that gets the 500 is logged by the server's error layer).
pub(crate) fn internal(context: &str, error: surrealdb::Error) -> AppError {
    tracing::error!(
        error = %error,
        kind = error.kind_str(),
        causes = %cause_chain(&error),
        "{context}"
    );
    AppError::Internal
}

/// Every `source()` below the error, outermost first, for the log.
fn cause_chain(error: &dyn std::error::Error) -> String {
    std::iter::successors(error.source(), |e| e.source())
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(" <- ")
}

/// `.or_internal("what was being done")?` on a query or on a response's `take`: a database
/// failure is logged with that context (see `internal`) and becomes `AppError::Internal`.
pub(crate) trait OrInternal<T> {
    fn or_internal(self, context: &str) -> Result<T, AppError>;
}

impl<T> OrInternal<T> for Result<T, surrealdb::Error> {
    fn or_internal(self, context: &str) -> Result<T, AppError> {
        self.map_err(|error| internal(context, error))
    }
}

/// JSON the store writes or reads back (a version's findings, an import's preview): failing
/// to (de)serialise it is our fault, logged with the context like a database failure.
impl<T> OrInternal<T> for Result<T, serde_json::Error> {
    fn or_internal(self, context: &str) -> Result<T, AppError> {
        self.map_err(|error| {
            tracing::error!(%error, "{context}");
            AppError::Internal
        })
    }
}

/// A unique index rejected the write (two people creating the same thing at once).
/// SurrealDB 3.3.5 reports an index violation inside a query with the kind `Internal`, not
/// `AlreadyExists`, so its own message is the only sign of it.
pub(crate) fn is_duplicate(error: &surrealdb::Error) -> bool {
    error.is_already_exists() || error.message().contains("already contains")
}

/// What a transaction that checks before it writes decided. Its last statement answers
/// one of these words (`RETURN 'stale';`): a refusal returns before any write, which ends
/// the transaction with nothing written, and `done` comes after the writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Done,
    /// The record to change is not there (or not where the caller said).
    Missing,
    /// Someone changed the record since the caller read it.
    Stale,
    /// The member to take off a list is not on it.
    NotListed,
    /// Taking the member off would leave the list empty.
    LastOne,
    /// An import would give back a withdrawn consent.
    Withdrawn,
    /// An import names a finding of another assessment.
    Moved,
    /// The consultation is not open at the database's now (or, to open one, still is).
    Closed,
    /// A consultation that has not closed yet is already there.
    AlreadyOpen,
    /// The change would rename what a citation has locked.
    KeyLocked,
}

impl Outcome {
    fn from_word(word: &str) -> Option<Outcome> {
        Some(match word {
            "done" => Outcome::Done,
            "missing" => Outcome::Missing,
            "stale" => Outcome::Stale,
            "not_listed" => Outcome::NotListed,
            "last_one" => Outcome::LastOne,
            "withdrawn" => Outcome::Withdrawn,
            "moved" => Outcome::Moved,
            "closed" => Outcome::Closed,
            "already_open" => Outcome::AlreadyOpen,
            "key_locked" => Outcome::KeyLocked,
            _ => return None,
        })
    }

    /// An outcome this transaction never returns: a bug in its query, logged like a
    /// database failure.
    pub(crate) fn unexpected(self, context: &str) -> AppError {
        tracing::error!(outcome = ?self, "{context}: an outcome the transaction never returns");
        AppError::Internal
    }

    /// Reads the outcome a checked transaction returned: the last statement that answered
    /// an outcome word (the statements a `RETURN` skipped, and `COMMIT`, answer nothing
    /// or `NONE`, so the position of that statement is not fixed).
    pub(crate) fn of(mut response: surrealdb::IndexedResults) -> Result<Outcome, surrealdb::Error> {
        (0..response.num_statements())
            .rev()
            .find_map(|index| {
                let word: Option<String> = response.take(index).ok().flatten();
                word.as_deref().and_then(Outcome::from_word)
            })
            .ok_or_else(|| surrealdb::Error::internal("a transaction returned no outcome".into()))
    }
}

/// Is the database answering? Used by `/healthz`.
pub async fn ping(db: &Surreal<Any>) -> Result<(), surrealdb::Error> {
    db.query("RETURN 1").await?.check()?;
    Ok(())
}

/// Like `Response::check`, but when a transaction failed, the error that made it fail (a
/// `THROW`, a unique index) rather than "not executed due to a failed transaction", which
/// every later statement reports.
pub(crate) fn check_cause(
    mut response: surrealdb::IndexedResults,
) -> Result<surrealdb::IndexedResults, surrealdb::Error> {
    let mut errors: Vec<(usize, surrealdb::Error)> = response.take_errors().into_iter().collect();
    if errors.is_empty() {
        return Ok(response);
    }
    errors.sort_by_key(|(index, _)| *index);
    let cause = errors
        .iter()
        .position(|(_, e)| e.query_details() != Some(&surrealdb::types::QueryError::NotExecuted))
        .unwrap_or(0);
    Err(errors.swap_remove(cause).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn memory() -> Surreal<Any> {
        let db = surrealdb::engine::any::connect("mem://").await.unwrap();
        db.use_ns("t").use_db("t").await.unwrap();
        db
    }

    const CHECKED: &str = "BEGIN TRANSACTION;
        LET $row = (SELECT * FROM ONLY type::record('note', 'a'));
        IF $row.rev != $rev { RETURN 'stale' };
        UPSERT note:a SET rev = $rev + 1;
        CREATE note_log CONTENT { rev: $rev + 1 };
        RETURN 'done';
        COMMIT TRANSACTION;";

    /// A refusal returns before any write: the transaction ends with nothing written, and
    /// the caller reads which outcome it was.
    #[tokio::test]
    async fn a_checked_transaction_answers_its_outcome_and_a_refusal_writes_nothing() {
        let db = memory().await;
        db.query("DEFINE TABLE note_log SCHEMALESS; CREATE note:a SET rev = 1")
            .await
            .unwrap();
        let run = |rev: i64| {
            let db = &db;
            async move {
                let response = db.query(CHECKED).bind(("rev", rev)).await.unwrap();
                let response = check_cause(response).unwrap();
                Outcome::of(response).unwrap()
            }
        };
        assert_eq!(run(0).await, Outcome::Stale);
        let logs: Vec<i64> = db
            .query("SELECT VALUE rev FROM note_log")
            .await
            .unwrap()
            .take(0)
            .unwrap();
        assert!(logs.is_empty(), "a refusal wrote {logs:?}");
        assert_eq!(run(1).await, Outcome::Done);
        assert_eq!(run(1).await, Outcome::Stale);
        let rev: Option<i64> = db
            .query("SELECT VALUE rev FROM ONLY note:a")
            .await
            .unwrap()
            .take(0)
            .unwrap();
        assert_eq!(rev, Some(2));
    }

    #[test]
    fn outcome_words_are_known() {
        assert_eq!(Outcome::from_word("stale"), Some(Outcome::Stale));
        assert_eq!(Outcome::from_word("last_one"), Some(Outcome::LastOne));
        assert_eq!(Outcome::from_word("key_locked"), Some(Outcome::KeyLocked));
        assert_eq!(Outcome::from_word("Stale revision"), None);
    }
}
