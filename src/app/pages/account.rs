use crate::api::accounts::ChangePassword;
use crate::app::components::alerts::{FieldError, FormAlert, Notice, form_error, invalid};
use crate::app::components::labels::role_name;
use crate::app::components::page_title::PageTitle;
use crate::app::components::session::use_session;
use crate::app::components::status::SignInFirst;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(member) = use_session().member() else {
        return view! { <SignInFirst /> }.into_any();
    };
    let query = use_query_map();
    let welcome = query.with_untracked(|q| q.get("welcome").is_some());
    let changed_by_form = query.with_untracked(|q| q.get("changed").is_some());
    let change = ServerAction::<ChangePassword>::new();
    let error = form_error(change.value());
    let changed = move || changed_by_form || matches!(change.value().get(), Some(Ok(())));
    let role = member.role;

    view! {
        <PageTitle text=t_string!(i18n, account_title).to_string() />
        <h1>{t!(i18n, account_heading)}</h1>
        {welcome.then(|| view! { <Notice>{t!(i18n, account_welcome)}</Notice> })}
        <div class="grid-2">
            <section class="card" aria-labelledby="profile-heading">
                <h2 id="profile-heading">{t!(i18n, account_profile)}</h2>
                <dl class="facts">
                    <dt>{t!(i18n, field_name)}</dt>
                    <dd>{member.name.clone()}</dd>
                    <dt>{t!(i18n, field_email)}</dt>
                    <dd>{member.email.clone()}</dd>
                    <dt>{t!(i18n, field_organisation)}</dt>
                    <dd>{member.organisation.clone()}</dd>
                    <dt>{t!(i18n, field_role)}</dt>
                    <dd>{move || role_name(role)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="password-heading">
                <h2 id="password-heading">{t!(i18n, account_change_password)}</h2>
                <Show when=changed>
                    <Notice>{t!(i18n, account_password_changed)}</Notice>
                </Show>
                <FormAlert error fields=&["current_password", "password", "password_confirm"] />
                <ActionForm action=change attr:class="form">
                    <div class="field">
                        <label for="current_password">{t!(i18n, field_current_password)}</label>
                        <input
                            id="current_password"
                            name="current_password"
                            type="password"
                            autocomplete="current-password"
                            required
                            maxlength="256"
                            aria-invalid=invalid(error, "current_password")
                            aria-describedby="current_password-error"
                        />
                        <FieldError error field="current_password" />
                    </div>
                    <div class="field">
                        <label for="password">{t!(i18n, field_new_password)}</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="new-password"
                            required
                            minlength="10"
                            maxlength="256"
                            aria-invalid=invalid(error, "password")
                            aria-describedby="password-hint password-error"
                        />
                        <p class="hint" id="password-hint">{t!(i18n, password_hint)}</p>
                        <FieldError error field="password" />
                    </div>
                    <div class="field">
                        <label for="password_confirm">{t!(i18n, field_password_confirm)}</label>
                        <input
                            id="password_confirm"
                            name="password_confirm"
                            type="password"
                            autocomplete="new-password"
                            required
                            maxlength="256"
                            aria-invalid=invalid(error, "password_confirm")
                            aria-describedby="password_confirm-error"
                        />
                        <FieldError error field="password_confirm" />
                    </div>
                    <button type="submit" class="button" disabled=move || change.pending().get()>
                        {t!(i18n, account_change_password_submit)}
                    </button>
                </ActionForm>
            </section>
        </div>
    }
    .into_any()
}
