use crate::api::accounts::{Login, safe_next};
use crate::app::components::alerts::{FormAlert, form_error, kept};
use crate::app::components::page_title::PageTitle;
use crate::app::components::session::use_session;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    let target = safe_next(Some(&next));
    if use_session().member().is_some() {
        return view! { <Redirect path=target /> }.into_any();
    }
    // A plain form: the server signs in and redirects to `next`, or comes back with the error.
    let login = ServerAction::<Login>::new();
    let error = form_error(login.value());

    view! {
        <PageTitle text=t_string!(i18n, login_title).to_string() />
        <div class="card narrow">
            <h1>{t!(i18n, login_heading)}</h1>
            <p class="muted">{t!(i18n, login_intro)}</p>
            <FormAlert error />
            <ActionForm action=login attr:class="form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="email">{t!(i18n, field_email)}</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        required
                        maxlength="254"
                        value=kept("email")
                    />
                </div>
                <div class="field">
                    <label for="password">{t!(i18n, field_password)}</label>
                    <div class="input-with-action">
                        <PasswordInput lang=crate::app::islands::page_locale() />
                    </div>
                </div>
                <button type="submit" class="button" disabled=move || login.pending().get()>
                    {t!(i18n, login_submit)}
                </button>
            </ActionForm>
            <p class="muted small">{t!(i18n, login_no_account)}</p>
        </div>
    }
    .into_any()
}

/// The password field, with a show/hide toggle that appears once the island is live (it needs
/// JavaScript; without it the field is a plain password field).
#[island]
fn PasswordInput(lang: Locale) -> impl IntoView {
    crate::app::islands::speak(lang);
    let i18n = use_i18n();
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let show_password = RwSignal::new(false);
    view! {
        <input
            id="password"
            name="password"
            type=move || if show_password.get() { "text" } else { "password" }
            autocomplete="current-password"
            required
            maxlength="256"
        />
        {move || live.get().then(|| view! {
            <button
                type="button"
                class="button button-quiet"
                aria-controls="password"
                aria-pressed=move || show_password.get().to_string()
                on:click=move |_| show_password.update(|s| *s = !*s)
            >
                {move || {
                    if show_password.get() {
                        t_string!(i18n, login_hide_password)
                    } else {
                        t_string!(i18n, login_show_password)
                    }
                }}
            </button>
        })}
    }
}
