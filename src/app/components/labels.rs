//! The words the UI shows for the domain's values (a block's kind, a stance, a paper's
//! status, a role…) in the reader's language: one home, so every page names a value alike.
use crate::domain::accounts::{OrgKind, Role};
use crate::domain::consultations::{Choice, Remaining, ResultsMode};
use crate::domain::countries::country_name;
use crate::domain::coverage::{BlockKind, Stance, Warning};
use crate::domain::evidence_csv_views::ImportCounts;
use crate::i18n::*;

pub fn block_kind_name(kind: BlockKind) -> String {
    let i18n = use_i18n();
    match kind {
        BlockKind::Heading => t_string!(i18n, block_heading).to_string(),
        BlockKind::Text => t_string!(i18n, block_text).to_string(),
        BlockKind::Claim => t_string!(i18n, block_claim).to_string(),
        BlockKind::Recommendation => t_string!(i18n, block_recommendation).to_string(),
    }
}

pub fn stance_name(stance: Stance) -> String {
    let i18n = use_i18n();
    match stance {
        Stance::Supports => t_string!(i18n, stance_supports).to_string(),
        Stance::Illustrates => t_string!(i18n, stance_illustrates).to_string(),
        Stance::Qualifies => t_string!(i18n, stance_qualifies).to_string(),
        Stance::Contradicts => t_string!(i18n, stance_contradicts).to_string(),
    }
}

/// A paper's status: draft, consultation, published, archived.
pub fn paper_status_name(status: &str) -> String {
    let i18n = use_i18n();
    match status {
        "consultation" => t_string!(i18n, status_consultation).to_string(),
        "published" => t_string!(i18n, status_published).to_string(),
        "archived" => t_string!(i18n, status_archived).to_string(),
        _ => t_string!(i18n, status_draft).to_string(),
    }
}

/// How a member voted.
pub fn choice_name(choice: Choice) -> String {
    let i18n = use_i18n();
    match choice {
        Choice::Support => t_string!(i18n, choice_support).to_string(),
        Choice::Oppose => t_string!(i18n, choice_oppose).to_string(),
        Choice::Abstain => t_string!(i18n, choice_abstain).to_string(),
    }
}

/// Whether a consultation's results CSV names who voted.
pub fn results_mode_name(mode: ResultsMode) -> String {
    let i18n = use_i18n();
    match mode {
        ResultsMode::Named => t_string!(i18n, results_named).to_string(),
        ResultsMode::Anonymised => t_string!(i18n, results_anonymised).to_string(),
    }
}

/// "3 days", "5 hours", "12 minutes".
pub fn remaining_text(remaining: Remaining) -> String {
    let i18n = use_i18n();
    // The catalogue has no plural rules: one of each unit has its own word.
    match remaining {
        Remaining::Days(1) => t_string!(i18n, remaining_day).to_string(),
        Remaining::Hours(1) => t_string!(i18n, remaining_hour).to_string(),
        Remaining::Minutes(1) => t_string!(i18n, remaining_minute).to_string(),
        Remaining::Days(n) => t_string!(i18n, remaining_days, count = n).to_string(),
        Remaining::Hours(n) => t_string!(i18n, remaining_hours, count = n).to_string(),
        Remaining::Minutes(n) => t_string!(i18n, remaining_minutes, count = n).to_string(),
    }
}

/// How an impact assessment was made.
pub fn method_name(method: &str) -> String {
    let i18n = use_i18n();
    match method {
        "testimonies" => t_string!(i18n, method_testimonies).to_string(),
        "survey" => t_string!(i18n, method_survey).to_string(),
        "swot" => t_string!(i18n, method_swot).to_string(),
        "workcamp_follow_up" => t_string!(i18n, method_workcamp_follow_up).to_string(),
        "focus_group" => t_string!(i18n, method_focus_group).to_string(),
        _ => t_string!(i18n, method_other).to_string(),
    }
}

pub fn role_name(role: Role) -> String {
    let i18n = use_i18n();
    match role {
        Role::Admin => t_string!(i18n, role_admin).to_string(),
        Role::Editor => t_string!(i18n, role_editor).to_string(),
        Role::Member => t_string!(i18n, role_member).to_string(),
    }
}

/// The role as plain text, for attributes and sentences put together in code.
pub fn role_text(role: Role) -> &'static str {
    let i18n = use_i18n();
    match role {
        Role::Admin => t_string!(i18n, role_admin),
        Role::Editor => t_string!(i18n, role_editor),
        Role::Member => t_string!(i18n, role_member),
    }
}

pub fn org_kind_name(kind: OrgKind) -> String {
    let i18n = use_i18n();
    match kind {
        OrgKind::Network => t_string!(i18n, org_kind_network).to_string(),
        OrgKind::Member => t_string!(i18n, org_kind_member).to_string(),
        OrgKind::Partner => t_string!(i18n, org_kind_partner).to_string(),
    }
}

/// An evidence item's kind: testimony, indicator, observation, SWOT.
pub fn evidence_kind_name(kind: &str) -> String {
    let i18n = use_i18n();
    match kind {
        "testimony" => t_string!(i18n, kind_testimony).to_string(),
        "indicator" => t_string!(i18n, kind_indicator).to_string(),
        "observation" => t_string!(i18n, kind_observation).to_string(),
        "swot" => t_string!(i18n, kind_swot).to_string(),
        other => other.to_string(),
    }
}

pub fn quadrant_name(quadrant: &str) -> String {
    let i18n = use_i18n();
    match quadrant {
        "strength" => t_string!(i18n, quadrant_strength).to_string(),
        "weakness" => t_string!(i18n, quadrant_weakness).to_string(),
        "opportunity" => t_string!(i18n, quadrant_opportunity).to_string(),
        "threat" => t_string!(i18n, quadrant_threat).to_string(),
        other => other.to_string(),
    }
}

pub fn consent_name(consent: &str) -> String {
    let i18n = use_i18n();
    match consent {
        "given" => t_string!(i18n, consent_given).to_string(),
        "anonymised" => t_string!(i18n, consent_anonymised).to_string(),
        "withdrawn" => t_string!(i18n, consent_withdrawn).to_string(),
        other => other.to_string(),
    }
}

/// Who may see an evidence item: everyone, or members only.
pub fn visibility_name(visibility: &str) -> String {
    let i18n = use_i18n();
    match visibility {
        "public" => t_string!(i18n, visibility_public).to_string(),
        _ => t_string!(i18n, visibility_members).to_string(),
    }
}

/// "France (FR)"; an unknown code as it is.
pub fn country_label(code: &str) -> String {
    country_name(code)
        .map(|n| format!("{n} ({code})"))
        .unwrap_or_else(|| code.to_string())
}

/// `2026-11-24T10:31:05.123456Z` as `2026-11-24 10:31 UTC`.
pub fn display_time(at: &str) -> String {
    match at.get(..16) {
        Some(minutes) => format!("{} UTC", minutes.replacen('T', " ", 1)),
        None => at.to_string(),
    }
}

/// "Import finished: 3 new, 1 updated, 40 unchanged."
pub fn import_done_text(counts: ImportCounts) -> String {
    let i18n = use_i18n();
    let ImportCounts {
        created,
        updated,
        unchanged,
    } = counts;
    t_string!(
        i18n,
        import_done,
        created = created,
        updated = updated,
        unchanged = unchanged
    )
    .to_string()
}

/// A drafting warning in words (the workspace and the pre-publish check).
pub fn warning_text(warning: &Warning) -> String {
    let i18n = use_i18n();
    match warning.clone() {
        Warning::Unsupported => t_string!(i18n, warning_unsupported).to_string(),
        Warning::EvidenceNeeded => t_string!(i18n, warning_evidence_needed).to_string(),
        Warning::SingleItem => t_string!(i18n, warning_single_item).to_string(),
        Warning::SingleCountry => t_string!(i18n, warning_single_country).to_string(),
        Warning::OnlyTestimonies => t_string!(i18n, warning_only_testimonies).to_string(),
        Warning::OnlyContradicts => t_string!(i18n, warning_only_contradicts).to_string(),
        Warning::ConsentWithdrawn { keys } => {
            let keys = keys.join(", ");
            t_string!(i18n, warning_consent_withdrawn, keys = keys.clone()).to_string()
        }
        Warning::MembersOnly { keys } => {
            let keys = keys.join(", ");
            t_string!(i18n, warning_members_only, keys = keys.clone()).to_string()
        }
        Warning::UnknownKeys { keys } => {
            let keys = keys.join(", ");
            t_string!(i18n, warning_unknown_keys, keys = keys.clone()).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_time_keeps_minutes_and_names_utc() {
        assert_eq!(
            display_time("2026-11-24T10:31:05.123456Z"),
            "2026-11-24 10:31 UTC"
        );
        // Too short to be a time: shown as stored rather than cut.
        assert_eq!(display_time("2026-11-24"), "2026-11-24");
    }

    #[test]
    fn country_label_adds_the_name_when_known() {
        assert_eq!(country_label("FR"), "France (FR)");
        assert_eq!(country_label("ZZ"), "ZZ");
    }
}
