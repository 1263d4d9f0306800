//! An impact assessment: what was studied, how, where, and its findings.
use crate::api::evidence::assessment;
use crate::app::components::evidence_card::EvidenceCard;
use crate::app::components::labels::{country_label, import_done_text, method_name};
use crate::app::components::page_title::PageTitle;
use crate::app::components::pager::Pager;
use crate::app::components::status::LoadError;
use crate::domain::evidence_csv_views::ImportCounts;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::ops::Not;

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let imported = query.with_untracked(|q| {
        let count = |name: &str| q.get(name).and_then(|n| n.parse::<usize>().ok());
        Some(ImportCounts {
            created: count("created")?,
            updated: count("updated")?,
            unchanged: count("unchanged")?,
        })
    });
    let saved = query.with_untracked(|q| q.get("saved").is_some());
    let is_editor = crate::app::components::session::use_session()
        .member()
        .is_some_and(|m| m.role.at_least(crate::domain::accounts::Role::Editor));
    let data = Resource::new(
        move || {
            let id = params.with(|p| p.get("id").unwrap_or_default());
            let page = query.with(|q| q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1));
            (id, page)
        },
        |(id, page)| assessment(id, page),
    );
    view! {
        <p class="breadcrumb"><a href="/evidence">{t!(i18n, evidence_back)}</a></p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <h1>{t!(i18n, assessment_unavailable)}</h1> <LoadError error /> }.into_any(),
                    Ok(view) => {
                        let d = view.detail;
                        let items = view.items;
                        let total = items.total;
                        let base = format!("/assessments/{}", d.id);
                        view! {
                            <PageTitle text=d.title.clone() />
                            <p class="eyebrow">{t!(i18n, assessment_eyebrow)}</p>
                            <h1>{d.title.clone()}</h1>
                            <dl class="facts card">
                                {(!d.programme.is_empty()).then(|| view! { <dt>{t!(i18n, field_programme)}</dt> <dd>{d.programme.clone()}</dd> })}
                                <dt>{t!(i18n, field_method)}</dt>
                                <dd>{method_name(&d.method)}</dd>
                                <dt>{t!(i18n, field_period)}</dt>
                                <dd>{format!("{} – {}", d.period_from, d.period_to)}</dd>
                                <dt>{t!(i18n, field_organisation)}</dt>
                                <dd>{d.organisation.clone()}</dd>
                                <dt>{t!(i18n, field_countries)}</dt>
                                <dd>{d.countries.iter().map(|c| country_label(c)).collect::<Vec<_>>().join(", ")}</dd>
                            </dl>
                            {saved.then(|| view! { <div class="alert alert-ok" role="status">{t!(i18n, form_saved)}</div> })}
                            {d.link.is_empty().not().then(|| view! { <p><a href=d.link.clone() rel="noopener noreferrer nofollow">{t!(i18n, assessment_open_link)}</a></p> })}
                            {imported.map(|counts| view! { <div class="alert alert-ok" role="status">{import_done_text(counts)}</div> })}
                            <div class="prose" inner_html=view.summary_html></div>
                            <p class="actions">
                                {is_editor.then(|| view! {
                                    <a class="button" href=format!("{base}/evidence/new")>{t!(i18n, evidence_new_heading)}</a>
                                    <a class="button button-quiet" href=format!("{base}/import")>{t!(i18n, import_heading)}</a>
                                    <a class="button button-quiet" href=format!("{base}/edit")>{t!(i18n, assessment_edit_heading)}</a>
                                })}
                                <a class="button button-quiet" href=format!("/evidence.csv?assessment={}", d.id)>{t!(i18n, export_csv)}</a>
                            </p>
                            <h2>{t!(i18n, assessment_findings, count = move || total)}</h2>
                            <ul class="evidence-list">
                                {items.items.into_iter().map(|item| view! { <EvidenceCard item /> }).collect_view()}
                            </ul>
                            {(items.pages > 1).then(|| view! {
                                <Pager base query=Box::new(|p| if p > 1 { format!("page={p}") } else { String::new() })
                                    page=items.page pages=items.pages />
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
