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
        Lang::preferred(accept)
    }

    /// The language Accept-Language prefers among those Groundwork speaks, as the app's
    /// pages choose it: the highest weight first (ties in the order given), a language
    /// weighted zero never; English when none is spoken here. `de, fr;q=0.9` is French.
    pub fn preferred(accept_language: &str) -> Lang {
        let mut offered: Vec<(Lang, u16)> = crate::domain::encoding::weighted(accept_language)
            .into_iter()
            .filter(|(tag, weight)| {
                *weight > 0 && (tag.len() == 2 || tag.as_bytes().get(2) == Some(&b'-'))
            })
            .filter_map(|(tag, weight)| {
                Some((Lang::parse(&tag.get(..2)?.to_ascii_lowercase())?, weight))
            })
            .collect();
        // Stable: of equal weights, the first given wins.
        offered.sort_by_key(|(_, weight)| std::cmp::Reverse(*weight));
        offered.first().map_or(Lang::En, |(lang, _)| *lang)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_first_language_spoken_here_wins() {
        for (header, expected) in [
            ("", Lang::En),
            ("fr", Lang::Fr),
            ("fr-BE,fr;q=0.9,en;q=0.8", Lang::Fr),
            ("de, fr;q=0.9", Lang::Fr),
            ("de-AT, de;q=0.9, en;q=0.5, fr;q=0.4", Lang::En),
            ("en;q=0.5, fr", Lang::Fr),
            ("fr;q=0, en", Lang::En),
            ("hu, el", Lang::En),
            ("fry, en", Lang::En),
            ("FR", Lang::Fr),
            (";;,;q=,fr;q=abc, en;q=0.1", Lang::En),
        ] {
            assert_eq!(Lang::preferred(header), expected, "{header:?}");
        }
    }
}
