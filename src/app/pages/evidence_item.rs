//! One evidence item: the finding itself, where it comes from, and how it may be used.
use crate::api::evidence::evidence_item;
use crate::app::components::evidence_card::{
    LoadError, UsageFlags, consent_name, country_label, format_value, kind_name, quadrant_name,
};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EvidenceItemPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let item = Resource::new(
        move || params.with(|p| p.get("key").unwrap_or_default()),
        evidence_item,
    );
    view! {
        <p class="breadcrumb"><a href="/evidence">{t!(i18n, evidence_back)}</a></p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match item.await {
                    Err(error) => view! { <h1>{t!(i18n, evidence_unavailable)}</h1> <LoadError error /> }.into_any(),
                    Ok(view) => {
                        let d = view.detail;
                        let key = d.key.clone();
                        let value = d.value.map(|v| format_value(v, &d.unit));
                        let baseline = d.baseline.map(|v| format_value(v, &d.unit));
                        let withdrawn = d.consent == "withdrawn";
                        view! {
                            <Title text=key.clone() />
                            <article class="evidence-item">
                                <header class="evidence-item-head">
                                    <p class="eyebrow">
                                        <span class=format!("kind kind-{}", d.kind)>{kind_name(&d.kind)}</span>
                                        {d.swot_quadrant.clone().map(|q| view! { <span class="badge">{quadrant_name(&q)}</span> })}
                                        <UsageFlags consent=d.consent.clone() visibility=d.visibility.clone() />
                                    </p>
                                    <h1 class="evidence-key-title">{key.clone()}</h1>
                                    <p class="muted">{t!(i18n, evidence_cite_as)} " " <code>{format!("[@{key}]")}</code></p>
                                </header>
                                {withdrawn.then(|| view! {
                                    <div class="alert alert-error" role="note">{t!(i18n, evidence_withdrawn_warning)}</div>
                                })}
                                {value.map(|v| view! {
                                    <p class="evidence-figure">
                                        <span class="evidence-figure-value">{v}</span>
                                        {d.sample_size.map(|n| view! { <span class="muted">" " {t!(i18n, evidence_sample, n = move || n)}</span> })}
                                        {baseline.map(|b| view! { <span class="muted">" · " {t!(i18n, evidence_baseline, value = move || b.clone())}</span> })}
                                    </p>
                                })}
                                <div class="evidence-text prose" inner_html=view.text_html></div>
                                <dl class="facts">
                                    <dt>{t!(i18n, field_country)}</dt>
                                    <dd>{country_label(&d.country)}</dd>
                                    {(!d.region.is_empty()).then(|| view! { <dt>{t!(i18n, field_region)}</dt> <dd>{d.region.clone()}</dd> })}
                                    <dt>{t!(i18n, field_collected_on)}</dt>
                                    <dd>{d.collected_on.clone()}</dd>
                                    {(!d.language.is_empty()).then(|| view! { <dt>{t!(i18n, field_language)}</dt> <dd>{d.language.clone()}</dd> })}
                                    {(!d.tags.is_empty()).then(|| view! { <dt>{t!(i18n, field_tags)}</dt> <dd>{d.tags.join(", ")}</dd> })}
                                    <dt>{t!(i18n, field_consent)}</dt>
                                    <dd>{consent_name(&d.consent)}</dd>
                                    <dt>{t!(i18n, field_assessment)}</dt>
                                    <dd><a href=format!("/assessments/{}", d.assessment_id)>{d.assessment.clone()}</a></dd>
                                    <dt>{t!(i18n, field_organisation)}</dt>
                                    <dd>{d.organisation.clone()}</dd>
                                </dl>
                            </article>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
