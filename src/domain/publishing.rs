//! What the pre-publish check shows an editor, and the rules for the publish form.
use crate::domain::coverage::{BlockKind, Warning};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};

/// The longest release notes and override reason an editor may write.
pub const RELEASE_NOTES_MAX: usize = 5_000;
pub const OVERRIDE_REASON_MAX: usize = 2_000;

/// A block with drafting warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarnedBlock {
    pub id: String,
    pub kind: BlockKind,
    pub number: Option<u32>,
    /// The block rendered (sanitised), to recognise it.
    pub html: String,
    pub warnings: Vec<Warning>,
}

/// The count on one target of the consultation: a recommendation (its number) or the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyView {
    pub number: Option<u32>,
    pub support: usize,
    pub oppose: usize,
    pub abstain: usize,
    pub organisations: usize,
}

/// A published version in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub number: u32,
    pub hash: String,
    pub created_at: String,
    pub release_notes: String,
}

/// The pre-publish check of a paper, for its editors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishCheck {
    pub slug: String,
    pub title: String,
    pub status: String,
    /// The version publishing makes now; the form sends it back, so a version published by
    /// someone else in between is noticed rather than silently followed.
    pub next_number: u32,
    pub supported: usize,
    pub needing_support: usize,
    pub warned: Vec<WarnedBlock>,
    /// Unsupported recommendations: each needs an override reason.
    pub unsupported: Vec<WarnedBlock>,
    /// None when the paper has had no consultation.
    pub tallies: Option<Vec<TallyView>>,
    pub consultation_open: bool,
    pub versions: Vec<VersionSummary>,
}

/// An editor's reason to publish one unsupported recommendation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideInput {
    pub block: String,
    pub reason: String,
}

/// The form field an override's reason is typed in.
pub fn override_field(block: &str) -> String {
    format!("override_{block}")
}

/// Checks the publish form against the check: release notes required and bounded, every
/// unsupported recommendation overridden with a reason. Answers the notes and the
/// overrides (block, reason) trimmed, or every problem at once.
pub fn validate_publication(
    release_notes: &str,
    overrides: &[OverrideInput],
    unsupported: &[String],
) -> Result<(String, Vec<(String, String)>), AppError> {
    let mut errors = Vec::new();
    let notes = release_notes.trim();
    if notes.is_empty() {
        errors.push(AppError::invalid("release_notes", Problem::Required));
    } else if notes.chars().count() > RELEASE_NOTES_MAX {
        errors.push(AppError::invalid(
            "release_notes",
            Problem::TooLong {
                max: RELEASE_NOTES_MAX,
            },
        ));
    }
    let mut kept = Vec::new();
    for block in unsupported {
        let reason = overrides
            .iter()
            .find(|o| o.block == *block)
            .map_or("", |o| o.reason.trim());
        if reason.is_empty() {
            errors.push(AppError::invalid(override_field(block), Problem::Required));
        } else if reason.chars().count() > OVERRIDE_REASON_MAX {
            errors.push(AppError::invalid(
                override_field(block),
                Problem::TooLong {
                    max: OVERRIDE_REASON_MAX,
                },
            ));
        } else {
            kept.push((block.clone(), reason.to_string()));
        }
    }
    if errors.is_empty() {
        Ok((notes.to_string(), kept))
    } else {
        Err(AppError::all(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(block: &str, reason: &str) -> OverrideInput {
        OverrideInput {
            block: block.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn release_notes_and_overrides_are_checked_all_at_once() {
        let unsupported = vec!["b1".to_string(), "b2".to_string()];
        let long = "x".repeat(RELEASE_NOTES_MAX + 1);
        let table: Vec<(&str, Vec<OverrideInput>, Vec<&str>)> = vec![
            (
                "  ",
                vec![],
                vec!["release_notes", "override_b1", "override_b2"],
            ),
            ("Notes", vec![reason("b1", "Because.")], vec!["override_b2"]),
            (
                &long,
                vec![reason("b1", "a"), reason("b2", "b")],
                vec!["release_notes"],
            ),
            (
                "Notes",
                vec![
                    reason("b1", "a"),
                    reason("b2", &"y".repeat(OVERRIDE_REASON_MAX + 1)),
                ],
                vec!["override_b2"],
            ),
            (
                "Notes",
                vec![reason("b1", "a"), reason("b2", " b ")],
                vec![],
            ),
        ];
        for (notes, overrides, wrong) in table {
            match validate_publication(notes, &overrides, &unsupported) {
                Ok((kept_notes, kept)) => {
                    assert!(wrong.is_empty(), "{notes:?} passed");
                    assert_eq!(kept_notes, "Notes");
                    assert_eq!(kept[1], ("b2".to_string(), "b".to_string()));
                }
                Err(error) => {
                    let fields: Vec<String> = error
                        .field_problems()
                        .into_iter()
                        .map(|(f, _)| f.to_string())
                        .collect();
                    assert_eq!(fields, wrong, "{notes:?}");
                }
            }
        }
    }

    #[test]
    fn overrides_for_supported_blocks_are_ignored() {
        let (_, kept) = validate_publication("Notes", &[reason("elsewhere", "why")], &[]).unwrap();
        assert!(kept.is_empty());
    }
}
