//! The reader's language on the server, for what is rendered outside the Leptos app (error
//! pages) or inside server functions (labels in rendered Markdown).
use http::{HeaderMap, header};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The cookie leptos_i18n reads to choose the language.
pub const LANG_COOKIE: &str = "i18n_pref_locale";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The chosen language (cookie), else the browser's preference, else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::auth::cookie_value(headers, LANG_COOKIE).and_then(Lang::parse) {
            return lang;
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match accept
            .split(',')
            .next()
            .map(|s| s.trim().get(..2).unwrap_or(""))
        {
            Some("fr") => Lang::Fr,
            _ => Lang::En,
        }
    }

    /// Looks a key up in the same locale files the app is built from.
    pub fn text(self, key: &str) -> String {
        static TABLES: OnceLock<[HashMap<String, serde_json::Value>; 2]> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            let parse = |s: &str| serde_json::from_str(s).unwrap_or_default();
            [
                parse(include_str!("../locales/en.json")),
                parse(include_str!("../locales/fr.json")),
            ]
        });
        let table = &tables[match self {
            Lang::En => 0,
            Lang::Fr => 1,
        }];
        table
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    }
}
