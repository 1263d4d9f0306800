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

/// Where an import stands. A large file takes longer than a person should wait for a page
/// (100,000 rows take 8–12 s on two cores), so the confirm starts the import and answers
/// when it is done or after a few seconds, whichever comes first; the preview page then
/// follows it.
///
/// Rows are written in steps of [`IMPORT_STEP`], each step all or nothing: one transaction
/// of 100,000 rows needs more than the database's write buffer on a machine with less than
/// 16 GB of memory (SurrealKV sizes it from the machine's memory), and fails there. An import
/// that stops part-way keeps the steps written; confirming again finishes it, since rows
/// already stored as the file has them are left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ImportState {
    /// Checked and waiting for the editor's confirmation.
    Checked,
    /// Being written, for this many seconds; `so_far` counts the rows of the steps written.
    Running { seconds: u64, so_far: ImportCounts },
    /// Written.
    Done { counts: ImportCounts },
    /// Stopped by an error after writing `so_far` (perhaps nothing); the editor may confirm
    /// again to finish it.
    Failed {
        error: AppError,
        so_far: ImportCounts,
    },
    /// Started by an instance that stopped before it finished, after writing `so_far`; the
    /// editor may confirm again to finish it.
    Interrupted { so_far: ImportCounts },
}

/// How many rows the preview page lists (all problems are always listed); a batch keeps these
/// apart as its summary.
pub const PREVIEW_ROWS: usize = 20;

/// How many rows of a file one transaction writes.
pub const IMPORT_STEP: usize = 1_000;

/// An import still "running" after this long was left by an instance that stopped (the
/// longest import, 100,000 rows, takes well under a minute).
pub const IMPORT_INTERRUPTED_AFTER_SECS: u64 = 30 * 60;

impl ImportCounts {
    /// Rows handled, whatever became of them.
    pub fn rows(&self) -> usize {
        self.created + self.updated + self.unchanged
    }

    /// These and `more` together.
    pub fn plus(self, more: ImportCounts) -> ImportCounts {
        ImportCounts {
            created: self.created + more.created,
            updated: self.updated + more.updated,
            unchanged: self.unchanged + more.unchanged,
        }
    }
}

impl ImportState {
    /// The state a batch's stored status, its running time, its result and its progress mean.
    pub fn from_stored(
        status: &str,
        seconds: u64,
        result: Option<&str>,
        progress: Option<&str>,
    ) -> ImportState {
        let so_far = progress
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        match (status, result) {
            ("running", _) if seconds >= IMPORT_INTERRUPTED_AFTER_SECS => {
                ImportState::Interrupted { so_far }
            }
            ("running", _) => ImportState::Running { seconds, so_far },
            ("done", Some(result)) => serde_json::from_str(result)
                .map(|counts| ImportState::Done { counts })
                .unwrap_or(ImportState::Checked),
            ("failed", Some(result)) => serde_json::from_str(result)
                .map(|error| ImportState::Failed { error, so_far })
                .unwrap_or(ImportState::Checked),
            _ => ImportState::Checked,
        }
    }

    /// May the editor start (or start again) the import?
    pub fn may_start(&self) -> bool {
        matches!(
            self,
            ImportState::Checked | ImportState::Failed { .. } | ImportState::Interrupted { .. }
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
        let so_far = ImportCounts {
            created: 1000,
            updated: 0,
            unchanged: 0,
        };
        let progress = serde_json::to_string(&so_far).unwrap();
        let error = serde_json::to_string(&AppError::Conflict { what: "x".into() }).unwrap();
        let late = IMPORT_INTERRUPTED_AFTER_SECS;
        type Row<'a> = (
            &'a str,
            u64,
            Option<&'a str>,
            Option<&'a str>,
            ImportState,
            bool,
        );
        let table: &[Row] = &[
            ("", 0, None, None, ImportState::Checked, true),
            (
                "running",
                12,
                None,
                None,
                ImportState::Running {
                    seconds: 12,
                    so_far: ImportCounts::default(),
                },
                false,
            ),
            (
                "running",
                late - 1,
                None,
                Some(&progress),
                ImportState::Running {
                    seconds: late - 1,
                    so_far,
                },
                false,
            ),
            (
                "running",
                late,
                None,
                Some(&progress),
                ImportState::Interrupted { so_far },
                true,
            ),
            (
                "done",
                40,
                Some(&done),
                None,
                ImportState::Done { counts },
                false,
            ),
            (
                "failed",
                3,
                Some(&error),
                Some(&progress),
                ImportState::Failed {
                    error: AppError::Conflict { what: "x".into() },
                    so_far,
                },
                true,
            ),
            // A result that cannot be read leaves the batch to confirm again.
            ("done", 3, Some("{"), None, ImportState::Checked, true),
        ];
        for (status, seconds, result, progress, state, may_start) in table {
            let found = ImportState::from_stored(status, *seconds, *result, *progress);
            assert_eq!(&found, state, "{status} {seconds}");
            assert_eq!(found.may_start(), *may_start, "{status} {seconds}");
        }
    }

    #[test]
    fn counts_add_up() {
        let a = ImportCounts {
            created: 1,
            updated: 2,
            unchanged: 3,
        };
        assert_eq!(a.rows(), 6);
        assert_eq!(a.plus(a).rows(), 12);
        assert_eq!(a.plus(ImportCounts::default()), a);
    }

    #[test]
    fn states_travel_as_tagged_json() {
        let running = serde_json::to_value(ImportState::Running {
            seconds: 5,
            so_far: ImportCounts::default(),
        })
        .unwrap();
        assert_eq!(running["state"], "running");
        assert_eq!(running["seconds"], 5);
        let done = ImportState::Done {
            counts: ImportCounts::default(),
        };
        let back: ImportState =
            serde_json::from_value(serde_json::to_value(&done).unwrap()).unwrap();
        assert_eq!(back, done);
    }
}
