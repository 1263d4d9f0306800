//! What a page shows instead of itself ("not here", "not for you", "sign in first", "could
//! not load"), the HTTP status that goes with it, and the role checks that lead there.
use crate::app::components::alerts::error_text;
use crate::app::components::session::use_session;
use crate::domain::accounts::{Role, SessionMember};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// Sets the response status during server rendering (no effect in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(crate::error::AppError::NotFound.status());
    let i18n = use_i18n();
    view! {
        <div class="error-page">
            <p class="error-code">"404"</p>
            <h1>{t!(i18n, error_not_found_title)}</h1>
            <p>{t!(i18n, error_not_found_body)}</p>
            <p>
                <a class="button" href="/">{t!(i18n, error_back_home)}</a>
            </p>
        </div>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(crate::error::AppError::Forbidden.status());
    let i18n = use_i18n();
    view! {
        <div class="error-page">
            <p class="error-code">"403"</p>
            <h1>{t!(i18n, error_forbidden_title)}</h1>
            <p>{t!(i18n, error_no_permission_body)}</p>
            <p>
                <a class="button" href="/">{t!(i18n, error_back_home)}</a>
            </p>
        </div>
    }
}

/// Sends someone who is not signed in to the log-in page, and back here afterwards.
#[component]
pub fn SignInFirst() -> impl IntoView {
    let location = use_location();
    let here = location.pathname.get_untracked();
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    view! { <Redirect path=format!("/login?next={next}") /> }
}

/// An error box for a page whose data could not be loaded. Nothing was typed here, so it does
/// not speak of input kept (as a form's error does), and a session that ran out is asked to
/// sign in, not told that a password was wrong.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    set_status(error.status());
    let text = match &error {
        AppError::Internal => t_string!(i18n, error_internal_load).to_string(),
        AppError::Unauthorized => t_string!(i18n, error_sign_in_body).to_string(),
        other => error_text(other),
    };
    view! { <div class="alert alert-error" role="alert">{text}</div> }
}

/// The signed-in member if their role is at least `role`; else the page to show instead
/// (sign in first, or not allowed).
pub fn role_gate(role: Role) -> Result<SessionMember, AnyView> {
    match use_session().member() {
        None => Err(view! { <SignInFirst /> }.into_any()),
        Some(m) if !m.role.at_least(role) => Err(view! { <Forbidden /> }.into_any()),
        Some(m) => Ok(m),
    }
}

/// Editors only; everyone else is sent to sign in or told no.
pub fn editor_gate() -> Option<AnyView> {
    role_gate(Role::Editor).err()
}
