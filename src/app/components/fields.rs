//! Form fields: a label, the input, a hint and the error, tied together for screen readers;
//! and the names of the fields the evidence forms use, for error summaries.
use crate::app::components::alerts::FieldError;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn Field(
    /// The input's id, and the field its errors name.
    field: &'static str,
    label: AnyView,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=field>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{field}-hint")>{h}</p> })}
            {children()}
            <FieldError error field />
        </div>
    }
}

/// `aria-describedby` for an input with a hint and an error line.
pub fn described(field: &str) -> String {
    format!("{field}-hint {field}-error")
}

/// The label of a field named in an error, for the summary at the top of a form.
pub fn field_label(field: &str) -> AnyView {
    let i18n = use_i18n();
    match field {
        "key" => t!(i18n, field_key).into_any(),
        "kind" => t!(i18n, field_kind).into_any(),
        "swot_quadrant" => t!(i18n, field_swot_quadrant).into_any(),
        "text" => t!(i18n, field_text).into_any(),
        "value" => t!(i18n, field_value).into_any(),
        "unit" => t!(i18n, field_unit).into_any(),
        "sample_size" => t!(i18n, field_sample_size).into_any(),
        "baseline" => t!(i18n, field_baseline).into_any(),
        "country" => t!(i18n, field_country).into_any(),
        "region" => t!(i18n, field_region).into_any(),
        "collected_on" => t!(i18n, field_collected_on).into_any(),
        "language" => t!(i18n, field_language).into_any(),
        "tags" => t!(i18n, field_tags).into_any(),
        "consent" => t!(i18n, field_consent).into_any(),
        "consent_reason" => t!(i18n, field_consent_reason).into_any(),
        "visibility" => t!(i18n, field_visibility).into_any(),
        "assessment" => t!(i18n, field_assessment).into_any(),
        "title" => t!(i18n, field_title).into_any(),
        "programme" => t!(i18n, field_programme).into_any(),
        "method" => t!(i18n, field_method).into_any(),
        "period_from" => t!(i18n, field_period_from).into_any(),
        "period_to" => t!(i18n, field_period_to).into_any(),
        "countries" => t!(i18n, field_countries).into_any(),
        "summary" => t!(i18n, field_summary).into_any(),
        "link" => t!(i18n, field_link).into_any(),
        other => other.to_string().into_any(),
    }
}

/// Was this page reached by a form posted without JavaScript that came back with an error?
/// Then its inputs show what was typed (from the query string), not what is stored.
pub fn came_back_with_error() -> bool {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get("error").is_some())
}

/// Text to put inside a `<textarea>`. Leptos writes a textarea's children into the page
/// unescaped (tachys marks the element's children raw), so a text holding `</textarea>` would
/// end the field and the rest would be read as markup: escaped here on the server. The
/// browser decodes the entities back into the field's text; in the browser the text is set
/// through the DOM, which needs no escaping.
pub fn textarea_text(text: impl AsRef<str>) -> String {
    let text = text.as_ref();
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_string()
    }
}

/// What was typed in `name` before the error, or the stored value.
pub fn initial(name: &'static str, stored: &str, came_back: bool) -> String {
    if came_back {
        crate::app::components::alerts::kept(name)
    } else {
        stored.to_string()
    }
}

/// What a plain form post that came back with an error left in the page's address: the error
/// and what was typed. Read by the page on the server and handed to an island (which has no
/// router to read the address with).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Returned {
    pub error: Option<AppError>,
    /// The form's fields as they were posted; empty unless the post came back with an error.
    pub fields: Vec<(String, String)>,
}

impl Returned {
    pub fn from_address() -> Returned {
        leptos_router::hooks::use_query_map().with_untracked(|q| {
            let Some(error) = q.get("error") else {
                return Returned::default();
            };
            Returned {
                error: AppError::from_query_value(&error),
                fields: q
                    .clone()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            }
        })
    }

    pub fn came_back(&self) -> bool {
        self.error.is_some()
    }

    /// What was typed in `name` before the error, or the stored value.
    pub fn value(&self, name: &str, stored: &str) -> String {
        if !self.came_back() {
            return stored.to_string();
        }
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}
