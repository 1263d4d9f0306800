//! The published papers as everyone may read them: the front page's list, and the papers
//! page for visitors.
use crate::domain::front::PublishedCard;
use crate::i18n::*;
use leptos::prelude::*;

/// Every published paper, latest publication first.
#[component]
pub fn PublishedPapers(papers: Vec<PublishedCard>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="papers" aria-labelledby="papers-heading">
            <h2 id="papers-heading">{t!(i18n, home_papers_heading)}</h2>
            {if papers.is_empty() {
                view! { <p class="empty-state">{t!(i18n, home_papers_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="published-list">
                        {papers.into_iter().map(|p| view! { <PublishedRow paper=p /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn PublishedRow(paper: PublishedCard) -> impl IntoView {
    let i18n = use_i18n();
    let number = paper.number;
    let day = paper.published_at.get(..10).unwrap_or_default().to_string();
    let shown_day = day.clone();
    let compare =
        (number > 1).then(|| format!("/papers/{}/compare/{}/{}", paper.slug, number - 1, number));
    view! {
        <li class="card published-row">
            <h3><a href=format!("/papers/{}", paper.slug)>{paper.title}</a></h3>
            <p class="eyebrow">
                {t!(i18n, home_version, number = move || number)} " · "
                {t!(i18n, home_published_on)} " " <time datetime=paper.published_at.clone()>{shown_day}</time>
            </p>
            {(!paper.lead.is_empty()).then(|| view! { <p>{paper.lead}</p> })}
            {compare.map(|href| view! {
                <p><a href=href>{t!(i18n, home_compare_previous, from = move || number - 1, to = move || number)}</a></p>
            })}
        </li>
    }
}
