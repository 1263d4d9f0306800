//! The words the UI shows for the domain's values (a block's kind, a stance, a paper's
//! status, a role…) in the reader's language: one home, so every page names a value alike.
use crate::domain::accounts::{OrgKind, Role};
use crate::domain::consultations::{Choice, Remaining, ResultsMode};
use crate::domain::countries::country_name;
use crate::domain::coverage::{BlockKind, Stance, Warning};
use crate::domain::evidence_csv_views::ImportCounts;
use crate::i18n::*;
use leptos::prelude::*;

pub fn block_kind_name(kind: BlockKind) -> AnyView {
    let i18n = use_i18n();
    match kind {
        BlockKind::Heading => t!(i18n, block_heading).into_any(),
        BlockKind::Text => t!(i18n, block_text).into_any(),
        BlockKind::Claim => t!(i18n, block_claim).into_any(),
        BlockKind::Recommendation => t!(i18n, block_recommendation).into_any(),
    }
}

pub fn stance_name(stance: Stance) -> AnyView {
    let i18n = use_i18n();
    match stance {
        Stance::Supports => t!(i18n, stance_supports).into_any(),
        Stance::Illustrates => t!(i18n, stance_illustrates).into_any(),
        Stance::Qualifies => t!(i18n, stance_qualifies).into_any(),
        Stance::Contradicts => t!(i18n, stance_contradicts).into_any(),
    }
}

/// A paper's status: draft, consultation, published, archived.
pub fn paper_status_name(status: &str) -> AnyView {
    let i18n = use_i18n();
    match status {
        "consultation" => t!(i18n, status_consultation).into_any(),
        "published" => t!(i18n, status_published).into_any(),
        "archived" => t!(i18n, status_archived).into_any(),
        _ => t!(i18n, status_draft).into_any(),
    }
}

/// How a member voted.
pub fn choice_name(choice: Choice) -> AnyView {
    let i18n = use_i18n();
    match choice {
        Choice::Support => t!(i18n, choice_support).into_any(),
        Choice::Oppose => t!(i18n, choice_oppose).into_any(),
        Choice::Abstain => t!(i18n, choice_abstain).into_any(),
    }
}

/// Whether a consultation's results CSV names who voted.
pub fn results_mode_name(mode: ResultsMode) -> AnyView {
    let i18n = use_i18n();
    match mode {
        ResultsMode::Named => t!(i18n, results_named).into_any(),
        ResultsMode::Anonymised => t!(i18n, results_anonymised).into_any(),
    }
}

/// "3 days", "5 hours", "12 minutes".
pub fn remaining_text(remaining: Remaining) -> AnyView {
    let i18n = use_i18n();
    // The catalogue has no plural rules: one of each unit has its own word.
    match remaining {
        Remaining::Days(1) => t!(i18n, remaining_day).into_any(),
        Remaining::Hours(1) => t!(i18n, remaining_hour).into_any(),
        Remaining::Minutes(1) => t!(i18n, remaining_minute).into_any(),
        Remaining::Days(n) => t!(i18n, remaining_days, count = move || n).into_any(),
        Remaining::Hours(n) => t!(i18n, remaining_hours, count = move || n).into_any(),
        Remaining::Minutes(n) => t!(i18n, remaining_minutes, count = move || n).into_any(),
    }
}

/// How an impact assessment was made.
pub fn method_name(method: &str) -> AnyView {
    let i18n = use_i18n();
    match method {
        "testimonies" => t!(i18n, method_testimonies).into_any(),
        "survey" => t!(i18n, method_survey).into_any(),
        "swot" => t!(i18n, method_swot).into_any(),
        "workcamp_follow_up" => t!(i18n, method_workcamp_follow_up).into_any(),
        "focus_group" => t!(i18n, method_focus_group).into_any(),
        _ => t!(i18n, method_other).into_any(),
    }
}

pub fn role_name(role: Role) -> AnyView {
    let i18n = use_i18n();
    match role {
        Role::Admin => t!(i18n, role_admin).into_any(),
        Role::Editor => t!(i18n, role_editor).into_any(),
        Role::Member => t!(i18n, role_member).into_any(),
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

pub fn org_kind_name(kind: OrgKind) -> AnyView {
    let i18n = use_i18n();
    match kind {
        OrgKind::Network => t!(i18n, org_kind_network).into_any(),
        OrgKind::Member => t!(i18n, org_kind_member).into_any(),
        OrgKind::Partner => t!(i18n, org_kind_partner).into_any(),
    }
}

/// An evidence item's kind: testimony, indicator, observation, SWOT.
pub fn evidence_kind_name(kind: &str) -> AnyView {
    let i18n = use_i18n();
    match kind {
        "testimony" => t!(i18n, kind_testimony).into_any(),
        "indicator" => t!(i18n, kind_indicator).into_any(),
        "observation" => t!(i18n, kind_observation).into_any(),
        "swot" => t!(i18n, kind_swot).into_any(),
        other => other.to_string().into_any(),
    }
}

pub fn quadrant_name(quadrant: &str) -> AnyView {
    let i18n = use_i18n();
    match quadrant {
        "strength" => t!(i18n, quadrant_strength).into_any(),
        "weakness" => t!(i18n, quadrant_weakness).into_any(),
        "opportunity" => t!(i18n, quadrant_opportunity).into_any(),
        "threat" => t!(i18n, quadrant_threat).into_any(),
        other => other.to_string().into_any(),
    }
}

pub fn consent_name(consent: &str) -> AnyView {
    let i18n = use_i18n();
    match consent {
        "given" => t!(i18n, consent_given).into_any(),
        "anonymised" => t!(i18n, consent_anonymised).into_any(),
        "withdrawn" => t!(i18n, consent_withdrawn).into_any(),
        other => other.to_string().into_any(),
    }
}

/// Who may see an evidence item: everyone, or members only.
pub fn visibility_name(visibility: &str) -> AnyView {
    let i18n = use_i18n();
    match visibility {
        "public" => t!(i18n, visibility_public).into_any(),
        _ => t!(i18n, visibility_members).into_any(),
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
pub fn import_done_text(counts: ImportCounts) -> AnyView {
    let i18n = use_i18n();
    let ImportCounts {
        created,
        updated,
        unchanged,
    } = counts;
    t!(
        i18n,
        import_done,
        created = move || created,
        updated = move || updated,
        unchanged = move || unchanged
    )
    .into_any()
}

/// A drafting warning in words (the workspace and the pre-publish check).
pub fn warning_text(warning: &Warning) -> AnyView {
    let i18n = use_i18n();
    match warning.clone() {
        Warning::Unsupported => t!(i18n, warning_unsupported).into_any(),
        Warning::EvidenceNeeded => t!(i18n, warning_evidence_needed).into_any(),
        Warning::SingleItem => t!(i18n, warning_single_item).into_any(),
        Warning::SingleCountry => t!(i18n, warning_single_country).into_any(),
        Warning::OnlyTestimonies => t!(i18n, warning_only_testimonies).into_any(),
        Warning::OnlyContradicts => t!(i18n, warning_only_contradicts).into_any(),
        Warning::ConsentWithdrawn { keys } => {
            let keys = keys.join(", ");
            t!(i18n, warning_consent_withdrawn, keys = move || keys.clone()).into_any()
        }
        Warning::MembersOnly { keys } => {
            let keys = keys.join(", ");
            t!(i18n, warning_members_only, keys = move || keys.clone()).into_any()
        }
        Warning::UnknownKeys { keys } => {
            let keys = keys.join(", ");
            t!(i18n, warning_unknown_keys, keys = move || keys.clone()).into_any()
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
