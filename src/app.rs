//! The shell, the router and the pieces every page shares. UI only: data comes from `api`.
pub mod components;
pub mod islands;
pub mod pages;

use crate::domain::accounts::SessionMember;
use crate::i18n::*;
use components::layout::{Footer, Header};
use components::session::Session;
use components::status::NotFound;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};
use pages::import::{ImportPage, ImportPreviewPage};
use pages::moderation::ModerationPage;
use pages::needs::NeedsMePage;
use pages::paper_editors::PaperEditorsPage;
use pages::{
    account::AccountPage, admin::AdminPage, home::HomePage, invite::InvitePage, login::LoginPage,
};
use pages::{
    assessment::AssessmentPage, assessment_form::AssessmentFormPage, evidence::EvidenceLibrary,
    evidence_form::EvidenceFormPage, evidence_item::EvidenceItemPage,
};
use pages::{
    block_editor::BlockEditorPage,
    consultation::ConsultationPage,
    consultation_results::ConsultationResultsPage,
    discussion::DiscussionPage,
    draft::{DraftImportPage, DraftPage},
    papers::{NewPaperPage, PapersPage},
    publish::PublishPage,
};

pub fn shell(options: leptos::config::LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // In the shell, not the app: only the server knows the bundle's hashed names.
                <HashedStylesheet options id="leptos" />
                <islands::IslandScripts />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

fn session_on_server() -> Option<SessionMember> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| crate::auth::session_from_parts(&parts).member)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Do demo accounts sign in here? (See `AppState::demo_accounts`.)
fn demo_on_server() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>().is_some_and(|state| {
            state
                .demo_accounts
                .load(std::sync::atomic::Ordering::Relaxed)
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Session(StoredValue::new(session_on_server())));
    let demo = demo_on_server();
    provide_context(components::layout::DemoInstallation(demo));
    let cookie_options = leptos_use::UseCookieOptions::default()
        .path("/")
        .max_age(365_i64 * 24 * 3600 * 1000)
        .same_site(leptos_use::SameSite::Lax);

    view! {
        <I18nContextProvider cookie_options=cookie_options>
            <Titles />
            <Router>
                <a class="skip-link" href="#main">{t!(use_i18n(), skip_to_content)}</a>
                <Header />
                <main id="main" class="page" tabindex="-1">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage />
                        <Route path=path!("/account") view=AccountPage />
                        // Pages that load data render it whole before sending (no streaming), so
                        // they work without JavaScript and can answer with the right status.
                        <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                        <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async />
                        <Route path=path!("/evidence") view=EvidenceLibrary ssr=SsrMode::Async />
                        <Route path=path!("/evidence/:key") view=EvidenceItemPage ssr=SsrMode::Async />
                        <Route path=path!("/evidence/:key/edit") view=EvidenceFormPage ssr=SsrMode::Async />
                        <Route path=path!("/papers") view=PapersPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/new") view=NewPaperPage />
                        <Route path=path!("/papers/:slug/draft") view=DraftPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/draft/import") view=DraftImportPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/draft/blocks/:block") view=BlockEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/draft/blocks/:block/discussion") view=DiscussionPage ssr=SsrMode::Async />
                        <Route path=path!("/moderation") view=ModerationPage ssr=SsrMode::Async />
                        <Route path=path!("/needs-me") view=NeedsMePage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/editors") view=PaperEditorsPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/publish") view=PublishPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/consultation") view=ConsultationPage ssr=SsrMode::Async />
                        <Route path=path!("/papers/:slug/consultation/results") view=ConsultationResultsPage ssr=SsrMode::Async />
                        <Route path=path!("/assessments/new") view=AssessmentFormPage ssr=SsrMode::Async />
                        <Route path=path!("/assessments/:id") view=AssessmentPage ssr=SsrMode::Async />
                        <Route path=path!("/assessments/:id/edit") view=AssessmentFormPage ssr=SsrMode::Async />
                        <Route path=path!("/assessments/:id/evidence/new") view=EvidenceFormPage ssr=SsrMode::Async />
                        <Route path=path!("/assessments/:id/import") view=ImportPage ssr=SsrMode::Async />
                        <Route path=path!("/assessments/:id/import/:batch") view=ImportPreviewPage ssr=SsrMode::Async />
                    </Routes>
                </main>
                <Footer />
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Titles() -> impl IntoView {
    let i18n = use_i18n();
    // A plain string, not a closure: see `components::page_title`.
    let tagline = t_string!(i18n, app_tagline).to_string();
    view! { <Title formatter=move |title: String| format!("{title} · Groundwork") text=tagline /> }
}
