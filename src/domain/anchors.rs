//! Passages of a block that a comment is about, stored as a text-quote selector (the W3C Web
//! Annotation model): the exact text, with a few characters before and after it. A selector
//! survives edits around its passage: it is found again wherever the text moved, and is
//! "outdated" once the passage itself is gone.
//!
//! Selectors are made and matched against a block's *reading text* (what a member sees and
//! selects, without Markdown's marks), with every run of white space read as one space: a
//! selection that crosses a line break, or a passage typed from the screen, matches either way.
use serde::{Deserialize, Serialize};

/// Characters of context kept on each side of the passage.
pub const CONTEXT_CHARS: usize = 32;
/// A passage is a phrase or a few sentences, not a whole block.
pub const EXACT_MAX: usize = 2_000;

/// A passage and its surroundings, white space collapsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TextQuote {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
}

/// Where a passage is in a block's current text, as character offsets into its reading text
/// with white space collapsed (see [`reading_form`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Anchoring {
    Found {
        start: usize,
        end: usize,
    },
    /// The passage is no longer in the text.
    Outdated,
}

/// `text` with each run of white space as one space, trimmed: the form selectors are made
/// and matched in.
pub fn reading_form(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Context as sent: white space runs read as one space, kept at the ends (the space between
/// a prefix and its passage is part of the prefix).
fn collapsed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The last `n` characters of `s`.
fn last_chars(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if n == 0 { "" } else { &s[start..] }
}

/// The first `n` characters of `s`.
fn first_chars(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// The selector of the passage at `start..end` (byte offsets into `form`, on character
/// boundaries), its context taken from `form`.
fn quote_at(form: &str, start: usize, end: usize) -> TextQuote {
    TextQuote {
        exact: form[start..end].to_string(),
        prefix: last_chars(&form[..start], CONTEXT_CHARS).to_string(),
        suffix: first_chars(&form[end..], CONTEXT_CHARS).to_string(),
    }
}

/// The selector of the characters `start..end` of the reading form of `text` (what a
/// browser's selection offsets give). None when the range is empty, out of the text, or
/// only white space.
pub fn from_char_range(text: &str, start: usize, end: usize) -> Option<TextQuote> {
    let form = reading_form(text);
    let byte = |chars: usize| -> Option<usize> {
        if chars == form.chars().count() {
            Some(form.len())
        } else {
            form.char_indices().nth(chars).map(|(i, _)| i)
        }
    };
    if start >= end {
        return None;
    }
    let (start, end) = (byte(start)?, byte(end)?);
    // A range that begins or ends on the collapsed space keeps to the words inside it.
    let inner = form[start..end].trim();
    if inner.is_empty() {
        return None;
    }
    let start = start + (form[start..end].len() - form[start..end].trim_start().len());
    Some(quote_at(&form, start, start + inner.len()))
}

/// The selector of a passage a member quoted (typed, or the text of a selection), with the
/// context they saw, if any, to choose among repeats. Its own prefix and suffix are taken
/// from the text, so a form that sends the passage alone gets them too. None when the
/// passage is not in the text (or is empty).
pub fn from_quoted(text: &str, exact: &str, prefix: &str, suffix: &str) -> Option<TextQuote> {
    let form = reading_form(text);
    let wanted = TextQuote {
        exact: reading_form(exact),
        prefix: collapsed(prefix),
        suffix: collapsed(suffix),
    };
    let (start, end) = best_match(&form, &wanted)?;
    Some(quote_at(&form, start, end))
}

/// How many characters `a` and `b` share at their ends (`a`'s end against `b`'s end).
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Every place the exact text occurs in `form` (byte offsets), the best fitting first:
/// where most of the prefix and suffix agree; among equals, the earliest.
fn best_match(form: &str, quote: &TextQuote) -> Option<(usize, usize)> {
    if quote.exact.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    let mut best_score = 0;
    let mut from = 0;
    while let Some(found) = form[from..].find(&quote.exact) {
        let start = from + found;
        let end = start + quote.exact.len();
        let score = common_suffix(&form[..start], &quote.prefix)
            + common_prefix(&form[end..], &quote.suffix);
        if best.is_none() || score > best_score {
            best = Some((start, end));
            best_score = score;
        }
        // The next occurrence may overlap this one: step one character on.
        from = start + form[start..].chars().next().map_or(1, char::len_utf8);
    }
    best
}

/// At most this many sentences are offered to choose a passage from.
pub const SENTENCES_MAX: usize = 60;

/// The sentences of a reading text (see [`reading_form`]), in order, to choose a passage from
/// with the keyboard: split after `.`, `!`, `?` or `…` (with any closing quote) before a
/// space (not inside brackets: "(a lot!) here" goes on), each at most [`EXACT_MAX`] characters (a longer one is cut at a word), a
/// repeated sentence once, and no more than [`SENTENCES_MAX`]. Each is an exact part of the
/// text, so it anchors as typed.
pub fn sentences(reading: &str) -> Vec<String> {
    let form = reading_form(reading);
    let mut found: Vec<String> = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = form.char_indices().collect();
    for (at, &(byte, c)) in chars.iter().enumerate() {
        let ends_sentence = matches!(c, '.' | '!' | '?' | '…')
            && chars
                .get(at + 1..)
                .unwrap_or_default()
                .iter()
                .find(|(_, next)| !matches!(next, '"' | '\'' | '”' | '’' | '»'))
                .is_none_or(|(_, next)| *next == ' ');
        if ends_sentence {
            let close = chars
                .get(at + 1..)
                .unwrap_or_default()
                .iter()
                .find(|(_, next)| *next == ' ')
                .map_or(form.len(), |(b, _)| *b);
            if close >= start && byte >= start {
                push_sentence(&mut found, &form[start..close]);
                start = close;
            }
        }
    }
    push_sentence(&mut found, &form[start..]);
    found.truncate(SENTENCES_MAX);
    found
}

fn push_sentence(found: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if sentence.is_empty() {
        return;
    }
    let sentence = if sentence.chars().count() > EXACT_MAX {
        let cut: String = sentence.chars().take(EXACT_MAX).collect();
        match cut.rfind(' ') {
            Some(space) => cut[..space].to_string(),
            None => cut,
        }
    } else {
        sentence.to_string()
    };
    if !found.contains(&sentence) {
        found.push(sentence);
    }
}

/// Where the passage of `quote` is in `text` now.
pub fn anchor(text: &str, quote: &TextQuote) -> Anchoring {
    let form = reading_form(text);
    match best_match(&form, quote) {
        Some((start, end)) => Anchoring::Found {
            start: form[..start].chars().count(),
            end: form[..end].chars().count(),
        },
        None => Anchoring::Outdated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Volunteers learn languages. Volunteers learn patience,\n\n\
        and volunteers learn to   listen.";

    fn quote(exact: &str, prefix: &str, suffix: &str) -> TextQuote {
        TextQuote {
            exact: exact.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
        }
    }

    /// The passage the anchoring found, read back from the text's reading form.
    fn found(text: &str, anchoring: Anchoring) -> Option<String> {
        match anchoring {
            Anchoring::Found { start, end } => Some(
                reading_form(text)
                    .chars()
                    .skip(start)
                    .take(end - start)
                    .collect(),
            ),
            Anchoring::Outdated => None,
        }
    }

    #[test]
    fn white_space_reads_as_one_space() {
        assert_eq!(
            reading_form(TEXT),
            "Volunteers learn languages. Volunteers learn patience, and volunteers learn to listen."
        );
        assert_eq!(reading_form(" \n\t "), "");
    }

    #[test]
    fn selectors_from_a_range() {
        // (start, end) in characters of the reading form -> (exact, prefix, suffix)
        // (start, end) -> (exact, prefix, suffix)
        type Made<'a> = Option<(&'a str, &'a str, &'a str)>;
        let table: [(usize, usize, Made); 6] = [
            (
                0,
                10,
                Some(("Volunteers", "", " learn languages. Volunteers lea")),
            ),
            (
                45,
                53,
                Some((
                    "patience",
                    "arn languages. Volunteers learn ",
                    ", and volunteers learn to listen",
                )),
            ),
            // The collapsed space at either end is left out.
            (
                44,
                54,
                Some((
                    "patience,",
                    "arn languages. Volunteers learn ",
                    " and volunteers learn to listen.",
                )),
            ),
            (85, 86, Some((".", ", and volunteers learn to listen", ""))),
            (5, 5, None),
            (80, 200, None),
        ];
        for (start, end, expected) in table {
            let got = from_char_range(TEXT, start, end);
            assert_eq!(
                got,
                expected.map(|(e, p, s)| quote(e, p, s)),
                "{start}..{end}"
            );
        }
    }

    #[test]
    fn context_is_at_most_32_characters_and_never_splits_a_character() {
        let text = format!("{} passage {}", "é".repeat(40), "ő".repeat(40));
        let q = from_quoted(&text, "passage", "", "").unwrap();
        assert_eq!(q.prefix.chars().count(), CONTEXT_CHARS);
        assert_eq!(q.suffix.chars().count(), CONTEXT_CHARS);
        assert!(q.prefix.ends_with("é "));
        assert!(q.suffix.starts_with(" ő"));
    }

    #[test]
    fn a_typed_passage_gets_its_context_from_the_text() {
        // (typed exact, prefix, suffix) -> the exact text found and its prefix
        type Found<'a> = Option<(&'a str, &'a str)>;
        let table: [(&str, &str, &str, Found); 6] = [
            // Alone, a repeated passage is its first occurrence.
            ("Volunteers learn", "", "", Some(("Volunteers learn", ""))),
            // The context the member saw picks the second.
            (
                "Volunteers learn",
                "languages. ",
                " patience",
                Some(("Volunteers learn", "Volunteers learn languages. ")),
            ),
            // Case differs from the first, so the third is the only match.
            (
                "volunteers learn",
                "",
                "",
                Some(("volunteers learn", " Volunteers learn patience, and ")),
            ),
            // A line break typed where the text has spaces still matches.
            (
                "learn to\nlisten",
                "",
                "",
                Some(("learn to listen", " learn patience, and volunteers ")),
            ),
            ("learn to sing", "", "", None),
            ("   ", "", "", None),
        ];
        for (exact, prefix, suffix, expected) in table {
            let got = from_quoted(TEXT, exact, prefix, suffix);
            assert_eq!(
                got.as_ref().map(|q| (q.exact.as_str(), q.prefix.as_str())),
                expected,
                "{exact:?}"
            );
        }
    }

    #[test]
    fn re_anchoring_after_edits() {
        let original = "Workcamps build trust between neighbours. They also cost money.";
        let q = from_quoted(original, "build trust", "", "").unwrap();
        // (edited text) -> the passage found, or None for outdated
        let table: [(&str, Option<&str>); 6] = [
            // Unchanged.
            (original, Some("build trust")),
            // Edited around the passage.
            (
                "Short workcamps build trust between villages. They cost money.",
                Some("build trust"),
            ),
            // Moved: the sentence now comes last.
            (
                "They also cost money. Workcamps build trust between neighbours.",
                Some("build trust"),
            ),
            // Re-wrapped over lines.
            (
                "Workcamps build\ntrust between neighbours.",
                Some("build trust"),
            ),
            // Removed.
            ("Workcamps cost money.", None),
            // Changed inside the passage.
            ("Workcamps build lasting trust.", None),
        ];
        for (edited, expected) in table {
            assert_eq!(
                found(edited, anchor(edited, &q)).as_deref(),
                expected,
                "{edited}"
            );
        }
    }

    #[test]
    fn among_repeats_the_best_fitting_context_wins() {
        let text = "Camps in Hungary help. Camps in Spain help. Camps in Greece help.";
        let spain = from_char_range(text, 23, 28).unwrap();
        assert_eq!(spain.exact, "Camps");
        // The same text, with more said before: still the camps of Spain.
        let edited = format!("Intro. {text}");
        assert_eq!(
            anchor(&edited, &spain),
            Anchoring::Found { start: 30, end: 35 }
        );
        // Only the suffix still fits (the sentence before it changed): still found there.
        let edited = "Camps in Hungary help. So: Camps in Spain help. Camps in Greece help.";
        assert_eq!(
            found(edited, anchor(edited, &spain)).as_deref(),
            Some("Camps")
        );
        assert_eq!(
            anchor(edited, &spain),
            Anchoring::Found { start: 27, end: 32 }
        );
        // No context fits: the first of the repeats.
        let no_context = quote("help", "zzz", "zzz");
        assert_eq!(
            anchor(text, &no_context),
            Anchoring::Found { start: 17, end: 21 }
        );
        // Overlapping repeats are all candidates.
        let overlapping = quote("aa", "a", "");
        assert_eq!(
            anchor("aaa", &overlapping),
            Anchoring::Found { start: 1, end: 3 }
        );
    }

    #[test]
    fn an_empty_selector_is_never_found() {
        assert_eq!(anchor(TEXT, &TextQuote::default()), Anchoring::Outdated);
        assert_eq!(anchor("", &quote("x", "", "")), Anchoring::Outdated);
    }

    #[test]
    fn never_panics_on_odd_text() {
        let odd = ["", " ", "é", "\u{200b}\u{feff}", "a\u{0301}b", "🙂🙂🙂"];
        for text in odd {
            for exact in odd {
                let made = from_quoted(text, exact, exact, exact);
                if let Some(q) = &made {
                    assert!(reading_form(text).contains(&q.exact), "{text:?} {exact:?}");
                    assert!(matches!(anchor(text, q), Anchoring::Found { .. }));
                }
            }
            let n = text.chars().count();
            for start in 0..=n + 1 {
                for end in 0..=n + 1 {
                    if let Some(q) = from_char_range(text, start, end) {
                        assert!(!q.exact.trim().is_empty(), "{text:?} {start}..{end}");
                    }
                }
            }
        }
    }

    #[test]
    fn sentences_split_after_their_end_marks_and_keep_closing_quotes() {
        let text = "Volunteers lead.  They learn (a lot!) here. \"Is it paid?\" No… Not 3.5 days";
        assert_eq!(
            sentences(text),
            [
                "Volunteers lead.",
                "They learn (a lot!) here.",
                "\"Is it paid?\"",
                "No…",
                "Not 3.5 days"
            ]
        );
    }

    #[test]
    fn every_sentence_anchors_as_a_passage_of_its_text() {
        let text = "First point. Second point!\nThird, across a line break? Yes.";
        for sentence in sentences(text) {
            assert!(
                from_quoted(text, &sentence, "", "").is_some(),
                "{sentence:?} is found in the text"
            );
        }
    }

    #[test]
    fn sentences_are_offered_once_cut_to_a_passage_and_bounded_in_number() {
        assert_eq!(sentences("Same. Same. Other."), ["Same.", "Other."]);
        assert!(sentences("   ").is_empty());
        let long = format!("{}.", "word ".repeat(1_000));
        let cut = &sentences(&long)[0];
        assert!(cut.chars().count() <= EXACT_MAX && long.starts_with(cut.as_str()));
        let many: String = (0..200).map(|n| format!("Sentence {n}. ")).collect();
        assert_eq!(sentences(&many).len(), SENTENCES_MAX);
    }
}
