//! Creating and editing an evidence item (editors): every problem shown at once, beside its
//! input and in a summary; a key suggested from country, year and kind.
use crate::api::evidence_edit::{EvidenceFormView, SaveEvidence, evidence_form};
use crate::app::components::alerts::{FieldError, FormAlert, action_error, invalid, problem_text};
use crate::app::components::fields::{Field, Returned, described, field_label, textarea_text};
use crate::app::components::labels::{
    consent_name, evidence_kind_name, quadrant_name, visibility_name,
};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::countries::all_countries;
use crate::domain::evidence::{
    Consent, EvidenceKind, KEY_MAX, REGION_MAX, SwotQuadrant, TEXT_MAX, UNIT_MAX, Visibility,
};
use crate::domain::evidence_history::CONSENT_REASON_MAX;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/assessments/:id/evidence/new` and `/evidence/:key/edit`.
#[component]
pub fn EvidenceFormPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let params = use_params_map();
    let (key, assessment) = params.with_untracked(|p| {
        (
            p.get("key").unwrap_or_default(),
            p.get("id").unwrap_or_default(),
        )
    });
    let form = Resource::new(
        move || (key.clone(), assessment.clone()),
        |(key, assessment)| evidence_form(key, assessment),
    );
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Err(error) => view! { <h1>{t!(i18n, evidence_unavailable)}</h1> <LoadError error /> }.into_any(),
                    Ok(view) => view! { <EvidenceForm view back=Returned::from_address() /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// A plain form (the server sends the browser to the saved finding, or back with every
/// problem and what was typed). The `KeyHelper` island adds what needs the browser.
#[component]
fn EvidenceForm(view: EvidenceFormView, back: Returned) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveEvidence>::new();
    let error = action_error(save.value(), back.error.clone());
    let i = view.input;
    let back = StoredValue::new(back);
    let value = move |name: &'static str, stored: &str| back.with_value(|b| b.value(name, stored));
    let is_new = view.current_key.is_empty();
    let assessment = value("assessment", &view.assessment_id);

    let chosen_kind = value("item[kind]", &i.kind);
    let chosen_country = value("item[country]", &i.country);
    let collected_on = value("item[collected_on]", &i.collected_on);

    let heading = move || {
        if is_new {
            t_string!(i18n, evidence_new_heading).to_string()
        } else {
            t_string!(i18n, evidence_edit_heading).to_string()
        }
    };
    let current = StoredValue::new(view.current_key.clone());
    let back = if is_new {
        format!("/assessments/{}", view.assessment_id)
    } else {
        format!("/evidence/{}", view.current_key)
    };
    let chosen_quadrant = value("item[swot_quadrant]", &i.swot_quadrant);
    let chosen_consent = value("item[consent]", &i.consent);
    let chosen_visibility = value("item[visibility]", &i.visibility);
    let key_locked = view.key_locked;
    // Giving a withdrawn consent back takes a reason, which the history keeps.
    let withdrawn = !is_new && i.consent == Consent::Withdrawn.as_str();

    view! {
        <PageTitle text=heading() />
        <p class="breadcrumb"><a href=back>{t!(i18n, form_cancel)}</a></p>
        <h1>{heading}</h1>
        {(!is_new).then(|| view! { <p class="lead"><code>{current.get_value()}</code></p> })}
        <FormAlert error label=field_label fields=&[] />
        <ActionForm action=save attr:class="form card" attr:novalidate=true>
            <input type="hidden" name="current_key" value=view.current_key.clone() />
            <input type="hidden" name="version" value=view.version.clone() />
            <Field field="assessment" label=t!(i18n, field_assessment).into_any() error>
                <select id="assessment" name="assessment" aria-invalid=invalid(error, "assessment") aria-describedby="assessment-error">
                    {view.assessments.iter().map(|a| view! {
                        <option value=a.id.clone() selected=a.id == assessment>{a.title.clone()}</option>
                    }).collect_view()}
                </select>
            </Field>
            <fieldset class="choices" aria-describedby="kind-error">
                <legend>{t!(i18n, field_kind)}</legend>
                {EvidenceKind::ALL.iter().map(|k| {
                    let code = k.as_str();
                    view! {
                        <label class="choice">
                            <input type="radio" name="item[kind]" value=code id=format!("kind-{code}")
                                checked=chosen_kind == code />
                            {evidence_kind_name(code)}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="kind-error">{move || error.get().and_then(|e| e.problem_for("kind").cloned()).map(|p| problem_text(&p))}</p>
            </fieldset>
            // Shown for every kind without JavaScript; `KeyHelper` hides what does not apply.
            <div class="field" data-kind-only="swot">
                <label for="swot_quadrant">{t!(i18n, field_swot_quadrant)}</label>
                <p class="hint" id="swot_quadrant-hint">{t!(i18n, evidence_swot_only)}</p>
                <select id="swot_quadrant" name="item[swot_quadrant]"
                    aria-invalid=invalid(error, "swot_quadrant") aria-describedby=described("swot_quadrant")>
                    <option value="">"—"</option>
                    {SwotQuadrant::ALL.iter().map(|q| {
                        let code = q.as_str();
                        view! { <option value=code selected=chosen_quadrant == code>{quadrant_name(code)}</option> }
                    }).collect_view()}
                </select>
                <FieldError error field="swot_quadrant" />
            </div>
            <Field field="text" label=t!(i18n, field_text).into_any() error hint=t!(i18n, evidence_text_hint).into_any()>
                <textarea id="text" name="item[text]" rows="7" required maxlength=TEXT_MAX.to_string()
                    aria-invalid=invalid(error, "text") aria-describedby=described("text")>
                    {textarea_text(value("item[text]", &i.text))}
                </textarea>
            </Field>
            <fieldset class="subfields" data-kind-only="indicator">
                <legend>{t!(i18n, evidence_figures)}</legend>
                <p class="hint">{t!(i18n, evidence_indicator_only)}</p>
                <div class="field-row">
                    <Field field="value" label=t!(i18n, field_value).into_any() error>
                        <input id="value" name="item[value]" type="text" inputmode="decimal" maxlength="30"
                            value=value("item[value]", &i.value)
                            aria-invalid=invalid(error, "value") aria-describedby="value-error" />
                    </Field>
                    <Field field="unit" label=t!(i18n, field_unit).into_any() error>
                        <input id="unit" name="item[unit]" type="text" maxlength=UNIT_MAX.to_string() placeholder="%"
                            value=value("item[unit]", &i.unit)
                            aria-invalid=invalid(error, "unit") aria-describedby="unit-error" />
                    </Field>
                    <Field field="baseline" label=t!(i18n, field_baseline).into_any() error>
                        <input id="baseline" name="item[baseline]" type="text" inputmode="decimal" maxlength="30"
                            value=value("item[baseline]", &i.baseline)
                            aria-invalid=invalid(error, "baseline") aria-describedby="baseline-error" />
                    </Field>
                </div>
            </fieldset>
            <Field field="sample_size" label=t!(i18n, field_sample_size).into_any() error hint=t!(i18n, evidence_sample_hint).into_any()>
                <input id="sample_size" name="item[sample_size]" type="text" inputmode="numeric" maxlength="12"
                    value=value("item[sample_size]", &i.sample_size)
                    aria-invalid=invalid(error, "sample_size") aria-describedby=described("sample_size") />
            </Field>
            <div class="field-row">
                <Field field="country" label=t!(i18n, field_country).into_any() error>
                    <select id="country" name="item[country]" required
                        aria-invalid=invalid(error, "country") aria-describedby="country-error">
                        <option value="">{t!(i18n, evidence_choose_country)}</option>
                        {all_countries().iter().map(|(code, name)| view! {
                            <option value=*code selected=chosen_country.eq_ignore_ascii_case(code)>{format!("{name} ({code})")}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field field="region" label=t!(i18n, field_region).into_any() error>
                    <input id="region" name="item[region]" type="text" maxlength=REGION_MAX.to_string()
                        value=value("item[region]", &i.region)
                        aria-invalid=invalid(error, "region") aria-describedby="region-error" />
                </Field>
            </div>
            <div class="field-row">
                <Field field="collected_on" label=t!(i18n, field_collected_on).into_any() error>
                    <input id="collected_on" name="item[collected_on]" type="date" required
                        min="1900-01-01" max="2100-12-31"
                        value=collected_on
                        aria-invalid=invalid(error, "collected_on") aria-describedby="collected_on-error" />
                </Field>
                <Field field="language" label=t!(i18n, field_language).into_any() error hint=t!(i18n, evidence_language_hint).into_any()>
                    <input id="language" name="item[language]" type="text" maxlength="2" size="3"
                        autocapitalize="none" spellcheck="false"
                        value=value("item[language]", &i.language)
                        aria-invalid=invalid(error, "language") aria-describedby=described("language") />
                </Field>
            </div>
            <Field field="tags" label=t!(i18n, field_tags).into_any() error hint=t!(i18n, evidence_tags_hint).into_any()>
                <input id="tags" name="item[tags]" type="text" maxlength="900"
                    value=value("item[tags]", &i.tags)
                    aria-invalid=invalid(error, "tags") aria-describedby=described("tags") />
            </Field>
            <fieldset class="choices" aria-describedby="consent-hint consent-error">
                <legend>{t!(i18n, field_consent)}</legend>
                <p class="hint" id="consent-hint">{t!(i18n, evidence_consent_hint)}</p>
                {Consent::ALL.iter().map(|c| {
                    let code = c.as_str();
                    view! {
                        <label class="choice">
                            <input type="radio" name="item[consent]" value=code checked=chosen_consent == code />
                            {consent_name(code)}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="consent-error">{move || error.get().and_then(|e| e.problem_for("consent").cloned()).map(|p| problem_text(&p))}</p>
            </fieldset>
            {withdrawn.then(|| view! {
                <Field field="consent_reason" label=t!(i18n, field_consent_reason).into_any() error hint=t!(i18n, evidence_consent_reason_hint).into_any()>
                    <textarea id="consent_reason" name="consent_reason" rows="3" maxlength=CONSENT_REASON_MAX.to_string()
                        aria-invalid=invalid(error, "consent_reason") aria-describedby=described("consent_reason")>
                        {textarea_text(value("consent_reason", ""))}
                    </textarea>
                </Field>
            })}
            <fieldset class="choices" aria-describedby="visibility-hint">
                <legend>{t!(i18n, field_visibility)}</legend>
                <p class="hint" id="visibility-hint">{t!(i18n, evidence_visibility_hint)}</p>
                {Visibility::ALL.iter().map(|v| {
                    let code = v.as_str();
                    view! {
                        <label class="choice">
                            <input type="radio" name="item[visibility]" value=code checked=chosen_visibility == code />
                            {visibility_name(code)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <Field field="key" label=t!(i18n, field_key).into_any() error
                hint={if key_locked { t!(i18n, evidence_key_locked_hint).into_any() } else if is_new { t!(i18n, evidence_key_new_hint).into_any() } else { t!(i18n, evidence_key_hint).into_any() }}>
                <input id="key" name="item[key]" type="text" maxlength=KEY_MAX.to_string()
                    autocapitalize="none" spellcheck="false" readonly=key_locked
                    value=value("item[key]", &i.key)
                    aria-invalid=invalid(error, "key") aria-describedby=described("key") />
            </Field>
            <KeyHelper lang=crate::app::islands::page_locale() suggest=is_new />
            <p class="actions">
                <button type="submit" class="button">
                    {if is_new { t!(i18n, evidence_create).into_any() } else { t!(i18n, form_save).into_any() }}
                </button>
            </p>
        </ActionForm>
    }
}

/// What the evidence form does with JavaScript: it hides the fields that do not apply to the
/// chosen kind, and for a new finding (`suggest`) suggests a key from the country, date and
/// kind as they change (without JavaScript an empty key is filled in the same way on save). It works on the form the server
/// rendered, by the inputs' names, so the form's markup stays on the server.
#[island]
fn KeyHelper(lang: Locale, suggest: bool) -> impl IntoView {
    crate::app::islands::speak(lang);
    let i18n = use_i18n();
    let suggestion = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    key_helper::start(suggestion, suggest);
    #[cfg(not(feature = "hydrate"))]
    let _ = suggest;
    view! {
        <p class="hint" role="status">
            {move || {
                let key = suggestion.get();
                (!key.is_empty()).then(|| view! { {t!(i18n, evidence_key_suggested)} " " <code>{key}</code> })
            }}
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod key_helper {
    use crate::api::evidence_edit::suggest_evidence_key;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Document, HtmlInputElement, HtmlSelectElement};

    pub fn start(suggestion: RwSignal<String>, suggest: bool) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        follow(&document, suggestion, suggest);
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                follow(&document, suggestion, suggest);
            }
        });
        let _ =
            document.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        // For the page's life, like the island.
        listener.forget();
    }

    fn input_value(document: &Document, selector: &str) -> String {
        document
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .map(|e| e.value())
            .unwrap_or_default()
    }

    /// Shows the fields of the chosen kind and asks for a key for the current choices.
    fn follow(document: &Document, suggestion: RwSignal<String>, suggest: bool) {
        let kind = input_value(document, r#"input[name="item[kind]"]:checked"#);
        if let Ok(parts) = document.query_selector_all("[data-kind-only]") {
            for element in (0..parts.length()).filter_map(|i| parts.item(i)) {
                if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                    let only = element.get_attribute("data-kind-only").unwrap_or_default();
                    element.set_hidden(!kind.is_empty() && only != kind);
                }
            }
        }
        let country = document
            .get_element_by_id("country")
            .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
            .map(|e| e.value())
            .unwrap_or_default();
        let date = input_value(document, "#collected_on");
        if !suggest || country.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(key) = suggest_evidence_key(country, date, kind).await {
                if let Some(input) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("key"))
                    .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                {
                    input.set_placeholder(&key);
                }
                suggestion.set(key);
            }
        });
    }
}
