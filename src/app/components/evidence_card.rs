//! One evidence item in a list: key, kind, the matching words, where and when it comes from.
use crate::app::components::alerts::error_text;
use crate::domain::countries::country_name;
use crate::domain::evidence_views::EvidenceListing;
use crate::i18n::*;
use leptos::prelude::*;

pub fn kind_name(kind: &str) -> AnyView {
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

pub fn country_label(code: &str) -> String {
    country_name(code)
        .map(|n| format!("{n} ({code})"))
        .unwrap_or_else(|| code.to_string())
}

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
                <span class=format!("kind kind-{}", item.kind)>{kind_name(&item.kind)}</span>
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

/// Previous / next links that keep the filters.
#[component]
pub fn Pager(
    base: String,
    query: Box<dyn Fn(u32) -> String + Send + Sync>,
    page: u32,
    pages: u32,
) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |p: u32| {
        let q = query(p);
        if q.is_empty() {
            base.clone()
        } else {
            format!("{base}?{q}")
        }
    };
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pager_label)>
            {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>{t!(i18n, pager_previous)}</a> })}
            <span>{t!(i18n, pager_position, page = move || page, pages = move || pages)}</span>
            {(page < pages).then(|| view! { <a rel="next" href=link(page + 1)>{t!(i18n, pager_next)}</a> })}
        </nav>
    }
}

/// An error box for a page whose data could not be loaded.
#[component]
pub fn LoadError(error: crate::error::AppError) -> impl IntoView {
    crate::app::pages::status::set_status(error.status());
    view! { <div class="alert alert-error" role="alert">{error_text(&error)}</div> }
}
