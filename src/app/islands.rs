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
pub fn speak(locale: Locale) {
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
/// 2026, 14:30 CET"), keeping the UTC text as a tooltip. Placed only on pages that load the
/// WASM anyway; without JavaScript, and elsewhere, times read in UTC, named as such.
#[island]
pub fn LocalTimes(lang: Locale) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    local::show(lang);
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
    use leptos_i18n::Locale as _;
    use wasm_bindgen::{JsCast, JsValue};

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
            let local = String::from(date.to_locale_string(lang.as_str(), &options));
            if let Some(utc) = time.text_content() {
                let _ = time.set_attribute("title", &utc);
            }
            time.set_text_content(Some(&local));
        }
    }
}
