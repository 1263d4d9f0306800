//! What changed between two published versions of a paper: blocks compared by their stable
//! id (added, removed, moved, changed with a word diff), the evidence each block links to
//! (links added or removed), and the indicator values of findings both versions cite.
use crate::domain::diff::word_diff;
use crate::domain::papers::DiffPart;
use crate::domain::versions::{BlockCite, Finding, VersionBlock};
use similar::{Algorithm, DiffOp, capture_diff_slices};
use std::collections::{BTreeMap, HashMap};

/// One version as compared: its blocks in reading order and the findings it cites (their
/// values; a finding whose text is withheld may be left out, its links still compare).
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub blocks: &'a [VersionBlock],
    pub findings: &'a [Finding],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockStatus {
    Added,
    Removed,
    /// In both versions with another text or kind.
    Changed,
    /// In both with the same text and kind (listed only when it moved or its links changed).
    Same,
}

/// A block that differs between the two versions, in the later version's reading order
/// (a removed block where it stood).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockDiff {
    pub id: String,
    /// Its kind and recommendation number in the later version (the earlier, if removed).
    pub kind: String,
    pub number: Option<u32>,
    pub status: BlockStatus,
    /// Its kind before, when a kept block changed kind.
    pub kind_before: Option<String>,
    /// (position before, position after), counted from 1, when it moved relative to the
    /// blocks around it (not merely shifted by an insertion above).
    pub moved: Option<(usize, usize)>,
    /// The text word by word: all `Added` for an added block, all `Removed` for a removed
    /// one, the word diff for a changed one, all `Same` otherwise.
    pub words: Vec<DiffPart>,
    pub links_added: Vec<BlockCite>,
    pub links_removed: Vec<BlockCite>,
}

/// An indicator's value as each version cites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChange {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub unit_before: String,
    pub unit_after: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub blocks: Vec<BlockDiff>,
    /// Findings the later version cites and the earlier did not, and the reverse (keys).
    pub findings_added: Vec<String>,
    pub findings_removed: Vec<String>,
    pub values: Vec<ValueChange>,
    /// Blocks in both versions that did not change at all.
    pub unchanged: usize,
}

impl Comparison {
    pub fn count(&self, status: BlockStatus) -> usize {
        self.blocks.iter().filter(|b| b.status == status).count()
    }

    pub fn moved(&self) -> usize {
        self.blocks.iter().filter(|b| b.moved.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
            && self.findings_added.is_empty()
            && self.findings_removed.is_empty()
            && self.values.is_empty()
    }
}

/// Compares version `before` with version `after`.
pub fn compare(before: Side<'_>, after: Side<'_>) -> Comparison {
    let ids_before: Vec<&str> = before.blocks.iter().map(|b| b.id.as_str()).collect();
    let ids_after: Vec<&str> = after.blocks.iter().map(|b| b.id.as_str()).collect();
    let at_before: HashMap<&str, usize> = ids_before
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let at_after: HashMap<&str, usize> = ids_after
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    // Ids are unique in a version, which is what patience diff is best at: the blocks it
    // keeps in place are a longest run in the same order, everything else kept has moved.
    let ops = capture_diff_slices(Algorithm::Patience, &ids_before, &ids_after);
    let mut blocks = Vec::new();
    let mut unchanged = 0;
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    let diff = kept(
                        &before.blocks[old_index + k],
                        &after.blocks[new_index + k],
                        None,
                    );
                    match diff {
                        Some(diff) => blocks.push(diff),
                        None => unchanged += 1,
                    }
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for block in &before.blocks[old_index..old_index + old_len] {
                    // A block that is still there is listed where it went.
                    if !at_after.contains_key(block.id.as_str()) {
                        blocks.push(one_sided(block, BlockStatus::Removed));
                    }
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for (k, block) in after.blocks[new_index..new_index + new_len]
                    .iter()
                    .enumerate()
                {
                    match at_before.get(block.id.as_str()) {
                        Some(&from) => {
                            let moved = Some((from + 1, new_index + k + 1));
                            if let Some(diff) = kept(&before.blocks[from], block, moved) {
                                blocks.push(diff);
                            }
                        }
                        None => blocks.push(one_sided(block, BlockStatus::Added)),
                    }
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for block in &before.blocks[old_index..old_index + old_len] {
                    if !at_after.contains_key(block.id.as_str()) {
                        blocks.push(one_sided(block, BlockStatus::Removed));
                    }
                }
                for (k, block) in after.blocks[new_index..new_index + new_len]
                    .iter()
                    .enumerate()
                {
                    match at_before.get(block.id.as_str()) {
                        Some(&from) => {
                            let moved = Some((from + 1, new_index + k + 1));
                            if let Some(diff) = kept(&before.blocks[from], block, moved) {
                                blocks.push(diff);
                            }
                        }
                        None => blocks.push(one_sided(block, BlockStatus::Added)),
                    }
                }
            }
        }
    }

    let cited = |side: Side<'_>| -> BTreeMap<String, ()> {
        side.blocks
            .iter()
            .flat_map(|b| b.cites.iter().map(|c| (c.key.clone(), ())))
            .collect()
    };
    let (cited_before, cited_after) = (cited(before), cited(after));
    let findings_added = cited_after
        .keys()
        .filter(|k| !cited_before.contains_key(*k))
        .cloned()
        .collect();
    let findings_removed = cited_before
        .keys()
        .filter(|k| !cited_after.contains_key(*k))
        .cloned()
        .collect();

    let values_before: BTreeMap<&str, &Finding> = before
        .findings
        .iter()
        .map(|f| (f.key.as_str(), f))
        .collect();
    let mut values: Vec<ValueChange> = after
        .findings
        .iter()
        .filter_map(|f| {
            let old = values_before.get(f.key.as_str())?;
            let differs =
                !same_value(old.value.as_deref(), f.value.as_deref()) || old.unit != f.unit;
            (differs && (old.value.is_some() || f.value.is_some())).then(|| ValueChange {
                key: f.key.clone(),
                before: old.value.clone(),
                after: f.value.clone(),
                unit_before: old.unit.clone(),
                unit_after: f.unit.clone(),
            })
        })
        .collect();
    values.sort_by(|a, b| a.key.cmp(&b.key));

    Comparison {
        blocks,
        findings_added,
        findings_removed,
        values,
        unchanged,
    }
}

/// Two decimals written differently ("42.5" and "42.50") are the same value.
fn same_value(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a == b
                || matches!(
                    (a.trim().parse::<f64>(), b.trim().parse::<f64>()),
                    (Ok(x), Ok(y)) if x == y
                )
        }
        (None, None) => true,
        _ => false,
    }
}

fn one_sided(block: &VersionBlock, status: BlockStatus) -> BlockDiff {
    let text = block.text.clone();
    let (words, links_added, links_removed) = match status {
        BlockStatus::Added => (vec![DiffPart::Added(text)], block.cites.clone(), vec![]),
        _ => (vec![DiffPart::Removed(text)], vec![], block.cites.clone()),
    };
    BlockDiff {
        id: block.id.clone(),
        kind: block.kind.clone(),
        number: block.number,
        status,
        kind_before: None,
        moved: None,
        words,
        links_added,
        links_removed,
    }
}

/// A block in both versions: None when nothing about it changed.
fn kept(
    before: &VersionBlock,
    after: &VersionBlock,
    moved: Option<(usize, usize)>,
) -> Option<BlockDiff> {
    let links_added: Vec<BlockCite> = after
        .cites
        .iter()
        .filter(|c| !before.cites.contains(c))
        .cloned()
        .collect();
    let links_removed: Vec<BlockCite> = before
        .cites
        .iter()
        .filter(|c| !after.cites.contains(c))
        .cloned()
        .collect();
    let text_changed = before.text != after.text;
    let kind_changed = before.kind != after.kind;
    if !text_changed
        && !kind_changed
        && moved.is_none()
        && links_added.is_empty()
        && links_removed.is_empty()
    {
        return None;
    }
    let words = if text_changed {
        word_diff(&before.text, &after.text)
    } else {
        vec![DiffPart::Same(after.text.clone())]
    };
    Some(BlockDiff {
        id: after.id.clone(),
        kind: after.kind.clone(),
        number: after.number,
        status: if text_changed || kind_changed {
            BlockStatus::Changed
        } else {
            BlockStatus::Same
        },
        kind_before: kind_changed.then(|| before.kind.clone()),
        moved,
        words,
        links_added,
        links_removed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(id: &str, kind: &str, text: &str, cites: &[&str]) -> VersionBlock {
        VersionBlock {
            id: id.into(),
            kind: kind.into(),
            number: None,
            text: text.into(),
            cites: cites
                .iter()
                .map(|k| BlockCite {
                    key: (*k).into(),
                    stance: "supports".into(),
                    locator: String::new(),
                })
                .collect(),
        }
    }

    fn text(id: &str, text_: &str) -> VersionBlock {
        block(id, "text", text_, &[])
    }

    fn indicator(key: &str, value: Option<&str>, unit: &str) -> Finding {
        Finding {
            key: key.into(),
            kind: "indicator".into(),
            text: "Share of volunteers".into(),
            value: value.map(str::to_string),
            unit: unit.into(),
            country: "BE".into(),
            collected_on: "2019-05-01".into(),
            assessment: "Survey".into(),
            method: "survey".into(),
        }
    }

    /// (status, id, moved) of each listed block, in order.
    type Summary = Vec<(BlockStatus, &'static str, Option<(usize, usize)>)>;
    type Listed = (BlockStatus, String, Option<(usize, usize)>);
    /// (name, blocks before, blocks after, what is listed, how many are unchanged).
    type Case = (
        &'static str,
        Vec<VersionBlock>,
        Vec<VersionBlock>,
        Summary,
        usize,
    );

    fn summary(comparison: &Comparison) -> Vec<Listed> {
        comparison
            .blocks
            .iter()
            .map(|b| (b.status, b.id.clone(), b.moved))
            .collect()
    }

    #[test]
    fn blocks_by_id() {
        use BlockStatus::{Added, Changed, Removed, Same};
        let a = text("a", "Alpha.");
        let b = text("b", "Beta.");
        let c = text("c", "Gamma.");
        let d = text("d", "Delta.");
        let b2 = text("b", "Beta, reworded.");
        let cases: Vec<Case> = vec![
            (
                "identical",
                vec![a.clone(), b.clone()],
                vec![a.clone(), b.clone()],
                vec![],
                2,
            ),
            ("both empty", vec![], vec![], vec![], 0),
            (
                "one added at the end",
                vec![a.clone()],
                vec![a.clone(), b.clone()],
                vec![(Added, "b", None)],
                1,
            ),
            (
                "one added in the middle shifts nothing",
                vec![a.clone(), c.clone()],
                vec![a.clone(), b.clone(), c.clone()],
                vec![(Added, "b", None)],
                2,
            ),
            (
                "one removed",
                vec![a.clone(), b.clone(), c.clone()],
                vec![a.clone(), c.clone()],
                vec![(Removed, "b", None)],
                2,
            ),
            (
                "one changed",
                vec![a.clone(), b.clone()],
                vec![a.clone(), b2.clone()],
                vec![(Changed, "b", None)],
                1,
            ),
            (
                "the last moved first",
                vec![a.clone(), b.clone(), c.clone()],
                vec![c.clone(), a.clone(), b.clone()],
                vec![(Same, "c", Some((3, 1)))],
                2,
            ),
            (
                "moved and changed",
                vec![b.clone(), a.clone(), c.clone(), d.clone()],
                vec![a.clone(), c.clone(), d.clone(), b2.clone()],
                vec![(Changed, "b", Some((1, 4)))],
                3,
            ),
            (
                "of two ways to see a swap, the later block moved",
                vec![a.clone(), b.clone(), c.clone()],
                vec![a.clone(), c.clone(), b.clone()],
                vec![(Same, "c", Some((3, 2)))],
                2,
            ),
            (
                "a removed block stays where it stood",
                vec![a.clone(), b.clone(), c.clone(), d.clone()],
                vec![a.clone(), c.clone(), text("e", "New."), d.clone()],
                vec![(Removed, "b", None), (Added, "e", None)],
                3,
            ),
            (
                "everything replaced",
                vec![a.clone(), b.clone()],
                vec![c.clone(), d.clone()],
                vec![
                    (Removed, "a", None),
                    (Removed, "b", None),
                    (Added, "c", None),
                    (Added, "d", None),
                ],
                0,
            ),
        ];
        for (name, before, after, expected, unchanged) in cases {
            let got = compare(
                Side {
                    blocks: &before,
                    findings: &[],
                },
                Side {
                    blocks: &after,
                    findings: &[],
                },
            );
            let expected: Vec<_> = expected
                .into_iter()
                .map(|(s, id, m)| (s, id.to_string(), m))
                .collect();
            assert_eq!(summary(&got), expected, "{name}");
            assert_eq!(got.unchanged, unchanged, "{name}: unchanged");
        }
    }

    #[test]
    fn words_links_and_kinds() {
        let before = vec![
            block("c1", "claim", "Rents rose sharply [@a].", &["a"]),
            block("c2", "text", "Plain.", &[]),
        ];
        let after = vec![
            block("c1", "claim", "Rents rose steeply [@a; @b].", &["a", "b"]),
            block("c2", "recommendation", "Plain.", &[]),
        ];
        let got = compare(
            Side {
                blocks: &before,
                findings: &[],
            },
            Side {
                blocks: &after,
                findings: &[],
            },
        );
        assert_eq!(got.blocks.len(), 2);
        let claim = &got.blocks[0];
        assert_eq!(claim.status, BlockStatus::Changed);
        assert!(
            claim
                .words
                .iter()
                .any(|p| matches!(p, DiffPart::Removed(t) if t.contains("sharply")))
        );
        assert!(
            claim
                .words
                .iter()
                .any(|p| matches!(p, DiffPart::Added(t) if t.contains("steeply")))
        );
        let after_text: String = claim
            .words
            .iter()
            .filter_map(|p| match p {
                DiffPart::Same(t) | DiffPart::Added(t) => Some(t.as_str()),
                DiffPart::Removed(_) => None,
            })
            .collect();
        assert_eq!(after_text, "Rents rose steeply [@a; @b].");
        assert_eq!(
            claim
                .links_added
                .iter()
                .map(|c| c.key.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
        assert!(claim.links_removed.is_empty());
        let kind = &got.blocks[1];
        assert_eq!(
            (kind.status, kind.kind_before.as_deref(), kind.kind.as_str()),
            (BlockStatus::Changed, Some("text"), "recommendation")
        );
        assert_eq!(kind.words, vec![DiffPart::Same("Plain.".into())]);
        assert_eq!(
            (got.findings_added.clone(), got.findings_removed.clone()),
            (vec!["b".to_string()], vec![])
        );

        // A link taken away without a word changed is still listed.
        let unlinked = vec![block("c1", "claim", "Rents rose steeply [@a; @b].", &["a"])];
        let got = compare(
            Side {
                blocks: &after[..1],
                findings: &[],
            },
            Side {
                blocks: &unlinked,
                findings: &[],
            },
        );
        assert_eq!(got.blocks[0].status, BlockStatus::Same);
        assert_eq!(got.blocks[0].links_removed[0].key, "b");
        assert_eq!(got.findings_removed, vec!["b".to_string()]);
    }

    #[test]
    fn indicator_values() {
        let blocks = vec![block("c1", "claim", "x", &["a", "b", "c", "d"])];
        let cases: Vec<(&str, Finding, Finding, bool)> = vec![
            (
                "corrected value",
                indicator("a", Some("-6"), "points"),
                indicator("a", Some("0"), "points"),
                true,
            ),
            (
                "same value written differently",
                indicator("a", Some("42.5"), "%"),
                indicator("a", Some("42.50"), "%"),
                false,
            ),
            (
                "unit changed",
                indicator("a", Some("42.5"), "%"),
                indicator("a", Some("42.5"), "points"),
                true,
            ),
            (
                "value added",
                indicator("a", None, ""),
                indicator("a", Some("3"), ""),
                true,
            ),
            (
                "no value on either side",
                indicator("a", None, ""),
                indicator("a", None, ""),
                false,
            ),
        ];
        for (name, old, new, reported) in cases {
            let (before, after) = ([old.clone()], [new.clone()]);
            let got = compare(
                Side {
                    blocks: &blocks,
                    findings: &before,
                },
                Side {
                    blocks: &blocks,
                    findings: &after,
                },
            );
            assert_eq!(!got.values.is_empty(), reported, "{name}");
            if reported {
                assert_eq!(
                    (got.values[0].before.clone(), got.values[0].after.clone()),
                    (old.value, new.value),
                    "{name}"
                );
            }
        }
        // A finding only one version cites has no value change, it is a link change.
        let only_after = [indicator("b", Some("1"), "")];
        let got = compare(
            Side {
                blocks: &blocks,
                findings: &[],
            },
            Side {
                blocks: &blocks,
                findings: &only_after,
            },
        );
        assert!(got.values.is_empty());
        assert!(got.is_empty());
    }

    #[test]
    fn five_hundred_blocks_compare_quickly() {
        let before: Vec<VersionBlock> = (0..500)
            .map(|i| {
                text(
                    &format!("b{i}"),
                    &format!("Block {i} says something about rents in town {i}."),
                )
            })
            .collect();
        let mut after = before.clone();
        for i in (0..500).step_by(7) {
            after[i].text = format!("Block {i} says something else about rents in city {i}.");
        }
        after.swap(10, 400);
        after.remove(250);
        after.insert(100, text("new", "A new block."));
        let started = std::time::Instant::now();
        let got = compare(
            Side {
                blocks: &before,
                findings: &[],
            },
            Side {
                blocks: &after,
                findings: &[],
            },
        );
        let took = started.elapsed();
        assert_eq!(got.count(BlockStatus::Added), 1);
        assert_eq!(got.count(BlockStatus::Removed), 1);
        assert!(got.moved() >= 1);
        // Unoptimised test builds are several times slower than the release target of 20 ms.
        assert!(took < std::time::Duration::from_millis(500), "{took:?}");
    }
}
