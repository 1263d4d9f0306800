//! Islands: the only parts of a page that run in the browser.
//!
//! Every page is rendered on the server and works as plain HTML and forms. The parts that need
//! the browser (the block editor, the live draft, citation cards, voting in place, the import's
//! upload progress, the evidence form's key suggestion, the password toggle) are `#[island]`
//! components: the WASM is loaded only on a page that has one, and only their code is in it.
//! An island sees no context from the page around it, so everything it needs comes in its
//! props (serialised into the HTML), the reader's language first.
use crate::i18n::*;
use leptos::prelude::*;

/// The reader's language, for an island's props.
pub fn page_locale() -> Locale {
    use_i18n().get_locale_untracked()
}

/// Gives an island the page's language, so its texts match what the server rendered around it.
///
/// On the server an island renders inside the page, whose context already speaks that language,
/// so it is used as it is. A subcontext there would start an effect that the executor runs
/// later; when the island's part of the page had finished streaming (or the reader had left)
/// first, the effect read a disposed signal and panicked (seen once in CI's server log).
pub fn speak(locale: Locale) {
    #[cfg(feature = "ssr")]
    if use_context::<leptos_i18n::I18nContext<Locale>>()
        .is_some_and(|page| page.get_locale_untracked() == locale)
    {
        return;
    }
    let context = leptos_i18n::context::init_i18n_subcontext_with_options(
        Some(Signal::stored(locale)),
        None,
        None,
        None,
    );
    provide_context(context);
}

/// Where cargo-leptos writes the hashes of the bundle's files: beside the server binary. A
/// binary built by plain `cargo build`, and the test binaries, find none and use plain names.
#[cfg(feature = "ssr")]
pub fn hash_file() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("hash.txt"))
}

/// The bundle's files (`js`, `wasm`, `css`) under `/pkg/`, with the content hash cargo-leptos
/// wrote beside the server binary when there is one.
#[cfg(feature = "ssr")]
pub fn bundle_href(kind: &str) -> String {
    use std::sync::OnceLock;
    static HASHES: OnceLock<String> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        hash_file()
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default()
    });
    let hash = hashes
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(file, _)| file.trim() == kind)
        .map(|(_, hash)| format!(".{}", hash.trim()))
        .unwrap_or_default();
    format!("/pkg/groundwork{hash}.{kind}")
}

/// The script that starts the islands (in the page's head, with the CSP nonce).
#[component]
pub fn IslandScripts() -> impl IntoView {
    // Pages outside islands carry no hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    let (js, wasm) = (bundle_href("js"), bundle_href("wasm"));
    #[cfg(not(feature = "ssr"))]
    let (js, wasm) = (String::new(), String::new());
    let nonce = leptos::nonce::use_nonce();
    let script = include_str!("islands.js");
    view! {
        <script type="module" nonce=nonce>
            {format!("{script}({js:?}, {wasm:?});")}
        </script>
    }
}

/// Shows the page's times (`<time datetime>`) in the reader's own time zone, named ("2 Dec
/// 2026, 14:30 CET"), keeping the UTC text as a tooltip; and lets times be typed in it: the
/// hints of the page's date fields name the reader's zone, and a form sends, beside each
/// time typed, the zone's offset at that moment (`…_at` → `…_offset`), which the server
/// applies. Placed only on pages that load the WASM anyway; without JavaScript, and
/// elsewhere, times read and are typed in UTC, named as such.
#[island]
pub fn LocalTimes(lang: Locale) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        speak(lang);
        local::show(lang);
        local::type_in_zone();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

/// Shows the page's times in the reader's zone again (after a part of the page was replaced).
#[cfg(feature = "hydrate")]
pub fn show_local_times(lang: Locale) {
    local::show(lang);
}

#[cfg(feature = "hydrate")]
mod local {
    use super::Locale;
    use crate::i18n::*;
    use leptos_i18n::Locale as _;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    /// "Asia/Kolkata (UTC+5:30)": the reader's zone as their browser names it, and its offset
    /// now.
    fn zone_name() -> String {
        let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
        let sign = if offset < 0 { '−' } else { '+' };
        let (hours, minutes) = (offset.abs() / 60, offset.abs() % 60);
        let utc = if minutes == 0 {
            format!("UTC{sign}{hours}")
        } else {
            format!("UTC{sign}{hours}:{minutes:02}")
        };
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        match js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|z| z.as_string())
        {
            Some(name) if !name.is_empty() && name != "UTC" => format!("{name} ({utc})"),
            _ => utc,
        }
    }

    /// Names the reader's zone in the hints of the page's date fields, and sends each typed
    /// time's zone offset with its form.
    pub fn type_in_zone() {
        let i18n = use_i18n();
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let zone = zone_name();
        if let Ok(hints) = document.query_selector_all(".zone-hint") {
            let text = t_string!(i18n, consultation_time_hint_local, zone = zone).to_string();
            for i in 0..hints.length() {
                if let Some(hint) = hints.item(i) {
                    hint.set_text_content(Some(&text));
                }
            }
        }
        let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let _ = add_offsets(&form);
        });
        // Capturing: the offsets are in the form before anything else reads it.
        let _ = document.add_event_listener_with_callback_and_bool(
            "submit",
            on_submit.as_ref().unchecked_ref(),
            true,
        );
        on_submit.forget();
    }

    fn add_offsets(form: &web_sys::HtmlFormElement) -> Result<(), JsValue> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let fields = form.query_selector_all("input[type=datetime-local]")?;
        for i in 0..fields.length() {
            let Some(field) = fields
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                continue;
            };
            let name = field.name();
            if !name.contains("_at") {
                continue;
            }
            let offset_name = name.replacen("_at", "_offset", 1);
            // A local date and time ("2026-12-14T18:00") is read in the reader's zone, so
            // its offset is the one in force then (summer time included).
            let typed = field.value();
            let date = js_sys::Date::new(&JsValue::from_str(&typed));
            let offset = if typed.is_empty() || date.get_time().is_nan() {
                String::new()
            } else {
                (date.get_timezone_offset() as i64).to_string()
            };
            let hidden = match form
                .query_selector(&format!("input[type=hidden][name=\"{offset_name}\"]"))?
            {
                Some(existing) => existing.dyn_into::<web_sys::HtmlInputElement>()?,
                None => {
                    let created: web_sys::HtmlInputElement =
                        document.create_element("input")?.dyn_into()?;
                    created.set_type("hidden");
                    created.set_name(&offset_name);
                    form.append_child(&created)?;
                    created
                }
            };
            hidden.set_value(&offset);
        }
        Ok(())
    }

    /// The conventions times are written in for a page's language: English as in Europe
    /// ("2 Dec 2026, 18:00"), where the networks work, not the United States' 12-hour clock.
    fn date_style(lang: Locale) -> &'static str {
        match lang {
            Locale::en => "en-GB",
            other => other.as_str(),
        }
    }

    pub fn show(lang: Locale) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(times) = document.query_selector_all("time[datetime]") else {
            return;
        };
        let options = js_sys::Object::new();
        for (name, value) in [
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ] {
            let _ = js_sys::Reflect::set(&options, &name.into(), &value.into());
        }
        for i in 0..times.length() {
            let Some(time) = times
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let Some(at) = time.get_attribute("datetime") else {
                continue;
            };
            let date = js_sys::Date::new(&JsValue::from_str(&at));
            if date.get_time().is_nan() {
                continue;
            }
            let local = String::from(date.to_locale_string(date_style(lang), &options));
            if let Some(utc) = time.text_content() {
                let _ = time.set_attribute("title", &utc);
            }
            time.set_text_content(Some(&local));
        }
    }
}

/// Following a paper's event stream to keep parts of a server-rendered page current: the
/// discussion page and the consultation's results use it (the draft has its own, with drag
/// and drop and parts).
#[cfg(feature = "hydrate")]
pub mod live {
    use super::Locale;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Document, Element};

    /// Opens the paper's event stream for the page's life. For each event `wanted` accepts
    /// (its JSON), `parts` of the page (element ids) are fetched again and put in place;
    /// events in quick succession cause one fetch. A part someone is working in stays until
    /// the next event.
    pub fn follow(
        lang: Locale,
        slug: &str,
        wanted: impl Fn(&serde_json::Value) -> bool + 'static,
        parts: &'static [&'static str],
    ) {
        let Ok(source) = web_sys::EventSource::new(&format!("/papers/{slug}/events")) else {
            return;
        };
        let scheduled = Rc::new(Cell::new(false));
        let on_change =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let is_wanted = ev
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                    .is_some_and(|e| wanted(&e));
                if !is_wanted || scheduled.replace(true) {
                    return;
                }
                let scheduled = Rc::clone(&scheduled);
                leptos::prelude::set_timeout(
                    move || {
                        scheduled.set(false);
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Err(error) = refresh(lang, parts).await {
                                web_sys::console::warn_2(
                                    &JsValue::from_str("the page could not be brought up to date"),
                                    &error,
                                );
                            }
                        });
                    },
                    std::time::Duration::from_millis(150),
                );
            });
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        on_change.forget();
        // Open for the page's life; the browser closes it when the page goes.
        std::mem::forget(source);
    }

    async fn refresh(lang: Locale, parts: &[&str]) -> Result<(), JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str(&window.location().href()?))
                .await?
                .dyn_into()?;
        if !response.ok() {
            return Ok(());
        }
        let html = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        let fresh = web_sys::DomParser::new()?
            .parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
        for id in parts {
            if let (Some(shown), Some(new)) =
                (document.get_element_by_id(id), fresh.get_element_by_id(id))
                && shown.outer_html() != new.outer_html()
                && !in_use(&document, &shown)
            {
                shown.replace_with_with_node_1(&new)?;
            }
        }
        super::show_local_times(lang);
        Ok(())
    }

    /// Someone is working in `part`: the keyboard is in it, or a field holds typed text.
    fn in_use(document: &Document, part: &Element) -> bool {
        let focused = document
            .active_element()
            .is_some_and(|active| part.contains(Some(active.as_ref())));
        let Ok(fields) = part.query_selector_all("textarea, input") else {
            return focused;
        };
        focused
            || (0..fields.length())
                .filter_map(|i| fields.item(i))
                .any(|field| {
                    if let Some(area) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                        area.default_value()
                            .is_ok_and(|initial| initial != area.value())
                    } else if let Some(input) = field.dyn_ref::<web_sys::HtmlInputElement>() {
                        input.value() != input.default_value()
                    } else {
                        false
                    }
                })
    }
}
