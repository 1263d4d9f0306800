//! SurrealDB: connection, schema, and one file per resource.
//!
//! Authorisation does not live here (the embedded root connection ignores DB permissions):
//! callers in `api/` check roles first.
pub mod assessments;
mod conflicts;
pub mod demo;
mod demo_evidence;
mod demo_paper;
pub mod events;
pub mod evidence;
pub mod imports;
pub mod invitations;
pub mod login_failures;
pub mod members;
pub mod organisations;
pub mod papers;
pub mod sessions;

use crate::config::Config;
use crate::error::AppError;
use std::sync::Arc;
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::opt::auth::Root;

/// One connection shared by the whole process (`Surreal::clone` would open a new session).
pub type Db = Arc<Surreal<Any>>;

pub const SCHEMA_VERSION: i64 = 2;
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
    // Data migrations from `found` to SCHEMA_VERSION, in order.
    if found == Some(1) {
        // 2: the full-text index without HIGHLIGHTS (rebuilt once, from the findings).
        tracing::info!(
            "schema 2: rebuilding the evidence full-text index (once; about a minute per 100,000 findings)"
        );
        db.query(
            "REMOVE INDEX evidence_text_search ON evidence;
             DEFINE INDEX evidence_text_search ON evidence FIELDS text FULLTEXT ANALYZER evidence_words BM25;",
        )
        .await
        .and_then(|r| r.check())
        .map_err(StoreError::Schema)?;
    }
    db.query("UPSERT schema_version:current SET version = $v, applied_at = time::now()")
        .bind(("v", SCHEMA_VERSION))
        .await
        .and_then(|r| r.check())
        .map_err(StoreError::Schema)?;
    Ok(())
}

/// Logs a database failure with its cause and gives the caller the opaque error the UI shows.
pub(crate) fn internal(context: &str, error: surrealdb::Error) -> AppError {
    tracing::error!(%error, "{context}");
    AppError::Internal
}

/// A unique index rejected the write (two people creating the same thing at once).
pub(crate) fn is_duplicate(error: &surrealdb::Error) -> bool {
    error.is_already_exists() || error.message().contains("already contains")
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
        .position(|(_, e)| !e.message().contains("failed transaction"))
        .unwrap_or(0);
    Err(errors.swap_remove(cause).1)
}
