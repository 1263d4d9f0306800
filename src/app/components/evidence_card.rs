//! One evidence item in a list: key, kind, the matching words, where and when it comes from.
use crate::app::components::labels::{country_label, evidence_kind_name, quadrant_name};
use crate::domain::evidence_views::EvidenceListing;
use crate::i18n::*;
use leptos::prelude::*;

/// Formats an indicator value without trailing zeros: 42.5 %, 120 people.
pub fn format_value(value: f64, unit: &str) -> String {
    let number = if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    };
    if unit.is_empty() {
        number
    } else if unit == "%" {
        format!("{number} %")
    } else {
        format!("{number} {unit}")
    }
}

/// Badges that warn about how an item may be used.
#[component]
pub fn UsageFlags(consent: String, visibility: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {(consent == "withdrawn").then(|| view! { <span class="badge badge-danger">{t!(i18n, flag_consent_withdrawn)}</span> })}
        {(consent == "anonymised").then(|| view! { <span class="badge">{t!(i18n, consent_anonymised)}</span> })}
        {(visibility == "members").then(|| view! { <span class="badge badge-members">{t!(i18n, flag_members_only)}</span> })}
    }
}

#[component]
pub fn EvidenceCard(item: EvidenceListing) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/evidence/{}", item.key);
    let assessment_href = format!("/assessments/{}", item.assessment_id);
    let value = item.value.map(|v| format_value(v, &item.unit));
    view! {
        <li class="evidence-card">
            <div class="evidence-card-head">
                <a class="evidence-key" href=href>{item.key.clone()}</a>
                <span class=format!("kind kind-{}", item.kind)>{evidence_kind_name(&item.kind)}</span>
                {item.swot_quadrant.clone().map(|q| view! { <span class="badge">{quadrant_name(&q)}</span> })}
                <UsageFlags consent=item.consent.clone() visibility=item.visibility.clone() />
            </div>
            {value.map(|v| view! { <p class="evidence-value">{v}</p> })}
            <p class="evidence-snippet">
                {item
                    .snippet
                    .into_iter()
                    .map(|s| if s.matched { view! { <mark>{s.text}</mark> }.into_any() } else { s.text.into_any() })
                    .collect_view()}
            </p>
            <p class="evidence-meta small muted">
                {country_label(&item.country)}
                {(!item.region.is_empty()).then(|| format!(" · {}", item.region))}
                " · "
                {item.collected_on.clone()}
                " · "
                <a href=assessment_href>{item.assessment.clone()}</a>
                {(!item.tags.is_empty()).then(|| view! { <span>" · " {t!(i18n, field_tags)} ": " {item.tags.join(", ")}</span> })}
            </p>
        </li>
    }
}
