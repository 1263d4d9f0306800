//! Creating and editing an impact assessment (editors).
use crate::api::evidence_edit::{AssessmentFormView, SaveAssessment, assessment_form};
use crate::app::components::alerts::{FormAlert, form_error, invalid};
use crate::app::components::fields::{
    Field, came_back_with_error, described, field_label, initial, textarea_text,
};
use crate::app::components::labels::method_name;
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::assessments::{COUNTRIES_MAX, PROGRAMME_MAX};
use crate::domain::evidence::{Method, SUMMARY_MAX, TITLE_MAX, URL_MAX};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AssessmentFormPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let form = Resource::new(move || id.clone(), assessment_form);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Err(error) => view! { <h1>{t!(i18n, assessment_unavailable)}</h1> <LoadError error /> }.into_any(),
                    Ok(view) => view! { <AssessmentForm view /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn AssessmentForm(view: AssessmentFormView) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveAssessment>::new();
    let error = form_error(save.value());
    // A plain form: the server sends the browser to the saved assessment.
    let back = StoredValue::new(view.id.clone());
    let is_new = view.id.is_empty();
    let came_back = came_back_with_error();
    let a = view.input;
    let value = move |name: &'static str, stored: &str| initial(name, stored, came_back);
    let method = value("assessment[method]", &a.method);
    let heading = move || {
        if is_new {
            t_string!(i18n, assessment_new_heading).to_string()
        } else {
            t_string!(i18n, assessment_edit_heading).to_string()
        }
    };
    view! {
        <PageTitle text=heading() />
        <p class="breadcrumb">
            {move || if is_new {
                view! { <a href="/evidence">{t!(i18n, evidence_back)}</a> }.into_any()
            } else {
                view! { <a href=format!("/assessments/{}", back.get_value())>{t!(i18n, assessment_back)}</a> }.into_any()
            }}
        </p>
        <h1>{heading}</h1>
        <FormAlert error label=field_label fields=&[] />
        <ActionForm action=save attr:class="form card" attr:novalidate=true>
            <input type="hidden" name="id" value=view.id.clone() />
            <Field field="title" label=t!(i18n, field_title).into_any() error>
                <input id="title" name="assessment[title]" type="text" required maxlength=TITLE_MAX.to_string()
                    value=value("assessment[title]", &a.title)
                    aria-invalid=invalid(error, "title") aria-describedby="title-error" />
            </Field>
            <Field field="programme" label=t!(i18n, field_programme).into_any() error
                hint=t!(i18n, assessment_programme_hint).into_any()>
                <input id="programme" name="assessment[programme]" type="text" maxlength=PROGRAMME_MAX.to_string()
                    value=value("assessment[programme]", &a.programme)
                    aria-invalid=invalid(error, "programme") aria-describedby=described("programme") />
            </Field>
            <Field field="method" label=t!(i18n, field_method).into_any() error>
                <select id="method" name="assessment[method]" aria-invalid=invalid(error, "method") aria-describedby="method-error">
                    {Method::ALL.iter().map(|m| {
                        let code = m.as_str();
                        view! { <option value=code selected=method == code>{method_name(code)}</option> }
                    }).collect_view()}
                </select>
            </Field>
            <div class="field-row">
                <Field field="period_from" label=t!(i18n, field_period_from).into_any() error>
                    <input id="period_from" name="assessment[period_from]" type="date" required
                        min="1900-01-01" max="2100-12-31"
                        value=value("assessment[period_from]", &a.period_from)
                        aria-invalid=invalid(error, "period_from") aria-describedby="period_from-error" />
                </Field>
                <Field field="period_to" label=t!(i18n, field_period_to).into_any() error>
                    <input id="period_to" name="assessment[period_to]" type="date" required
                        min="1900-01-01" max="2100-12-31"
                        value=value("assessment[period_to]", &a.period_to)
                        aria-invalid=invalid(error, "period_to") aria-describedby="period_to-error" />
                </Field>
            </div>
            <Field field="countries" label=t!(i18n, field_countries).into_any() error
                hint=t!(i18n, assessment_countries_hint, max = move || COUNTRIES_MAX).into_any()>
                <input id="countries" name="assessment[countries]" type="text" required maxlength="600"
                    autocapitalize="characters" spellcheck="false"
                    value=value("assessment[countries]", &a.countries)
                    aria-invalid=invalid(error, "countries") aria-describedby=described("countries") />
            </Field>
            <Field field="summary" label=t!(i18n, field_summary).into_any() error
                hint=t!(i18n, markdown_hint).into_any()>
                <textarea id="summary" name="assessment[summary]" rows="8" required maxlength=SUMMARY_MAX.to_string()
                    aria-invalid=invalid(error, "summary") aria-describedby=described("summary")>
                    {textarea_text(value("assessment[summary]", &a.summary))}
                </textarea>
            </Field>
            <Field field="link" label=t!(i18n, field_link).into_any() error
                hint=t!(i18n, assessment_link_hint).into_any()>
                <input id="link" name="assessment[link]" type="url" maxlength=URL_MAX.to_string()
                    placeholder="https://"
                    value=value("assessment[link]", &a.link)
                    aria-invalid=invalid(error, "link") aria-describedby=described("link") />
            </Field>
            <p class="actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if is_new { t!(i18n, assessment_create).into_any() } else { t!(i18n, form_save).into_any() }}
                </button>
            </p>
        </ActionForm>
    }
}
