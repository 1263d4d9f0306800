//! A finding in brief, for the card a citation shows when hovered or focused (with
//! JavaScript). It answers exactly what the finding's own page would: members-only and
//! withdrawn findings stay hidden from those who may not see them (Not found).
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::door;

/// About how much of a finding's text a card shows.
pub const CARD_TEXT_MAX: usize = 300;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceCardView {
    pub key: String,
    pub kind: String,
    /// The quote or text, shortened to about `CARD_TEXT_MAX` characters.
    pub text: String,
    /// An indicator's figure.
    pub value: Option<f64>,
    pub unit: String,
    pub country: String,
    pub collected_on: String,
    pub assessment: String,
    pub consent: String,
    pub visibility: String,
}

/// `text` on one line, cut at a word boundary to at most `max` characters (an ellipsis
/// marks the cut).
pub fn shorten(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let mut out = String::new();
    for word in words {
        let needed = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if needed > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // One very long word: cut inside it.
        out = whole.chars().take(max.saturating_sub(1)).collect();
    }
    out.push('…');
    out
}

#[server(prefix = "/fn", endpoint = "evidence_card", input = leptos::server_fn::codec::GetUrl)]
pub async fn evidence_card(key: String) -> Result<EvidenceCardView, AppError> {
    let result = async {
        let state = door::state()?;
        let detail = super::evidence::visible_detail(&state, &key).await?;
        Ok(EvidenceCardView {
            text: shorten(&detail.text, CARD_TEXT_MAX),
            key: detail.key,
            kind: detail.kind,
            value: detail.value,
            unit: detail.unit,
            country: detail.country,
            collected_on: detail.collected_on,
            assessment: detail.assessment,
            consent: detail.consent,
            visibility: detail.visibility,
        })
    }
    .await;
    door::finish(result, &[])
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn short_texts_stay_whole_on_one_line() {
        assert_eq!(shorten("  A  short\n quote. ", 300), "A short quote.");
        assert_eq!(shorten("", 300), "");
        assert_eq!(shorten("exactly", 7), "exactly");
    }

    #[test]
    fn long_texts_are_cut_between_words() {
        let text = "word ".repeat(100);
        let cut = shorten(&text, 300);
        assert!(cut.chars().count() <= 300, "{}", cut.chars().count());
        assert!(cut.ends_with("word…"), "{cut}");
        assert_eq!(shorten("one two three", 10), "one two…");
    }

    #[test]
    fn one_long_word_and_wide_characters_are_cut_safely() {
        let cut = shorten(&"é".repeat(500), 300);
        assert_eq!(cut.chars().count(), 300);
        assert!(cut.ends_with('…'));
        assert_eq!(shorten("abcdef", 1), "…");
    }
}
