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
    pub encoding: TextEncoding,
    pub separator: Separator,
    /// Whether the import was confirmed, and how it went.
    pub state: ImportState,
}

/// Where an import stands. A large file takes longer than a request may (it is written in one
/// transaction, all rows or none: 100,000 rows take most of a minute on two cores), so the
/// confirm starts the import and answers when it is done or after a few seconds, whichever
/// comes first; the preview page then follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ImportState {
    /// Checked and waiting for the editor's confirmation.
    Checked,
    /// Being written, for this many seconds.
    Running { seconds: u64 },
    /// Written.
    Done { counts: ImportCounts },
    /// Refused or failed: nothing was written, and the editor may confirm again.
    Failed { error: AppError },
    /// Started by an instance that stopped before it finished: the transaction never
    /// committed, so nothing was written, and the editor may confirm again.
    Interrupted,
}

/// An import still "running" after this long was left by an instance that stopped (the
/// longest import, 100,000 rows, takes about a minute).
pub const IMPORT_INTERRUPTED_AFTER_SECS: u64 = 30 * 60;

impl ImportState {
    /// The state a batch's stored status, its running time and its result mean.
    pub fn from_stored(status: &str, seconds: u64, result: Option<&str>) -> ImportState {
        match (status, result) {
            ("running", _) if seconds >= IMPORT_INTERRUPTED_AFTER_SECS => ImportState::Interrupted,
            ("running", _) => ImportState::Running { seconds },
            ("done", Some(result)) => serde_json::from_str(result)
                .map(|counts| ImportState::Done { counts })
                .unwrap_or(ImportState::Checked),
            ("failed", Some(result)) => serde_json::from_str(result)
                .map(|error| ImportState::Failed { error })
                .unwrap_or(ImportState::Checked),
            _ => ImportState::Checked,
        }
    }

    /// May the editor start (or start again) the import?
    pub fn may_start(&self) -> bool {
        matches!(
            self,
            ImportState::Checked | ImportState::Failed { .. } | ImportState::Interrupted
        )
    }
}

/// How the import decoded a file's bytes, shown on the preview so that an editor can spot a
/// wrong guess (names a spreadsheet's "save as" dialog uses, not translated).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    #[default]
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// What separates the fields of a file's lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Separator {
    #[default]
    Comma,
    Semicolon,
    Tab,
}

impl Separator {
    pub const ALL: [Separator; 3] = [Separator::Comma, Separator::Semicolon, Separator::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
            Separator::Tab => b'\t',
        }
    }
}

/// French names accepted for each column besides its English one (compared without case,
/// accents, spaces or punctuation); the first is the one the import page shows.
pub const FRENCH_COLUMNS: [(&str, &[&str]); 15] = [
    ("key", &["clé", "clef", "clé de citation"]),
    ("kind", &["type", "nature"]),
    ("swot_quadrant", &["quadrant SWOT", "quadrant"]),
    ("text", &["texte"]),
    ("value", &["valeur"]),
    ("unit", &["unité"]),
    (
        "sample_size",
        &["taille de l'échantillon", "taille échantillon", "effectif"],
    ),
    ("baseline", &["valeur de référence", "référence"]),
    ("country", &["pays"]),
    ("region", &["région"]),
    ("collected_on", &["date de collecte", "collecté le", "date"]),
    ("language", &["langue"]),
    ("tags", &["étiquettes", "mots-clés"]),
    ("consent", &["consentement"]),
    ("visibility", &["visibilité"]),
];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_status_means_a_state() {
        let counts = ImportCounts {
            created: 2,
            updated: 1,
            unchanged: 0,
        };
        let done = serde_json::to_string(&counts).unwrap();
        let error = serde_json::to_string(&AppError::Conflict { what: "x".into() }).unwrap();
        let table: &[(&str, u64, Option<&str>, ImportState, bool)] = &[
            ("", 0, None, ImportState::Checked, true),
            (
                "running",
                12,
                None,
                ImportState::Running { seconds: 12 },
                false,
            ),
            (
                "running",
                IMPORT_INTERRUPTED_AFTER_SECS - 1,
                None,
                ImportState::Running {
                    seconds: IMPORT_INTERRUPTED_AFTER_SECS - 1,
                },
                false,
            ),
            (
                "running",
                IMPORT_INTERRUPTED_AFTER_SECS,
                None,
                ImportState::Interrupted,
                true,
            ),
            ("done", 40, Some(&done), ImportState::Done { counts }, false),
            (
                "failed",
                3,
                Some(&error),
                ImportState::Failed {
                    error: AppError::Conflict { what: "x".into() },
                },
                true,
            ),
            // A result that cannot be read leaves the batch to confirm again.
            ("done", 3, Some("{"), ImportState::Checked, true),
        ];
        for (status, seconds, result, state, may_start) in table {
            let found = ImportState::from_stored(status, *seconds, *result);
            assert_eq!(&found, state, "{status} {seconds}");
            assert_eq!(found.may_start(), *may_start, "{status} {seconds}");
        }
    }

    #[test]
    fn states_travel_as_tagged_json() {
        let running = serde_json::to_value(ImportState::Running { seconds: 5 }).unwrap();
        assert_eq!(
            running,
            serde_json::json!({ "state": "running", "seconds": 5 })
        );
        let done = ImportState::Done {
            counts: ImportCounts::default(),
        };
        let back: ImportState =
            serde_json::from_value(serde_json::to_value(&done).unwrap()).unwrap();
        assert_eq!(back, done);
    }
}
