//! CSV import batches: a checked file waiting for confirmation.
use super::{Db, OrInternal};
use crate::domain::evidence_csv::CsvPreview;
use crate::domain::evidence_csv_views::{ImportCounts, ImportState, PREVIEW_ROWS};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
struct BatchRow {
    assessment_id: String,
    member_id: String,
    file_name: String,
    preview: String,
    status: Option<String>,
    seconds: Option<i64>,
    result: Option<String>,
    progress: Option<String>,
    row_count: Option<i64>,
}

pub struct Batch {
    pub assessment_id: String,
    pub member_id: String,
    pub file_name: String,
    /// The file as read, or (read without its rows) its first [`PREVIEW_ROWS`] rows only.
    pub preview: CsvPreview,
    /// How many rows the file has that may be imported.
    pub rows: usize,
    pub state: ImportState,
}

/// Which of a batch's rows to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Every row and problem (to compare with what is stored, or to import).
    All,
    /// The first [`PREVIEW_ROWS`] only: enough to show a started import's page, which loads
    /// itself again every few seconds (the whole file of 100,000 rows is 30 MB to read).
    Summary,
}

pub async fn create(
    db: &Db,
    assessment_id: &str,
    member_id: &str,
    file_name: &str,
    preview: &CsvPreview,
) -> Result<String, AppError> {
    let json = serde_json::to_string(preview).or_internal("an import preview to JSON")?;
    let summary = CsvPreview {
        rows: preview.rows.iter().take(PREVIEW_ROWS).cloned().collect(),
        lines: preview.lines.iter().take(PREVIEW_ROWS).copied().collect(),
        problems: Vec::new(),
        total_rows: preview.total_rows,
        encoding: preview.encoding,
        separator: preview.separator,
    };
    let summary = serde_json::to_string(&summary).or_internal("an import summary to JSON")?;
    let mut response = db
        .query(
            "DELETE import_batch WHERE created_at < time::now() - 1d;
             DELETE import_file WHERE created_at < time::now() - 1d;
             DELETE import_progress WHERE at < time::now() - 1d;
             BEGIN TRANSACTION;
             LET $batch = CREATE ONLY import_batch SET
                assessment = type::record('assessment', $assessment),
                member = type::record('member', $member), file_name = $file_name,
                preview = $summary, row_count = $row_count;
             CREATE type::record('import_file', record::id($batch.id)) SET preview = $preview
                RETURN NONE;
             RETURN record::id($batch.id);
             COMMIT TRANSACTION;",
        )
        .bind(("assessment", assessment_id.to_string()))
        .bind(("member", member_id.to_string()))
        .bind(("file_name", file_name.to_string()))
        .bind(("preview", json))
        .bind(("summary", summary))
        .bind(("row_count", preview.rows.len() as i64))
        .await
        .or_internal("create import batch")?;
    // The answer of the RETURN, the last statement that answers anything.
    let id = (0..response.num_statements())
        .rev()
        .find_map(|index| response.take::<Option<String>>(index).ok().flatten());
    id.ok_or_else(|| AppError::internal("store import answered no id"))
}

pub async fn get(db: &Db, id: &str, rows: Rows) -> Result<Option<Batch>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(assessment) AS assessment_id, record::id(member) AS member_id,
                file_name,
                IF $all { type::record('import_file', $id).preview ?? preview } ELSE { summary ?? preview }
                    AS preview,
                status, result, type::record('import_progress', $id).counts AS progress, row_count,
                IF started_at { duration::secs(time::now() - started_at) } ELSE { 0 } AS seconds
             FROM ONLY type::record('import_batch', $id)",
        )
        .bind(("id", id.to_string()))
        .bind(("all", rows == Rows::All))
        .await
        .or_internal("get import batch")?;
    let row: Option<BatchRow> = response.take(0).or_internal("get import batch")?;
    row.map(|r| {
        let state = ImportState::from_stored(
            r.status.as_deref().unwrap_or(""),
            r.seconds.unwrap_or(0).max(0) as u64,
            r.result.as_deref(),
            r.progress.as_deref(),
        );
        let preview: CsvPreview =
            serde_json::from_str(&r.preview).or_internal("a stored import preview")?;
        Ok(Batch {
            state,
            rows: r
                .row_count
                .map_or(preview.rows.len(), |n| n.max(0) as usize),
            preview,
            assessment_id: r.assessment_id,
            member_id: r.member_id,
            file_name: r.file_name,
        })
    })
    .transpose()
}

/// Marks the batch as being imported, unless it already is (another tab, another instance)
/// or is done: true if this caller may run it now.
pub async fn claim(db: &Db, id: &str) -> Result<bool, AppError> {
    let interrupted = crate::domain::evidence_csv_views::IMPORT_INTERRUPTED_AFTER_SECS as i64;
    let claimed: Option<bool> = super::conflicts::retrying(|| {
        db.query(
            "BEGIN TRANSACTION;
             LET $claimed = (UPDATE ONLY type::record('import_batch', $id)
                SET status = 'running', started_at = time::now(), result = NONE
                WHERE status IS NONE OR status = 'failed'
                    OR (status = 'running' AND started_at < time::now() - duration::from_secs($interrupted))
                RETURN VALUE true);
             IF $claimed { DELETE type::record('import_progress', $id) };
             RETURN $claimed ?? false;
             COMMIT TRANSACTION;",
        )
        .bind(("id", id.to_string()))
        .bind(("interrupted", interrupted))
    })
    .await
    // The answer of the RETURN, the last statement that answers anything.
    .map(|mut r| {
        (0..r.num_statements())
            .rev()
            .find_map(|index| r.take::<Option<bool>>(index).ok().flatten())
    })
    .or_internal("claim import batch")?;
    Ok(claimed.unwrap_or(false))
}

/// Records the rows written so far by a running import.
pub async fn progress(db: &Db, id: &str, so_far: &ImportCounts) -> Result<(), AppError> {
    let progress = serde_json::to_string(so_far).or_internal("an import's progress to JSON")?;
    // A record of its own: the batch holds the whole file, which an update would write again.
    db.query(
        "UPSERT type::record('import_progress', $id) SET counts = $progress, at = time::now();",
    )
    .bind(("id", id.to_string()))
    .bind(("progress", progress))
    .await
    .and_then(|r| r.check())
    .or_internal("record import progress")?;
    Ok(())
}

/// Records how the import went: its counts, or the error that stopped it (the rows written
/// before it are in its progress).
pub async fn finish(
    db: &Db,
    id: &str,
    outcome: &Result<ImportCounts, AppError>,
) -> Result<(), AppError> {
    let (status, result) = match outcome {
        Ok(counts) => ("done", serde_json::to_string(counts)),
        Err(error) => ("failed", serde_json::to_string(error)),
    };
    let result = result.or_internal("an import's outcome to JSON")?;
    db.query(
        "UPDATE type::record('import_batch', $id)
            SET status = $status, result = $result, finished_at = time::now();",
    )
    .bind(("id", id.to_string()))
    .bind(("status", status))
    .bind(("result", result))
    .await
    .and_then(|r| r.check())
    .or_internal("finish import batch")?;
    Ok(())
}
