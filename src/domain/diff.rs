//! Word diffs between two texts of a block: two saved revisions, or the text being typed and
//! the one someone else saved first.
use crate::domain::papers::DiffPart;
use similar::{ChangeTag, TextDiff};
use std::time::Duration;

/// A pathological pair of long texts gives up comparing finely after this and answers a
/// coarser (still correct) diff, so one request cannot hold a worker for long.
const DIFF_TIMEOUT: Duration = Duration::from_millis(200);

/// The changes from `before` to `after`, word by word, with runs of the same kind joined.
/// Joining `Same` and `Removed` gives `before` back; `Same` and `Added` gives `after`.
pub fn word_diff(before: &str, after: &str) -> Vec<DiffPart> {
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_words(before, after);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let value = change.value().to_string();
        let part = match change.tag() {
            ChangeTag::Equal => DiffPart::Same(value),
            ChangeTag::Delete => DiffPart::Removed(value),
            ChangeTag::Insert => DiffPart::Added(value),
        };
        // Runs of the same kind read better as one.
        match (parts.last_mut(), part) {
            (Some(DiffPart::Same(run)), DiffPart::Same(v))
            | (Some(DiffPart::Removed(run)), DiffPart::Removed(v))
            | (Some(DiffPart::Added(run)), DiffPart::Added(v)) => run.push_str(&v),
            (_, part) => parts.push(part),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use DiffPart::{Added, Removed, Same};

    fn s(text: &str) -> DiffPart {
        Same(text.into())
    }
    fn r(text: &str) -> DiffPart {
        Removed(text.into())
    }
    fn a(text: &str) -> DiffPart {
        Added(text.into())
    }

    #[test]
    fn word_diffs() {
        let cases: &[(&str, &str, &str, Vec<DiffPart>)] = &[
            (
                "unchanged",
                "Rents rose.",
                "Rents rose.",
                vec![s("Rents rose.")],
            ),
            (
                "a word changed",
                "Rents rose sharply.",
                "Rents fell sharply.",
                vec![s("Rents "), r("rose"), a("fell"), s(" sharply.")],
            ),
            (
                "a word added",
                "Rents rose in 2023.",
                "Rents rose again in 2023.",
                vec![s("Rents rose "), a("again "), s("in 2023.")],
            ),
            (
                "a word removed",
                "Rents rose again sharply.",
                "Rents rose sharply.",
                vec![s("Rents rose "), r("again "), s("sharply.")],
            ),
            (
                "punctuation belongs to its word",
                "Rents rose.",
                "Rents rose!",
                vec![s("Rents "), r("rose."), a("rose!")],
            ),
            ("both empty", "", "", vec![]),
            ("before empty", "", "New text", vec![a("New text")]),
            ("after empty", "Old text", "", vec![r("Old text")]),
            (
                "non-ASCII words",
                "Les loyers ont augmenté à Zürich",
                "Les loyers ont baissé à Zürich",
                vec![
                    s("Les loyers ont "),
                    r("augmenté"),
                    a("baissé"),
                    s(" à Zürich"),
                ],
            ),
        ];
        for (name, before, after, expected) in cases {
            assert_eq!(&word_diff(before, after), expected, "{name}");
        }
    }

    #[test]
    fn the_parts_give_back_both_texts() {
        let before = "Eviction notices doubled (2019–2023) in 14 municipalities.";
        let after = "Eviction notices nearly doubled between 2019 and 2023 in 14 cities.";
        let parts = word_diff(before, after);
        let side =
            |keep: fn(&DiffPart) -> Option<&str>| parts.iter().filter_map(keep).collect::<String>();
        assert_eq!(
            side(|p| match p {
                Same(t) | Removed(t) => Some(t),
                Added(_) => None,
            }),
            before
        );
        assert_eq!(
            side(|p| match p {
                Same(t) | Added(t) => Some(t),
                Removed(_) => None,
            }),
            after
        );
    }
}
