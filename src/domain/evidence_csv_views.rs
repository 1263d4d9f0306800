//! What the import preview page shows (shared with the browser; the CSV reading itself is
//! server-side in `evidence_csv`).
use crate::domain::evidence::EvidenceFields;
use crate::domain::evidence_history::RowChanges;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub key: String,
    pub column: String,
    pub error: AppError,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreviewView {
    pub assessment_id: String,
    pub assessment: String,
    pub file_name: String,
    pub total_rows: usize,
    pub valid_rows: usize,
    pub sample: Vec<EvidenceFields>,
    pub problems: Vec<RowProblem>,
    /// Findings already stored that the import would change (the first ones), and how many.
    pub changes: Vec<RowChanges>,
    pub changed_rows: usize,
}

/// A problem with an uploaded file as a whole (not one row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FileProblem {
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    #[error("the file is empty")]
    Empty,
    #[error("missing columns: {0:?}")]
    MissingColumns(Vec<String>),
    #[error("too many rows")]
    TooManyRows,
    #[error("malformed CSV at line {line}")]
    Malformed { line: u64 },
    #[error("the upload could not be read")]
    Unreadable,
}

/// What an import did: re-importing the same file creates and updates nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}
