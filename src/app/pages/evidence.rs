//! The evidence library: search and filters (a GET form, so it works without JavaScript and
//! every result list has a shareable address), results, pagination.
use crate::api::evidence::{EvidenceFilter, LibraryView, evidence_library};
use crate::app::components::evidence_card::EvidenceCard;
use crate::app::components::labels::{consent_name, country_label, evidence_kind_name};
use crate::app::components::page_title::PageTitle;
use crate::app::components::pager::Pager;
use crate::app::components::session::use_session;
use crate::app::components::status::LoadError;
use crate::domain::accounts::Role;
use crate::domain::evidence::{Consent, EvidenceKind};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn filter_from_query() -> EvidenceFilter {
    use_query_map().with(|q| EvidenceFilter {
        q: q.get("q").unwrap_or_default(),
        kind: q.get("kind").unwrap_or_default(),
        country: q.get("country").unwrap_or_default(),
        region: q.get("region").unwrap_or_default(),
        assessment: q.get("assessment").unwrap_or_default(),
        tag: q.get("tag").unwrap_or_default(),
        consent: q.get("consent").unwrap_or_default(),
        visibility: q.get("visibility").unwrap_or_default(),
        page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    })
}

#[component]
pub fn EvidenceLibrary() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let library = Resource::new(
        move || query.with(|_| filter_from_query()),
        evidence_library,
    );
    view! {
        <PageTitle text=t_string!(i18n, evidence_title).to_string() />
        <h1>{t!(i18n, evidence_heading)}</h1>
        <p class="lead">{t!(i18n, evidence_lead)}</p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match library.await {
                    Ok(view) => view! { <Library view /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Library(view: LibraryView) -> impl IntoView {
    let i18n = use_i18n();
    let filter = filter_from_query();
    let role = use_session().member().map(|m| m.role);
    let LibraryView {
        results,
        facets,
        assessments,
    } = view;
    let total = results.total;
    let searching = !filter.q.trim().is_empty();
    let pager_filter = filter.clone();
    let selected = |current: &str, value: &str| current == value;
    view! {
        <div class="library">
            <form class="filters card" method="get" action="/evidence" role="search">
                <div class="field">
                    <label for="q">{t!(i18n, evidence_search_label)}</label>
                    <input id="q" name="q" type="search" maxlength="200" value=filter.q.clone()
                        placeholder=move || t_string!(i18n, evidence_search_placeholder) />
                </div>
                <div class="field">
                    <label for="kind">{t!(i18n, field_kind)}</label>
                    <select id="kind" name="kind">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {EvidenceKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=selected(&filter.kind, k.as_str())>{evidence_kind_name(k.as_str())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="country">{t!(i18n, field_country)}</label>
                    <select id="country" name="country">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {facets.countries.iter().map(|c| view! {
                            <option value=c.clone() selected=selected(&filter.country, c)>{country_label(c)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="region">{t!(i18n, field_region)}</label>
                    <select id="region" name="region">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {facets.regions.iter().map(|r| view! {
                            <option value=r.clone() selected=selected(&filter.region, r)>{r.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="assessment">{t!(i18n, field_assessment)}</label>
                    <select id="assessment" name="assessment">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {assessments.iter().map(|a| view! {
                            <option value=a.id.clone() selected=selected(&filter.assessment, &a.id)>{a.title.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="tag">{t!(i18n, field_tag)}</label>
                    <select id="tag" name="tag">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {facets.tags.iter().map(|t| view! {
                            <option value=t.clone() selected=selected(&filter.tag, t)>{t.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                {role.is_some().then(|| view! {
                    <div class="field">
                        <label for="visibility">{t!(i18n, field_visibility)}</label>
                        <select id="visibility" name="visibility">
                            <option value="">{t!(i18n, filter_any)}</option>
                            <option value="public" selected=selected(&filter.visibility, "public")>{t!(i18n, visibility_public)}</option>
                            <option value="members" selected=selected(&filter.visibility, "members")>{t!(i18n, visibility_members)}</option>
                        </select>
                    </div>
                })}
                {role.is_some_and(|r| r.at_least(Role::Editor)).then(|| view! {
                    <div class="field">
                        <label for="consent">{t!(i18n, field_consent)}</label>
                        <select id="consent" name="consent">
                            <option value="">{t!(i18n, filter_any)}</option>
                            {Consent::ALL.iter().map(|c| view! {
                                <option value=c.as_str() selected=selected(&filter.consent, c.as_str())>{consent_name(c.as_str())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="filter-actions">
                    <button type="submit" class="button">{t!(i18n, filter_apply)}</button>
                    <a href="/evidence" class="button button-quiet">{t!(i18n, filter_clear)}</a>
                </div>
            </form>
            <section class="results" aria-labelledby="results-heading">
                <h2 id="results-heading" class="results-count" aria-live="polite">
                    {
                        // Counted up to the cap: "1000+" beyond it.
                        let shown = if total > crate::domain::evidence_views::COUNT_CAP {
                            format!("{}+", crate::domain::evidence_views::COUNT_CAP)
                        } else {
                            total.to_string()
                        };
                        if searching {
                            let q = filter.q.clone();
                            t!(i18n, evidence_found_for, count = move || shown.clone(), q = move || q.clone()).into_any()
                        } else {
                            t!(i18n, evidence_count, count = move || shown.clone()).into_any()
                        }
                    }
                </h2>
                {if results.items.is_empty() {
                    view! { <p class="empty-state">{t!(i18n, evidence_none)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="evidence-list">
                            {results.items.into_iter().map(|item| view! { <EvidenceCard item /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p class="actions">
                    <a class="button button-quiet" href=format!("/evidence.csv?{}", filter.to_query(1))>{t!(i18n, export_csv)}</a>
                    {crate::app::components::session::use_session()
                        .member()
                        .is_some_and(|m| m.role.at_least(crate::domain::accounts::Role::Editor))
                        .then(|| view! { <a class="button button-quiet" href="/assessments/new">{t!(i18n, assessment_new_heading)}</a> })}
                </p>
                {(results.pages > 1).then(|| view! {
                    <Pager base="/evidence".to_string() query=Box::new(move |p| pager_filter.to_query(p))
                        page=results.page pages=results.pages />
                })}
            </section>
        </div>
    }
}
