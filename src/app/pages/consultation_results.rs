//! The results of a paper's consultation: for the paper and each recommendation, the counts
//! and shares (a chart drawn on the server, and a table), the quorum counted in member
//! organisations, the votes by organisation and by country, and the reasons grouped by
//! choice. The CSV export is named or anonymised as the editors set.
use crate::api::votes::consultation_results;
use crate::app::components::consultation_window::WindowSummary;
use crate::app::components::labels::{choice_name, country_label};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, NotFound, SignInFirst, role_gate};
use crate::app::components::tally_chart::TallyChart;
use crate::app::islands::{LocalTimes, page_locale};
use crate::domain::accounts::Role;
use crate::domain::consultations::{Choice, GroupCounts, ResultsPage, TargetResults};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConsultationResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Err(gate) = role_gate(Role::Member) {
        return gate;
    }
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let results = {
        let slug = slug.clone();
        Resource::new(|| (), move |_| consultation_results(slug.clone()))
    };
    let back = format!("/papers/{slug}/consultation");
    view! {
        <PageTitle text=t_string!(i18n, results_title).to_string() />
        <p class="breadcrumb"><a href=back>{t!(i18n, results_back)}</a></p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(data) => view! { <ResultsView data /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <h1>{t!(i18n, results_heading)}</h1> <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn ResultsView(data: ResultsPage) -> impl IntoView {
    let i18n = use_i18n();
    let ResultsPage {
        slug,
        title,
        window,
        paper,
        recommendations,
    } = data;
    view! {
        <h1>{t!(i18n, results_heading)}</h1>
        <p class="lead">{title}</p>
        <ResultsLive lang=page_locale() slug=slug.clone() />
        <LocalTimes lang=page_locale() />
        <div id="results-live">
        <section class="card" aria-labelledby="window-heading">
            <h2 id="window-heading">{t!(i18n, consultation_window)}</h2>
            <WindowSummary window />
            <p>
                <a class="button button-quiet" href=format!("/papers/{slug}/consultation.csv") download>
                    {t!(i18n, results_csv)}
                </a>
            </p>
        </section>
        <TargetSection results=paper />
        {recommendations
            .into_iter()
            .map(|results| view! { <TargetSection results /> })
            .collect_view()}
        </div>
    }
}

/// Keeps the results current while members vote: on a vote (or a change to the window) the
/// page is fetched again and the counts, charts and tables are put in place. Renders
/// nothing; without JavaScript the results are those of when the page loaded.
#[island]
fn ResultsLive(lang: Locale, slug: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    crate::app::islands::live::follow(
        lang,
        &slug,
        |event| matches!(event["kind"].as_str(), Some("vote" | "consultation")),
        &["results-live"],
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = (lang, slug);
}

#[component]
fn TargetSection(results: TargetResults) -> impl IntoView {
    let i18n = use_i18n();
    let TargetResults {
        id,
        number,
        html,
        tally,
        reasons,
    } = results;
    let heading_id = format!("results-{id}-heading");
    let labelled_by = heading_id.clone();
    let anchor = format!("results-{id}");
    let organisations = tally.organisations;
    view! {
        <section class="card results-target" id=anchor aria-labelledby=labelled_by>
            <h2 id=heading_id>
                {match number {
                    Some(n) => t!(i18n, vote_on_recommendation, number = move || n).into_any(),
                    None => t!(i18n, vote_on_paper).into_any(),
                }}
            </h2>
            {(!html.is_empty()).then(|| view! { <div class="block-body" inner_html=html></div> })}
            <TallyChart counts=tally.counts id=id.clone() />
            <p class="quorum">
                {t!(i18n, results_organisations_voted, count = move || organisations)} " "
                {match (tally.quorum, tally.quorum_reached) {
                    (Some(q), Some(true)) => view! { <span class="badge badge-ok">{t!(i18n, results_quorum_reached, quorum = move || q)}</span> }.into_any(),
                    (Some(q), _) => view! { <span class="badge badge-danger">{t!(i18n, results_quorum_missed, quorum = move || q)}</span> }.into_any(),
                    _ => ().into_any(),
                }}
                {(tally.stale > 0).then(|| {
                    let stale = tally.stale;
                    view! { " " <span class="badge">{t!(i18n, results_stale, count = move || stale)}</span> }
                })}
            </p>
            <div class="field-row">
                <GroupTable caption=t!(i18n, results_by_organisation).into_any() groups=tally.by_organisation countries=false />
                <GroupTable caption=t!(i18n, results_by_country).into_any() groups=tally.by_country countries=true />
            </div>
            <h3>{t!(i18n, results_reasons)}</h3>
            {if reasons.is_empty() {
                view! { <p class="empty-state">{t!(i18n, results_no_reasons)}</p> }.into_any()
            } else {
                Choice::ALL.iter().filter_map(|&choice| {
                    let given: Vec<_> = reasons.iter().filter(|r| r.choice == choice).cloned().collect();
                    (!given.is_empty()).then(|| view! {
                        <h4>{choice_name(choice)}</h4>
                        <ul class="reasons">
                            {given.into_iter().map(|r| view! {
                                <li>
                                    <blockquote>{r.text}</blockquote>
                                    {r.by.map(|by| view! { <span class="muted small">{by}</span> })}
                                    {r.stale.then(|| view! { " " <span class="badge">{t!(i18n, vote_earlier_text)}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    })
                }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn GroupTable(caption: AnyView, groups: Vec<GroupCounts>, countries: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{if countries { t!(i18n, field_country).into_any() } else { t!(i18n, field_organisation).into_any() }}</th>
                        {Choice::ALL.iter().map(|&c| view! { <th scope="col">{choice_name(c)}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {groups.into_iter().map(|g| {
                        let name = if countries { country_label(&g.name) } else { g.name.clone() };
                        view! {
                            <tr>
                                <th scope="row">{name}</th>
                                {Choice::ALL.iter().map(|&c| view! { <td>{g.counts.of(c)}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
