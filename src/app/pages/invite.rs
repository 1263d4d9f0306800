//! Accepting an invitation: the invitee chooses a name and password and is signed in.
use crate::api::accounts::{AcceptInvitation, invitation};
use crate::app::components::alerts::{
    FieldError, FormAlert, error_text, form_error, invalid, kept,
};
use crate::app::components::labels::role_name;
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::set_status;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_params_map()
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let details = {
        let token = token.clone();
        Resource::new(|| (), move |_| invitation(token.clone()))
    };
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = form_error(accept.value());
    // A plain form: the server signs the new member in and sends the browser to the account.

    view! {
        <PageTitle text=t_string!(i18n, invite_title).to_string() />
        <div class="card narrow">
            <h1>{t!(i18n, invite_heading)}</h1>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match details.await {
                            Ok(inv) => {
                                let organisation = inv.organisation.clone();
                                view! {
                                    <p>
                                        {t!(i18n, invite_intro, organisation = move || organisation.clone())}
                                        " (" {role_name(inv.role)} ")"
                                    </p>
                                    <FormAlert error fields=&["name", "password", "password_confirm"] />
                                    <ActionForm action=accept attr:class="form">
                                        <input type="hidden" name="token" value=token />
                                        <div class="field">
                                            <label for="invite-email">{t!(i18n, field_email)}</label>
                                            <input id="invite-email" type="email" value=inv.email readonly />
                                        </div>
                                        <div class="field">
                                            <label for="name">{t!(i18n, field_your_name)}</label>
                                            <input id="name" name="name" required maxlength="120" autocomplete="name"
                                                value=kept("name") aria-invalid=invalid(error, "name")
                                                aria-describedby="name-error" />
                                            <FieldError error field="name" />
                                        </div>
                                        <div class="field">
                                            <label for="password">{t!(i18n, field_new_password)}</label>
                                            <input id="password" name="password" type="password" required
                                                minlength="10" maxlength="256" autocomplete="new-password"
                                                aria-invalid=invalid(error, "password")
                                                aria-describedby="password-hint password-error" />
                                            <p class="hint" id="password-hint">{t!(i18n, password_hint)}</p>
                                            <FieldError error field="password" />
                                        </div>
                                        <div class="field">
                                            <label for="password_confirm">{t!(i18n, field_password_confirm)}</label>
                                            <input id="password_confirm" name="password_confirm" type="password"
                                                required maxlength="256" autocomplete="new-password"
                                                aria-invalid=invalid(error, "password_confirm")
                                                aria-describedby="password_confirm-error" />
                                            <FieldError error field="password_confirm" />
                                        </div>
                                        <button type="submit" class="button" disabled=move || accept.pending().get()>
                                            {t!(i18n, invite_submit)}
                                        </button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            Err(e) => {
                                set_status(e.status());
                                view! {
                                    <div class="alert alert-error" role="alert">
                                        {t!(i18n, invite_unusable)} " " {error_text(&e)}
                                    </div>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}
