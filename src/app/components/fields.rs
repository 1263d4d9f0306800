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
pub fn field_label(field: &str) -> String {
    let i18n = use_i18n();
    match field {
        "key" => t_string!(i18n, field_key).to_string(),
        "kind" => t_string!(i18n, field_kind).to_string(),
        "swot_quadrant" => t_string!(i18n, field_swot_quadrant).to_string(),
        "text" => t_string!(i18n, field_text).to_string(),
        "value" => t_string!(i18n, field_value).to_string(),
        "unit" => t_string!(i18n, field_unit).to_string(),
        "sample_size" => t_string!(i18n, field_sample_size).to_string(),
        "baseline" => t_string!(i18n, field_baseline).to_string(),
        "country" => t_string!(i18n, field_country).to_string(),
        "region" => t_string!(i18n, field_region).to_string(),
        "collected_on" => t_string!(i18n, field_collected_on).to_string(),
        "language" => t_string!(i18n, field_language).to_string(),
        "tags" => t_string!(i18n, field_tags).to_string(),
        "consent" => t_string!(i18n, field_consent).to_string(),
        "consent_reason" => t_string!(i18n, field_consent_reason).to_string(),
        "visibility" => t_string!(i18n, field_visibility).to_string(),
        "assessment" => t_string!(i18n, field_assessment).to_string(),
        "title" => t_string!(i18n, field_title).to_string(),
        "programme" => t_string!(i18n, field_programme).to_string(),
        "method" => t_string!(i18n, field_method).to_string(),
        "period_from" => t_string!(i18n, field_period_from).to_string(),
        "period_to" => t_string!(i18n, field_period_to).to_string(),
        "countries" => t_string!(i18n, field_countries).to_string(),
        "summary" => t_string!(i18n, field_summary).to_string(),
        "link" => t_string!(i18n, field_link).to_string(),
        other => other.to_string(),
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
        let Some(error) = crate::app::components::alerts::posted_error() else {
            return Returned::default();
        };
        let fields = leptos_router::hooks::use_query_map().with_untracked(|q| {
            q.clone()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect()
        });
        Returned {
            error: Some(error),
            fields,
        }
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
