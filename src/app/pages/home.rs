use crate::api::front::front_page;
use crate::app::components::page_title::PageTitle;
use crate::app::components::published::PublishedPapers;
use crate::app::components::session::use_session;
use crate::app::components::status::LoadError;
use crate::domain::evidence_views::QUERY_MAX;
use crate::domain::front::PaperMatch;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The front door: what Groundwork is, a search of the published papers' text, and the
/// published papers, latest first. Everything here works without script (a GET form).
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let member = use_session().member();
    let query = use_query_map();
    let q = query.with_untracked(|m| m.get("q").unwrap_or_default());
    let front = Resource::new(
        move || query.with(|m| m.get("q").unwrap_or_default()),
        front_page,
    );
    view! {
        <PageTitle text=t_string!(i18n, home_title).to_string() />
        <section class="hero">
            <h1>{t!(i18n, home_heading)}</h1>
            <p class="lead">{t!(i18n, home_lead)}</p>
            {match member {
                Some(m) => {
                    let name = m.name.clone();
                    view! { <p class="hero-greeting">{t!(i18n, home_welcome_back, name = move || name.clone())}</p> }
                        .into_any()
                }
                None => {
                    view! {
                        <p>
                            <a class="button" href="/login">{t!(i18n, home_sign_in_cta)}</a>
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
        <section class="front-search" aria-labelledby="front-search-heading">
            <h2 id="front-search-heading" class="visually-hidden">{t!(i18n, home_search_heading)}</h2>
            <form class="search-bar" method="get" action="/" role="search">
                <label for="front-q">{t!(i18n, home_search_label)}</label>
                <div class="search-row">
                    <input id="front-q" name="q" type="search" maxlength=QUERY_MAX.to_string() value=q
                        placeholder=move || t_string!(i18n, home_search_placeholder) />
                    <button type="submit" class="button">{t!(i18n, home_search_button)}</button>
                </div>
            </form>
        </section>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match front.await {
                    Err(error) => view! { <LoadError error /> }.into_any(),
                    Ok(page) => view! {
                        {page.matches.map(|matches| view! { <SearchResults matches /> })}
                        <PublishedPapers papers=page.papers />
                    }.into_any(),
                }
            })}
        </Suspense>
        <section class="pillars" aria-labelledby="pillars-heading">
            <h2 id="pillars-heading" class="visually-hidden">{t!(i18n, home_pillars_heading)}</h2>
            <div class="pillar">
                <h3>{t!(i18n, home_pillar_evidence_title)}</h3>
                <p>{t!(i18n, home_pillar_evidence_body)}</p>
            </div>
            <div class="pillar">
                <h3>{t!(i18n, home_pillar_consult_title)}</h3>
                <p>{t!(i18n, home_pillar_consult_body)}</p>
            </div>
            <div class="pillar">
                <h3>{t!(i18n, home_pillar_publish_title)}</h3>
                <p>{t!(i18n, home_pillar_publish_body)}</p>
            </div>
        </section>
    }
}

/// What a search of the published papers found, by paper, each passage linking to its place
/// in the version.
#[component]
fn SearchResults(matches: Vec<PaperMatch>) -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map().with_untracked(|m| m.get("q").unwrap_or_default());
    let count = matches.len();
    let said = q.clone();
    view! {
        <section class="front-results" aria-labelledby="front-results-heading">
            <h2 id="front-results-heading">
                {t!(i18n, home_results_heading, count = move || count, q = move || said.clone())}
            </h2>
            {if matches.is_empty() {
                view! {
                    <p class="empty-state">
                        {t!(i18n, home_results_none)} " "
                        <a href=format!("/evidence?q={}", form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>())>{t!(i18n, home_results_try_evidence)}</a>
                    </p>
                }.into_any()
            } else {
                view! {
                    <ol class="result-list">
                        {matches.into_iter().map(|m| view! { <PaperResult found=m /> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn PaperResult(found: PaperMatch) -> impl IntoView {
    let i18n = use_i18n();
    let version = format!("/papers/{}/v/{}", found.slug, found.number);
    let number = found.number;
    let more = found.more;
    view! {
        <li class="card paper-result">
            <h3><a href=version.clone()>{found.title}</a></h3>
            <p class="eyebrow">{t!(i18n, home_version, number = move || number)}</p>
            {found.passages.into_iter().map(|p| {
                let href = format!("{version}#block-{}", p.block);
                view! {
                    <blockquote class="passage">
                        <a href=href>
                            {p.segments.into_iter().map(|s| if s.matched {
                                view! { <mark>{s.text}</mark> }.into_any()
                            } else {
                                s.text.into_any()
                            }).collect_view()}
                        </a>
                    </blockquote>
                }
            }).collect_view()}
            {(more > 0).then(|| view! { <p class="muted">{t!(i18n, home_more_passages, count = move || more)}</p> })}
        </li>
    }
}
