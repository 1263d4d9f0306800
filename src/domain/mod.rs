//! Pure rules and shapes, compiled for the server and the browser alike, and tested without
//! either.
/// An enum of fixed choices stored and typed as snake_case words: `ALL`, `as_str`, and
/// `FromStr` that names the form field when the word is unknown. Used at the call site's
/// imports (`AppError`, `Problem`, `FromStr`, serde).
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = AppError;
            fn from_str(s: &str) -> Result<Self, AppError> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(AppError::invalid($field, Problem::InvalidChoice)),
                }
            }
        }
    };
}

pub mod accounts;
pub mod amendments;
pub mod anchors;
pub mod assessments;
pub mod citations;
pub mod comments;
pub mod consultations;
pub mod countries;
/// Uses `deunicode`, a server-only dependency: country names are read on the server.
#[cfg(feature = "ssr")]
pub mod country_names;
pub mod coverage;
pub mod dates;
/// Uses `similar`, a server-only dependency: the browser asks the server for diffs.
#[cfg(feature = "ssr")]
pub mod diff;
/// How a page is sent compressed: the server's concern.
#[cfg(feature = "ssr")]
pub mod encoding;
pub mod evidence;
#[cfg(feature = "ssr")]
pub mod evidence_csv;
pub mod evidence_csv_views;
pub mod evidence_history;
pub mod evidence_views;
pub mod front;
pub mod login_throttle;
pub mod needs;
pub mod order;
#[cfg(feature = "ssr")]
pub mod paper_markdown;
pub mod papers;
pub mod publishing;
/// Citations of a version in BibTeX, RIS, CSL-JSON and plain text.
#[cfg(feature = "ssr")]
pub mod version_citation;
/// Builds on `versions` and `diff`, both server-only.
#[cfg(feature = "ssr")]
pub mod version_diff;
/// Builds on `versions` and `paper_markdown`, both server-only.
#[cfg(feature = "ssr")]
pub mod version_markdown;
/// Hashes with `sha2`, a server-only dependency: browsers read a version's hash, not compute it.
#[cfg(feature = "ssr")]
pub mod versions;
/// Uses `csv`, a server-only dependency.
#[cfg(feature = "ssr")]
pub mod votes_csv;
