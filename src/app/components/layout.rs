//! The frame around every page: brand, navigation, who is signed in, language, footer.
use crate::api::accounts::Logout;
use crate::app::components::session::use_session;
use crate::domain::accounts::Role;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Goes to another page (a full load: islands have no router), after an island's form saved.
pub fn reload_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Demo accounts, whose password is published, can sign in to this installation.
#[derive(Clone, Copy)]
pub struct DemoInstallation(pub bool);

/// How many things need the signed-in member, beside "Needs me" (nothing when none).
#[component]
fn NeedsCount() -> impl IntoView {
    let i18n = use_i18n();
    let count = Resource::new(|| (), |_| crate::api::needs::needs_count());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match count.await {
                    Ok(n) if n > 0 => Some(view! {
                        <span class="count-badge" aria-hidden="true">{n}</span>
                        <span class="visually-hidden">{t_string!(i18n, needs_count_label, count = n).to_string()}</span>
                    }),
                    _ => None,
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let demo = use_context::<DemoInstallation>().is_some_and(|d| d.0);
    let session = use_session();
    let member = session.member();
    let is_admin = member
        .as_ref()
        .is_some_and(|m| m.role.at_least(Role::Admin));
    let is_editor = member
        .as_ref()
        .is_some_and(|m| m.role.at_least(Role::Editor));
    let signed_in = member.is_some();

    view! {
        <header class="site-header">
            // Inside the banner landmark, first, so a screen reader meets it with the site's name.
            {demo.then(|| view! { <p class="demo-notice" role="note">{t!(i18n, demo_notice)}</p> })}
            <div class="site-header-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">"Groundwork"</span>
                </A>
                <nav class="site-nav" aria-label=move || t_string!(i18n, nav_label)>
                    <ul>
                        <li>
                            <A href="/papers">{t!(i18n, nav_papers)}</A>
                        </li>
                        <li>
                            <A href="/evidence">{t!(i18n, nav_evidence)}</A>
                        </li>
                        {is_editor.then(|| view! {
                            <li>
                                <A href="/moderation">{t!(i18n, nav_moderation)}</A>
                            </li>
                        })}
                        {is_admin.then(|| view! {
                            <li>
                                <A href="/admin">{t!(i18n, nav_admin)}</A>
                            </li>
                        })}
                        {if signed_in {
                            view! {
                                <li>
                                    <A href="/needs-me">{t!(i18n, nav_needs)} <NeedsCount /></A>
                                </li>
                                <li>
                                    <A href="/account">{t!(i18n, nav_account)}</A>
                                </li>
                            }
                                .into_any()
                        } else {
                            view! {
                                <li>
                                    <A href="/login">{t!(i18n, nav_sign_in)}</A>
                                </li>
                            }
                                .into_any()
                        }}
                    </ul>
                </nav>
                <div class="site-tools">
                    <LanguageSwitch />
                    {member.map(|m| view! { <SignedIn name=m.name organisation=m.organisation /> })}
                </div>
            </div>
        </header>
    }
}

#[component]
fn SignedIn(name: String, organisation: String) -> impl IntoView {
    let i18n = use_i18n();
    // A plain form: the server signs out and sends the browser home.
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="who">
            <span class="who-name">{name}</span>
            <span class="who-org">{organisation}</span>
        </div>
        <ActionForm action=logout attr:class="sign-out">
            <button type="submit" class="button button-quiet">{t!(i18n, sign_out)}</button>
        </ActionForm>
    }
}

/// Links: `/lang/fr` sets the cookie and comes back to this page, rendered by the server in the
/// chosen language (no script, so a page that only reads loads no WASM for it).
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        let here = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
    };
    let option = move |locale: Locale, code: &'static str, label: &'static str| {
        view! {
            <a
                href=move || format!("/lang/{code}?next={}", next())
                hreflang=code
                lang=code
                class="lang-option"
                aria-current=move || (i18n.get_locale() == locale).then_some("true")
            >
                {label}
            </a>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t_string!(i18n, language_label)>
            {option(Locale::en, "en", "English")}
            {option(Locale::fr, "fr", "Français")}
        </div>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p>{t!(i18n, footer_text)}</p>
        </footer>
    }
}
