//! CSV import batches: a checked file waiting for confirmation.
use super::{Db, OrInternal};
use crate::domain::evidence_csv::CsvPreview;
use crate::error::AppError;
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
struct BatchRow {
    assessment_id: String,
    member_id: String,
    file_name: String,
    preview: String,
}

pub struct Batch {
    pub assessment_id: String,
    pub member_id: String,
    pub file_name: String,
    pub preview: CsvPreview,
}

pub async fn create(
    db: &Db,
    assessment_id: &str,
    member_id: &str,
    file_name: &str,
    preview: &CsvPreview,
) -> Result<String, AppError> {
    let json = serde_json::to_string(preview).or_internal("an import preview to JSON")?;
    let mut response = db
        .query(
            "DELETE import_batch WHERE created_at < time::now() - 1d;
             CREATE ONLY import_batch SET assessment = type::record('assessment', $assessment),
                member = type::record('member', $member), file_name = $file_name, preview = $preview
             RETURN VALUE record::id(id);",
        )
        .bind(("assessment", assessment_id.to_string()))
        .bind(("member", member_id.to_string()))
        .bind(("file_name", file_name.to_string()))
        .bind(("preview", json))
        .await
        .or_internal("create import batch")?;
    let id: Option<String> = response.take(1).or_internal("create import batch")?;
    id.ok_or_else(|| AppError::internal("store import answered no id"))
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Batch>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(assessment) AS assessment_id, record::id(member) AS member_id, file_name, preview
             FROM ONLY type::record('import_batch', $id)",
        )
        .bind(("id", id.to_string()))
        .await
        .or_internal("get import batch")?;
    let row: Option<BatchRow> = response.take(0).or_internal("get import batch")?;
    row.map(|r| {
        Ok(Batch {
            preview: serde_json::from_str(&r.preview).or_internal("a stored import preview")?,
            assessment_id: r.assessment_id,
            member_id: r.member_id,
            file_name: r.file_name,
        })
    })
    .transpose()
}

pub async fn delete(db: &Db, id: &str) -> Result<(), AppError> {
    db.query("DELETE type::record('import_batch', $id)")
        .bind(("id", id.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("delete import batch")?;
    Ok(())
}
