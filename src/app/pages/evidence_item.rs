//! One evidence item: the finding itself, where it comes from, and how it may be used.
use crate::api::evidence::evidence_item;
use crate::app::components::evidence_card::{UsageFlags, format_value};
use crate::app::components::fields::field_label;
use crate::app::components::labels::{
    block_kind_name, consent_name, country_label, display_time, evidence_kind_name,
    paper_status_name, quadrant_name, stance_name,
};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::LoadError;
use crate::domain::evidence_history::ChangeEntry;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn EvidenceItemPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    let is_editor = crate::app::components::session::use_session()
        .member()
        .is_some_and(|m| m.role.at_least(crate::domain::accounts::Role::Editor));
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
                            <PageTitle text=key.clone() />
                            <article class="evidence-item">
                                <header class="evidence-item-head">
                                    <p class="eyebrow">
                                        <span class=format!("kind kind-{}", d.kind)>{evidence_kind_name(&d.kind)}</span>
                                        {d.swot_quadrant.clone().map(|q| view! { <span class="badge">{quadrant_name(&q)}</span> })}
                                        <UsageFlags consent=d.consent.clone() visibility=d.visibility.clone() />
                                    </p>
                                    <h1 class="evidence-key-title">{key.clone()}</h1>
                                    <p class="muted">{t!(i18n, evidence_cite_as)} " " <code>{format!("[@{key}]")}</code></p>
                                </header>
                                {saved.then(|| view! { <div class="alert alert-ok" role="status">{t!(i18n, form_saved)}</div> })}
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
                                {is_editor.then(|| view! {
                                    <p class="actions"><a class="button button-quiet" href=format!("/evidence/{key}/edit")>{t!(i18n, evidence_edit_heading)}</a></p>
                                })}
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
                            {(!view.cited_in.is_empty()).then(|| view! { <CitedInList cited=view.cited_in /> })}
                            {is_editor.then(|| view! { <History entries=view.history /> })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn action_name(action: &str) -> AnyView {
    let i18n = use_i18n();
    match action {
        "created" => t!(i18n, history_created).into_any(),
        "imported" => t!(i18n, history_imported).into_any(),
        _ => t!(i18n, history_updated).into_any(),
    }
}

/// Who changed what and when: each entry names the fields, and opens to show before and after.
#[component]
fn History(entries: Vec<ChangeEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">{t!(i18n, history_heading)}</h2>
            {entries.is_empty().then(|| view! { <p class="muted">{t!(i18n, history_empty)}</p> })}
            <ol class="history-list">
                {entries.into_iter().map(|entry| {
                    let who = if entry.who.is_empty() { None } else { Some(entry.who.clone()) };
                    let count = entry.changes.len();
                    view! {
                        <li>
                            <p>
                                <time datetime=entry.at.clone()>{display_time(&entry.at)}</time> " · "
                                <strong>{who.map(|w| w.into_any()).unwrap_or_else(|| t!(i18n, history_demo).into_any())}</strong> " · "
                                {action_name(&entry.action)}
                                {(!entry.source.is_empty()).then(|| view! { " " <span class="muted">"(" {entry.source.clone()} ")"</span> })}
                            </p>
                            {(!entry.reason.is_empty()).then(|| view! {
                                <p class="history-reason">{t!(i18n, history_consent_reason)} " " {entry.reason.clone()}</p>
                            })}
                            {(count > 0).then(|| view! {
                                <details>
                                    <summary>
                                        {t!(i18n, history_fields_changed, count = move || count)} ": "
                                        {entry.changes.iter().enumerate().map(|(n, c)| view! {
                                            {(n > 0).then_some(", ")}{field_label(&c.field)}
                                        }).collect_view()}
                                    </summary>
                                    <div class="table-wrap">
                                        <table>
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t!(i18n, history_field)}</th>
                                                    <th scope="col">{t!(i18n, history_before)}</th>
                                                    <th scope="col">{t!(i18n, history_after)}</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {entry.changes.into_iter().map(|c| view! {
                                                    <tr>
                                                        <th scope="row">{field_label(&c.field)}</th>
                                                        <td class="history-value">{c.before}</td>
                                                        <td class="history-value">{c.after}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// "Cited in": the papers and blocks that use this finding.
#[component]
fn CitedInList(cited: Vec<crate::domain::evidence_views::CitedIn>) -> impl IntoView {
    let i18n = use_i18n();
    let count = cited.len();
    view! {
        <section class="cited-in" aria-labelledby="cited-in-heading">
            <h2 id="cited-in-heading">{t!(i18n, evidence_cited_in, count = move || count)}</h2>
            <ul>
                {cited.into_iter().map(|c| {
                    let href = if c.status == "draft" {
                        crate::domain::papers::draft_block_href(&c.slug, &c.block)
                    } else {
                        format!("/papers/{}#block-{}", c.slug, c.block)
                    };
                    let kind = c.kind.parse().unwrap_or(crate::domain::coverage::BlockKind::Text);
                    let stance = c.stance.parse().unwrap_or_default();
                    view! {
                        <li>
                            <a href=href>{c.title.clone()}</a> " · "
                            {block_kind_name(kind)} " · "
                            {stance_name(stance)} " · "
                            {paper_status_name(&c.status)}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
