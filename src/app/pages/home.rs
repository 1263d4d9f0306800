use crate::app::components::session::use_session;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// The front door: what Groundwork is, and (soon) the published papers.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let member = use_session().member();
    view! {
        <Title text=move || t_string!(i18n, home_title).to_string() />
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
        <section class="papers" aria-labelledby="papers-heading">
            <h2 id="papers-heading">{t!(i18n, home_papers_heading)}</h2>
            <p class="empty-state">{t!(i18n, home_papers_empty)}</p>
        </section>
    }
}
