//! What changed in an evidence item, field by field, for its history (who, when, what), and
//! the rule that keeps a cited key stable.
use crate::domain::evidence::{EvidenceFields, EvidenceInput};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use surrealdb::types::SurrealValue;

/// One field's value before and after a change, as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// How a change came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Created,
    Updated,
    Imported,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "created",
            ChangeAction::Updated => "updated",
            ChangeAction::Imported => "imported",
        }
    }
}

/// One entry of an item's history, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(SurrealValue))]
pub struct ChangeEntry {
    /// RFC 3339, UTC.
    pub at: String,
    /// Who made it; empty for demo data loaded at start-up.
    pub who: String,
    pub action: String,
    /// The file name, for imports.
    pub source: String,
    pub changes: Vec<FieldChange>,
    /// Why a withdrawn consent was given back (empty for any other change).
    #[serde(default)]
    pub reason: String,
}

impl EvidenceFields {
    /// The form's strings for a stored item (to edit it, and to compare versions).
    pub fn to_input(&self) -> EvidenceInput {
        let number = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
        EvidenceInput {
            key: self.key.clone(),
            kind: self.kind.as_str().to_string(),
            swot_quadrant: self
                .swot_quadrant
                .map(|q| q.as_str().to_string())
                .unwrap_or_default(),
            text: self.text.clone(),
            value: number(self.value),
            unit: self.unit.clone(),
            sample_size: self.sample_size.map(|n| n.to_string()).unwrap_or_default(),
            baseline: number(self.baseline),
            country: self.country.clone(),
            region: self.region.clone(),
            collected_on: self.collected_on.clone(),
            language: self.language.clone(),
            tags: self.tags.join(", "),
            consent: self.consent.as_str().to_string(),
            visibility: self.visibility.as_str().to_string(),
        }
    }
}

/// The fields that differ between two versions of an item, in form order. Empty when
/// nothing changed (a re-import of the same row leaves no trace).
pub fn diff(before: &EvidenceFields, after: &EvidenceFields) -> Vec<FieldChange> {
    let (b, a) = (before.to_input(), after.to_input());
    let pairs = [
        ("key", &b.key, &a.key),
        ("kind", &b.kind, &a.kind),
        ("swot_quadrant", &b.swot_quadrant, &a.swot_quadrant),
        ("text", &b.text, &a.text),
        ("value", &b.value, &a.value),
        ("unit", &b.unit, &a.unit),
        ("sample_size", &b.sample_size, &a.sample_size),
        ("baseline", &b.baseline, &a.baseline),
        ("country", &b.country, &a.country),
        ("region", &b.region, &a.region),
        ("collected_on", &b.collected_on, &a.collected_on),
        ("language", &b.language, &a.language),
        ("tags", &b.tags, &a.tags),
        ("consent", &b.consent, &a.consent),
        ("visibility", &b.visibility, &a.visibility),
    ];
    pairs
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| FieldChange {
            field: field.to_string(),
            before: before.clone(),
            after: after.clone(),
        })
        .collect()
}

/// A key may change until the item is first cited: papers, published versions and readers'
/// bookmarks rely on it from then on.
pub fn check_key_change(locked: bool, current: &str, wanted: &str) -> Result<(), AppError> {
    if locked && current != wanted {
        Err(AppError::invalid("key", Problem::KeyLocked))
    } else {
        Ok(())
    }
}

/// What an import would do to a finding already stored under the same key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChanges {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub key: String,
    /// Consent and visibility first: those decide who may read the finding.
    pub changes: Vec<FieldChange>,
}

/// Why an import may not touch a stored finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRefusal {
    /// Consent was withdrawn: only the finding's form, with a reason, can undo that.
    WithdrawalIsFinal,
    /// The key belongs to another assessment (often another organisation's): an import
    /// never moves findings.
    OtherAssessment,
}

impl ImportRefusal {
    pub fn error(self) -> AppError {
        match self {
            ImportRefusal::WithdrawalIsFinal => {
                AppError::invalid("consent", Problem::WithdrawalIsFinal)
            }
            ImportRefusal::OtherAssessment => AppError::invalid("key", Problem::OtherAssessment),
        }
    }

    /// The file's column the refusal is about.
    pub fn column(self) -> &'static str {
        match self {
            ImportRefusal::WithdrawalIsFinal => "consent",
            ImportRefusal::OtherAssessment => "key",
        }
    }
}

/// The longest reason for giving a withdrawn consent back, in characters.
pub const CONSENT_REASON_MAX: usize = 1000;

/// Withdrawal is one-way except through the finding's form, by an editor who says why:
/// answers the reason to record (trimmed) when `after` gives back a consent `before`
/// withdrew, None for any other change (a reason typed then is not kept).
pub fn reason_for_consent(
    before: crate::domain::evidence::Consent,
    after: crate::domain::evidence::Consent,
    reason: &str,
) -> Result<Option<String>, AppError> {
    use crate::domain::evidence::Consent;
    if before != Consent::Withdrawn || after == Consent::Withdrawn {
        return Ok(None);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("consent_reason", Problem::Required));
    }
    if reason.chars().count() > CONSENT_REASON_MAX {
        return Err(AppError::invalid(
            "consent_reason",
            Problem::TooLong {
                max: CONSENT_REASON_MAX,
            },
        ));
    }
    Ok(Some(reason.to_string()))
}

/// Compares an imported row with the finding stored under its key (in `stored_assessment`):
/// the changes it would make, consent and visibility first, or why it may not make them.
pub fn review_import_row(
    row: &EvidenceFields,
    stored: &EvidenceFields,
    stored_assessment: &str,
    assessment: &str,
) -> Result<Vec<FieldChange>, ImportRefusal> {
    use crate::domain::evidence::Consent;
    if stored_assessment != assessment {
        return Err(ImportRefusal::OtherAssessment);
    }
    if stored.consent == Consent::Withdrawn && row.consent != Consent::Withdrawn {
        return Err(ImportRefusal::WithdrawalIsFinal);
    }
    let mut changes = diff(stored, row);
    // Stable: the other fields keep the form's order.
    changes.sort_by_key(|c| !matches!(c.field.as_str(), "consent" | "visibility"));
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence::{Consent, EvidenceKind, Visibility};

    #[test]
    fn giving_a_withdrawn_consent_back_takes_a_reason_of_bounded_length() {
        use Consent::{Anonymised, Given, Withdrawn};
        let required = AppError::invalid("consent_reason", Problem::Required);
        assert_eq!(
            reason_for_consent(Withdrawn, Given, ""),
            Err(required.clone())
        );
        assert_eq!(
            reason_for_consent(Withdrawn, Anonymised, "  \n "),
            Err(required)
        );
        assert_eq!(
            reason_for_consent(Withdrawn, Given, " Signed again on 3 May. "),
            Ok(Some("Signed again on 3 May.".into()))
        );
        let long = "é".repeat(CONSENT_REASON_MAX + 1);
        assert_eq!(
            reason_for_consent(Withdrawn, Given, &long),
            Err(AppError::invalid(
                "consent_reason",
                Problem::TooLong {
                    max: CONSENT_REASON_MAX
                }
            ))
        );
        assert_eq!(
            reason_for_consent(Withdrawn, Given, &long[..CONSENT_REASON_MAX * 2]),
            Ok(Some("é".repeat(CONSENT_REASON_MAX)))
        );
        // Nothing given back: no reason needed, none kept.
        assert_eq!(reason_for_consent(Withdrawn, Withdrawn, "why"), Ok(None));
        assert_eq!(reason_for_consent(Given, Withdrawn, ""), Ok(None));
        assert_eq!(reason_for_consent(Given, Anonymised, "why"), Ok(None));
    }

    fn item() -> EvidenceFields {
        EvidenceFields {
            key: "hu-2019-indicator-01".into(),
            kind: EvidenceKind::Indicator,
            swot_quadrant: None,
            text: "Share who found work.".into(),
            value: Some(42.5),
            unit: "%".into(),
            sample_size: Some(120),
            baseline: None,
            country: "HU".into(),
            region: "Central Europe".into(),
            collected_on: "2019-06-30".into(),
            language: "hu".into(),
            tags: vec!["employment".into(), "skills".into()],
            consent: Consent::Given,
            visibility: Visibility::Public,
        }
    }

    #[test]
    fn the_form_strings_validate_back_to_the_same_item() {
        let fields = item();
        assert_eq!(fields.to_input().validate().unwrap(), fields);
    }

    #[test]
    fn diff_lists_changed_fields_in_form_order() {
        let before = item();
        assert!(diff(&before, &before).is_empty(), "no change, no entry");
        let after = EvidenceFields {
            value: Some(40.0),
            country: "AT".into(),
            baseline: Some(30.0),
            tags: vec!["employment".into()],
            consent: Consent::Withdrawn,
            ..item()
        };
        let changes = diff(&before, &after);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["value", "baseline", "country", "tags", "consent"]);
        assert_eq!(
            changes[0],
            FieldChange {
                field: "value".into(),
                before: "42.5".into(),
                after: "40".into()
            }
        );
        assert_eq!(changes[1].before, "", "absent values compare as empty");
        assert_eq!(changes[3].before, "employment, skills");
    }

    #[test]
    fn keys_lock_once_cited() {
        assert!(check_key_change(false, "a-01", "a-02").is_ok());
        assert!(check_key_change(true, "a-01", "a-01").is_ok());
        assert_eq!(
            check_key_change(true, "a-01", "a-02")
                .unwrap_err()
                .problem_for("key"),
            Some(&Problem::KeyLocked)
        );
    }

    #[test]
    fn an_import_lists_consent_and_visibility_changes_first() {
        let stored = item();
        let row = EvidenceFields {
            text: "Share who found work within a year.".into(),
            visibility: Visibility::Members,
            consent: Consent::Anonymised,
            ..item()
        };
        let changes = review_import_row(&row, &stored, "a1", "a1").unwrap();
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["consent", "visibility", "text"]);
        assert_eq!(review_import_row(&stored, &stored, "a1", "a1"), Ok(vec![]));
    }

    #[test]
    fn an_import_never_undoes_a_withdrawal_nor_moves_a_finding() {
        let withdrawn = EvidenceFields {
            consent: Consent::Withdrawn,
            ..item()
        };
        for consent in [Consent::Given, Consent::Anonymised] {
            let row = EvidenceFields { consent, ..item() };
            assert_eq!(
                review_import_row(&row, &withdrawn, "a1", "a1"),
                Err(ImportRefusal::WithdrawalIsFinal),
                "{consent:?}"
            );
        }
        // Withdrawing by import is fine, and a withdrawn finding's other fields may change.
        let still_withdrawn = EvidenceFields {
            text: "Corrected.".into(),
            ..withdrawn.clone()
        };
        assert!(review_import_row(&withdrawn, &item(), "a1", "a1").is_ok());
        assert!(review_import_row(&still_withdrawn, &withdrawn, "a1", "a1").is_ok());
        assert_eq!(
            review_import_row(&item(), &item(), "a2", "a1"),
            Err(ImportRefusal::OtherAssessment)
        );
        assert_eq!(
            ImportRefusal::WithdrawalIsFinal.error(),
            AppError::invalid("consent", Problem::WithdrawalIsFinal)
        );
    }
}
