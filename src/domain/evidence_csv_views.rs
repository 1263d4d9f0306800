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
