//! Search terms the way the library's full-text index sees them, to mark matches in a result's
//! text. The index's analyzer (`schema.surql`, `evidence_words`) splits on blanks, punctuation
//! and changes of character class, lowercases, folds to ASCII and stems with Snowball's
//! English stemmer; this does the same, so a word is marked exactly when the index matched
//! it ("volunteering" marks "volunteers").
use super::evidence_views::{MARK_CLOSE, MARK_OPEN};
use rust_stemmers::{Algorithm, Stemmer};

/// The most terms of a query that are marked (longer queries are cut by the form's limit).
const TERMS_MAX: usize = 32;

/// A token's character class, as the analyzer's `class` tokenizer tells them apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_alphabetic() {
        Class::Letter
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// The words of a text with their byte ranges: runs of letters or of digits.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, Class)> = None;
    for (at, c) in text.char_indices() {
        let k = class(c);
        match start {
            Some((_, current)) if current == k => {}
            Some((from, current)) => {
                if current != Class::Other {
                    out.push((from, &text[from..at]));
                }
                start = Some((at, k));
            }
            None => start = Some((at, k)),
        }
    }
    if let Some((from, current)) = start
        && current != Class::Other
    {
        out.push((from, &text[from..]));
    }
    out.into_iter()
}

/// Lowercased, folded to ASCII, stemmed.
fn normalise(stemmer: &Stemmer, word: &str) -> String {
    let folded = deunicode::deunicode(&word.to_lowercase()).to_lowercase();
    stemmer.stem(&folded).into_owned()
}

/// The query's distinct terms, normalised.
pub fn terms(query: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::English);
    let mut out: Vec<String> = Vec::new();
    for (_, word) in words(query) {
        let term = normalise(&stemmer, word);
        if !term.is_empty() && !out.contains(&term) {
            out.push(term);
        }
        if out.len() == TERMS_MAX {
            break;
        }
    }
    out
}

/// The text with every word matching one of `terms` between `MARK_OPEN` and `MARK_CLOSE`.
/// The marks are control characters no text can contain (the library strips them).
pub fn highlight(text: &str, terms: &[String]) -> String {
    if terms.is_empty() {
        return text.to_string();
    }
    let stemmer = Stemmer::create(Algorithm::English);
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for (at, word) in words(text) {
        if terms.contains(&normalise(&stemmer, word)) {
            out.push_str(&text[copied..at]);
            out.push_str(MARK_OPEN);
            out.push_str(word);
            out.push_str(MARK_CLOSE);
            copied = at + word.len();
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> String {
        highlight(text, &terms(query))
            .replace(MARK_OPEN, "[")
            .replace(MARK_CLOSE, "]")
    }

    #[test]
    fn marks_words_with_the_same_stem() {
        assert_eq!(
            marked("Volunteers said volunteering helped.", "volunteer"),
            "[Volunteers] said [volunteering] helped."
        );
        assert_eq!(
            marked("Mentoring, mentors: a mentor.", "mentoring"),
            "[Mentoring], [mentors]: a [mentor]."
        );
    }

    #[test]
    fn folds_case_and_accents_and_splits_like_the_index() {
        assert_eq!(
            marked("Café-owners in Zürich", "cafe zurich"),
            "[Café]-owners in [Zürich]"
        );
        assert_eq!(
            marked("Work rose 40% (n=120)", "120"),
            "Work rose 40% (n=[120])"
        );
        assert_eq!(marked("abc123def", "abc"), "[abc]123def");
    }

    #[test]
    fn nothing_marked_without_terms_or_matches() {
        assert_eq!(marked("Plain text.", ""), "Plain text.");
        assert_eq!(marked("Plain text.", "  !! "), "Plain text.");
        assert_eq!(marked("Plain text.", "lighthouse"), "Plain text.");
        assert_eq!(marked("", "anything"), "");
    }

    #[test]
    fn query_terms_are_distinct_and_bounded() {
        assert_eq!(terms("Camp camps CAMPING"), vec!["camp".to_string()]);
        let long = "word ".repeat(10) + &(0..100).map(|i| format!("w{i}x ")).collect::<String>();
        assert!(terms(&long).len() <= TERMS_MAX);
    }

    proptest::proptest! {
        /// Any text at all (the search box is outside input): terms are non-empty, folded,
        /// lowercase, unique and few; highlighting only adds marks, closes each, and marks
        /// something exactly when the text has terms of its own.
        #[test]
        fn any_text_gives_clean_terms_and_highlighting(text in proptest::prelude::any::<String>()) {
            check_terms_and_marks(&text);
        }

        #[test]
        fn wordy_text_gives_clean_terms_and_highlighting(text in "([a-zA-Zéßİ0-9🙂]{1,12}[ ,.;:'\"<>&-]{1,3}){0,40}") {
            check_terms_and_marks(&text);
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "\u{1}\u{2}",
            "🙂🙂 a🙂b",
            "ǅ ß ﬁ İ",
            "\u{0}x",
            "١٢٣ arabic digits",
        ] {
            check_terms_and_marks(text);
        }
    }

    fn check_terms_and_marks(text: &str) {
        let found = terms(text);
        assert!(found.len() <= TERMS_MAX, "{text:?}: {found:?}");
        for (i, term) in found.iter().enumerate() {
            assert!(!term.is_empty(), "{text:?}: an empty term");
            assert!(
                term.is_ascii() && *term == term.to_lowercase(),
                "{text:?}: {term:?} is not folded and lowercased"
            );
            assert!(!found[..i].contains(term), "{text:?}: {term:?} twice");
        }
        let marks = |s: &str| (s.matches(MARK_OPEN).count(), s.matches(MARK_CLOSE).count());
        let unmarked = |s: &str| s.replace(MARK_OPEN, "").replace(MARK_CLOSE, "");
        let out = highlight(text, &found);
        assert_eq!(unmarked(&out), unmarked(text), "{text:?}: only marks added");
        let (opened, closed) = (marks(&out).0 - marks(text).0, marks(&out).1 - marks(text).1);
        assert_eq!(opened, closed, "{text:?}: every mark closed");
        assert_eq!(
            opened > 0,
            !found.is_empty(),
            "{text:?}: the text's own terms are marked in it"
        );
    }
}
