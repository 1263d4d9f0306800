//! How text becomes search terms. Each finding's text is analysed twice: by its own
//! language's analyser (lowercased, stemmed with that language's Snowball stemmer, folded to
//! ASCII) and by a plain one (lowercased and folded, not stemmed) that every finding shares,
//! so words in any other language, or none, are still found, and a word being typed matches
//! as a prefix. Stemming runs before folding: the stemmers know their language's accents
//! ("önkéntesek" → "önkéntes" → "onkentes"), and folding last lets "gyor" find "Győr".
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, TokenizerManager,
};

/// The languages with a stemmer of their own, by the code findings carry in `language`.
pub const STEMMED: [(&str, Language); 7] = [
    ("en", Language::English),
    ("fr", Language::French),
    ("de", Language::German),
    ("es", Language::Spanish),
    ("it", Language::Italian),
    ("hu", Language::Hungarian),
    ("el", Language::Greek),
];

/// The analyser shared by every finding (and by prefixes).
pub const PLAIN: &str = "gw_plain";
/// Citation keys: the whole key, lowercased, as one term.
pub const KEY: &str = "gw_key";

/// Words longer than this are no words (a pasted URL or a hash): they are left out.
const LONGEST_WORD: usize = 60;

/// The analyser's name for a language code (`gw_fr`).
pub fn analyser_for(code: &str) -> String {
    format!("gw_{code}")
}

/// The language code whose stemmer applies to a finding's `language` (`fr`, `fr-BE`, `FR`),
/// if there is one.
pub fn stemmed_language(language: &str) -> Option<&'static str> {
    let code = language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    STEMMED
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c == code.as_str())
}

fn stemming(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(Stemmer::new(language))
        .filter(AsciiFoldingFilter)
        .build()
}

fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Every analyser the index uses, by name.
pub fn analysers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    for (code, language) in STEMMED {
        manager.register(&analyser_for(code), stemming(language));
    }
    manager.register(PLAIN, plain());
    manager.register(
        KEY,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
    manager
}

/// A text's terms with their byte ranges in the text, as the named analyser makes them.
pub fn terms_of(
    manager: &TokenizerManager,
    analyser: &str,
    text: &str,
) -> Vec<(String, usize, usize)> {
    let Some(mut analyser) = manager.get(analyser) else {
        return Vec::new();
    };
    let mut stream = analyser.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push((token.text.clone(), token.offset_from, token.offset_to));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyser: &str, text: &str) -> Vec<String> {
        terms_of(&analysers(), analyser, text)
            .into_iter()
            .map(|(t, _, _)| t)
            .collect()
    }

    /// (language, word in a finding, word a reader types): the reader's word must find it.
    const FINDS: &[(&str, &str, &str)] = &[
        ("en", "volunteers", "volunteering"),
        ("en", "camps", "camp"),
        ("fr", "bénévoles", "bénévole"),
        ("fr", "Athènes", "Athenes"),
        ("fr", "jeunesse", "jeunesses"),
        ("de", "Freiwilligen", "freiwillige"),
        ("de", "Jugendlichen", "jugendliche"),
        ("es", "voluntarios", "voluntario"),
        ("it", "volontari", "volontario"),
        ("hu", "önkéntesek", "önkéntes"),
        ("hu", "önkéntesek", "onkentes"),
        ("el", "εθελοντές", "εθελοντής"),
    ];

    #[test]
    fn each_language_finds_its_own_word_forms() {
        for (language, indexed, typed) in FINDS {
            let analyser = analyser_for(language);
            let stored = terms(&analyser, indexed);
            let asked = terms(&analyser, typed);
            assert_eq!(
                stored, asked,
                "{language}: {typed:?} should find {indexed:?} ({stored:?} vs {asked:?})"
            );
        }
    }

    #[test]
    fn the_plain_analyser_folds_but_does_not_stem() {
        assert_eq!(terms(PLAIN, "Győr"), ["gyor"]);
        assert_eq!(terms(PLAIN, "Athènes"), ["athenes"]);
        assert_eq!(terms(PLAIN, "volunteers"), ["volunteers"]);
        assert_eq!(
            terms(PLAIN, "work-camp, 2024"),
            ["work", "camp", "2024"],
            "punctuation separates words"
        );
    }

    #[test]
    fn scripts_without_a_stemmer_still_make_terms() {
        assert_eq!(terms(PLAIN, "تطوع"), ["تطوع"]);
        assert_eq!(terms(PLAIN, "志愿者"), ["志愿者"]);
        assert!(
            terms(PLAIN, "\"*:()-").is_empty(),
            "query syntax is no word"
        );
    }

    #[test]
    fn a_key_is_one_lowercased_term() {
        assert_eq!(terms(KEY, "HU-2024-Camp-01"), ["hu-2024-camp-01"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Les bénévoles d'Athènes";
        let found = terms_of(&analysers(), &analyser_for("fr"), text);
        let words: Vec<&str> = found
            .iter()
            .map(|(_, from, to)| &text[*from..*to])
            .collect();
        assert_eq!(words, ["Les", "bénévoles", "d", "Athènes"]);
    }

    #[test]
    fn a_language_code_picks_its_stemmer() {
        assert_eq!(stemmed_language("fr"), Some("fr"));
        assert_eq!(stemmed_language("FR-be"), Some("fr"));
        assert_eq!(stemmed_language("pt"), None);
        assert_eq!(stemmed_language(""), None);
    }
}
