//! Pages for "not here", "not for you", and the HTTP status that goes with them.
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
            <p>{t!(i18n, error_forbidden_body)}</p>
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
