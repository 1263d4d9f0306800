//! How well a paper's claims and recommendations are supported by the evidence they cite,
//! and the warnings an editor sees beside each block.
//!
//! "Usable" evidence is evidence whose consent has not been withdrawn: a withdrawn item must
//! be removed from the paper, so it never counts as support. An item "supports" a block when
//! it is usable and its stance is not `contradicts` (illustrating or qualifying a claim still
//! backs it up). The breadth warnings (single item, single country, only testimonies) look
//! at the supporting items only: a contradicting item from another country does not make the
//! support any broader.
use crate::domain::evidence::{Consent, EvidenceKind, Visibility};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::str::FromStr;

named_enum!(
    /// What a block of a paper is. Claims and recommendations must be backed by evidence;
    /// headings and text may cite it too, but are not counted.
    BlockKind, "kind" {
        Heading => "heading",
        Text => "text",
        Claim => "claim",
        Recommendation => "recommendation",
    }
);

named_enum!(
    /// How a cited item relates to the block citing it.
    Stance, "stance" {
        Supports => "supports",
        Illustrates => "illustrates",
        Qualifies => "qualifies",
        Contradicts => "contradicts",
    }
);

impl Default for Stance {
    /// A citation supports its block unless the author says otherwise.
    fn default() -> Self {
        Stance::Supports
    }
}

/// What the coverage rules need to know about one item cited by a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedEvidence {
    pub key: String,
    pub kind: EvidenceKind,
    pub country: String,
    pub consent: Consent,
    pub visibility: Visibility,
    #[serde(default)]
    pub stance: Stance,
}

impl CitedEvidence {
    fn usable(&self) -> bool {
        self.consent != Consent::Withdrawn
    }

    fn supports(&self) -> bool {
        self.usable() && self.stance != Stance::Contradicts
    }
}

/// Something an editor should look at in one block. Codes, not prose: the UI words them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Warning {
    /// A claim or recommendation that no usable item supports.
    Unsupported,
    /// The author marked `[@?]`: evidence still to be found.
    EvidenceNeeded,
    /// Only one item supports it.
    SingleItem,
    /// Several items support it, all from the same country.
    SingleCountry,
    /// Every supporting item is a testimony.
    OnlyTestimonies,
    /// Everything cited contradicts it.
    OnlyContradicts,
    /// Cited items whose consent was withdrawn: they must go.
    ConsentWithdrawn { keys: Vec<String> },
    /// Cited items visible to members only: the public version will not show them.
    MembersOnly { keys: Vec<String> },
    /// Cited keys that are not in the library (typos, or items not yet added).
    UnknownKeys { keys: Vec<String> },
}

/// Claims and recommendations are what the paper asks readers to believe or do, so they
/// are the blocks that need evidence.
pub fn needs_support(kind: BlockKind) -> bool {
    matches!(kind, BlockKind::Claim | BlockKind::Recommendation)
}

/// Supported: at least one cited item whose consent is not withdrawn and whose stance is not
/// contradicts.
pub fn is_supported(cited: &[CitedEvidence]) -> bool {
    cited.iter().any(CitedEvidence::supports)
}

/// Every warning for one block, in a fixed order (the order of [`Warning`]'s variants).
/// `unknown_keys` are the block's cited keys the library does not have.
pub fn block_warnings(
    kind: BlockKind,
    needs_evidence_marker: bool,
    cited: &[CitedEvidence],
    unknown_keys: &[String],
) -> Vec<Warning> {
    let supporting = distinct_by_key(cited.iter().filter(|c| c.supports()));
    let mut warnings = Vec::new();
    if needs_support(kind) && supporting.is_empty() {
        warnings.push(Warning::Unsupported);
    }
    if needs_evidence_marker {
        warnings.push(Warning::EvidenceNeeded);
    }
    if needs_support(kind) {
        warnings.extend(breadth_warnings(&supporting));
        if !cited.is_empty() && cited.iter().all(|c| c.stance == Stance::Contradicts) {
            warnings.push(Warning::OnlyContradicts);
        }
    }
    let withdrawn = distinct_keys(cited, |c| c.consent == Consent::Withdrawn);
    let members_only = distinct_keys(cited, |c| c.visibility == Visibility::Members);
    let unknown = distinct(unknown_keys.iter().map(String::as_str));
    warnings.extend(withdrawn.map(|keys| Warning::ConsentWithdrawn { keys }));
    warnings.extend(members_only.map(|keys| Warning::MembersOnly { keys }));
    warnings.extend(unknown.map(|keys| Warning::UnknownKeys { keys }));
    warnings
}

/// Support that rests on one item, one country or only testimonies is thin, even when
/// there is some.
fn breadth_warnings(supporting: &[&CitedEvidence]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let Some(first) = supporting.first() else {
        return warnings;
    };
    if supporting.len() == 1 {
        warnings.push(Warning::SingleItem);
    } else if supporting
        .iter()
        .all(|c| c.country.eq_ignore_ascii_case(&first.country))
    {
        warnings.push(Warning::SingleCountry);
    }
    if supporting.iter().all(|c| c.kind == EvidenceKind::Testimony) {
        warnings.push(Warning::OnlyTestimonies);
    }
    warnings
}

/// The same item cited twice is still one item.
fn distinct_by_key<'a>(items: impl Iterator<Item = &'a CitedEvidence>) -> Vec<&'a CitedEvidence> {
    let mut seen = HashSet::new();
    items.filter(|c| seen.insert(c.key.as_str())).collect()
}

fn distinct_keys(
    cited: &[CitedEvidence],
    pick: impl Fn(&CitedEvidence) -> bool,
) -> Option<Vec<String>> {
    distinct(cited.iter().filter(|c| pick(c)).map(|c| c.key.as_str()))
}

/// Each key once, in order; None when there are none (no warning to give).
fn distinct<'a>(keys: impl Iterator<Item = &'a str>) -> Option<Vec<String>> {
    let mut seen = HashSet::new();
    let keys: Vec<String> = keys.filter(|k| seen.insert(*k)).map(String::from).collect();
    (!keys.is_empty()).then_some(keys)
}

/// How many of a paper's claims and recommendations are supported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub supported: usize,
    pub total: usize,
}

impl Coverage {
    /// Whole percent, rounded so that it never overstates or understates the extremes: 100
    /// only when every claim is supported, 0 only when none is (199 of 200 is 99, 1 of 1,000
    /// is 1). With no claims at all it is 0, and the UI says "no claims yet" instead.
    pub fn percent(&self) -> u8 {
        if self.total == 0 || self.supported == 0 {
            return 0;
        }
        if self.supported >= self.total {
            return 100;
        }
        let floor = self.supported * 100 / self.total;
        floor.clamp(1, 99) as u8
    }
}

/// Counts the blocks that need support, and how many of them have it.
pub fn coverage(blocks: impl IntoIterator<Item = (BlockKind, bool)>) -> Coverage {
    blocks
        .into_iter()
        .filter(|(kind, _)| needs_support(*kind))
        .fold(Coverage::default(), |c, (_, supported)| Coverage {
            supported: c.supported + usize::from(supported),
            total: c.total + 1,
        })
}

/// R1, R2, …: the number of each recommendation in document order, None for other kinds.
pub fn recommendation_numbers(kinds: &[BlockKind]) -> Vec<Option<u32>> {
    let mut next = 0;
    kinds
        .iter()
        .map(|kind| {
            (*kind == BlockKind::Recommendation).then(|| {
                next += 1;
                next
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use BlockKind::*;
    use Warning::*;

    /// A testimony from Hungary, public, consent given, supporting: each test changes only
    /// what it is about.
    fn item(key: &str) -> CitedEvidence {
        CitedEvidence {
            key: key.into(),
            kind: EvidenceKind::Testimony,
            country: "HU".into(),
            consent: Consent::Given,
            visibility: Visibility::Public,
            stance: Stance::Supports,
        }
    }

    fn indicator(key: &str, country: &str) -> CitedEvidence {
        CitedEvidence {
            kind: EvidenceKind::Indicator,
            country: country.into(),
            ..item(key)
        }
    }

    fn with(stance: Stance, consent: Consent, visibility: Visibility, key: &str) -> CitedEvidence {
        CitedEvidence {
            stance,
            consent,
            visibility,
            ..item(key)
        }
    }

    fn keys(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    /// Name, block kind, `[@?]` marker, cited items, unknown keys, expected warnings.
    type Case = (
        &'static str,
        BlockKind,
        bool,
        Vec<CitedEvidence>,
        &'static [&'static str],
        Vec<Warning>,
    );

    #[test]
    fn warnings() {
        use Consent::{Given, Withdrawn};
        use Stance::{Contradicts, Illustrates, Qualifies, Supports};
        use Visibility::{Members, Public};
        let none: &[&str] = &[];
        let table: Vec<Case> = vec![
            (
                "nothing cited",
                Claim,
                false,
                vec![],
                none,
                vec![Unsupported],
            ),
            (
                "marker only",
                Claim,
                true,
                vec![],
                none,
                vec![Unsupported, EvidenceNeeded],
            ),
            (
                "one testimony",
                Claim,
                false,
                vec![item("a")],
                none,
                vec![SingleItem, OnlyTestimonies],
            ),
            (
                "same item twice is one",
                Recommendation,
                false,
                vec![indicator("a", "HU"), indicator("a", "HU")],
                none,
                vec![SingleItem],
            ),
            (
                "two testimonies, one country",
                Claim,
                false,
                vec![item("a"), item("b")],
                none,
                vec![SingleCountry, OnlyTestimonies],
            ),
            (
                "country case is ignored",
                Claim,
                false,
                vec![indicator("a", "HU"), indicator("b", "hu")],
                none,
                vec![SingleCountry],
            ),
            (
                "broad support",
                Claim,
                false,
                vec![item("a"), indicator("b", "FR")],
                none,
                vec![],
            ),
            (
                "illustrates and qualifies support",
                Claim,
                false,
                vec![
                    with(Illustrates, Given, Public, "a"),
                    CitedEvidence {
                        stance: Qualifies,
                        ..indicator("b", "FR")
                    },
                ],
                none,
                vec![],
            ),
            (
                "only contradicts",
                Claim,
                false,
                vec![
                    with(Contradicts, Given, Public, "a"),
                    with(Contradicts, Given, Public, "b"),
                ],
                none,
                vec![Unsupported, OnlyContradicts],
            ),
            (
                "contradiction beside support",
                Claim,
                false,
                vec![indicator("a", "FR"), with(Contradicts, Given, Public, "b")],
                none,
                vec![SingleItem],
            ),
            (
                "withdrawn does not support",
                Claim,
                false,
                vec![with(Supports, Withdrawn, Public, "a")],
                none,
                vec![Unsupported, ConsentWithdrawn { keys: keys(&["a"]) }],
            ),
            (
                "withdrawn beside support",
                Claim,
                false,
                vec![
                    with(Supports, Withdrawn, Public, "a"),
                    indicator("b", "FR"),
                    indicator("c", "DE"),
                ],
                none,
                vec![ConsentWithdrawn { keys: keys(&["a"]) }],
            ),
            (
                "members only",
                Recommendation,
                false,
                vec![
                    indicator("a", "FR"),
                    CitedEvidence {
                        visibility: Members,
                        ..indicator("b", "DE")
                    },
                ],
                none,
                vec![MembersOnly { keys: keys(&["b"]) }],
            ),
            (
                "unknown keys, once each",
                Claim,
                false,
                vec![indicator("a", "FR"), indicator("b", "DE")],
                &["zzz", "yyy", "zzz"],
                vec![UnknownKeys {
                    keys: keys(&["zzz", "yyy"]),
                }],
            ),
            (
                "unknown keys are no support",
                Claim,
                true,
                vec![],
                &["zzz"],
                vec![
                    Unsupported,
                    EvidenceNeeded,
                    UnknownKeys {
                        keys: keys(&["zzz"]),
                    },
                ],
            ),
            (
                "headings need no support",
                Heading,
                false,
                vec![],
                none,
                vec![],
            ),
            (
                "text may still be flagged",
                Text,
                true,
                vec![with(Contradicts, Withdrawn, Members, "a")],
                &["zzz"],
                vec![
                    EvidenceNeeded,
                    ConsentWithdrawn { keys: keys(&["a"]) },
                    MembersOnly { keys: keys(&["a"]) },
                    UnknownKeys {
                        keys: keys(&["zzz"]),
                    },
                ],
            ),
            (
                "withdrawn contradiction",
                Claim,
                false,
                vec![with(Contradicts, Withdrawn, Public, "a")],
                none,
                vec![
                    Unsupported,
                    OnlyContradicts,
                    ConsentWithdrawn { keys: keys(&["a"]) },
                ],
            ),
            (
                "everything at once",
                Recommendation,
                true,
                vec![
                    with(Supports, Given, Members, "a"),
                    with(Supports, Withdrawn, Public, "b"),
                ],
                &["zzz"],
                vec![
                    EvidenceNeeded,
                    SingleItem,
                    OnlyTestimonies,
                    ConsentWithdrawn { keys: keys(&["b"]) },
                    MembersOnly { keys: keys(&["a"]) },
                    UnknownKeys {
                        keys: keys(&["zzz"]),
                    },
                ],
            ),
        ];
        for (name, kind, marker, cited, unknown, expected) in table {
            let warnings = block_warnings(kind, marker, &cited, &keys(unknown));
            assert_eq!(warnings, expected, "{name}");
            let supported = !expected.contains(&Unsupported);
            assert_eq!(
                is_supported(&cited) || !needs_support(kind),
                supported,
                "{name}"
            );
        }
    }

    #[test]
    fn warnings_serialise_with_a_code() {
        let json = serde_json::to_string(&UnknownKeys {
            keys: keys(&["abc"]),
        })
        .unwrap();
        assert_eq!(json, r#"{"code":"unknown_keys","keys":["abc"]}"#);
        assert_eq!(
            serde_json::to_string(&SingleItem).unwrap(),
            r#"{"code":"single_item"}"#
        );
        let stored = r#"{"key":"abc","kind":"indicator","country":"HU","consent":"given","visibility":"public"}"#;
        let cited: CitedEvidence = serde_json::from_str(stored).unwrap();
        assert_eq!(
            cited.stance,
            Stance::Supports,
            "stance defaults to supports"
        );
    }

    #[test]
    fn kinds_and_stances_parse() {
        for kind in BlockKind::ALL {
            assert_eq!(kind.as_str().parse::<BlockKind>().unwrap(), *kind);
        }
        for stance in Stance::ALL {
            assert_eq!(stance.as_str().parse::<Stance>().unwrap(), *stance);
        }
        assert_eq!(" Claim ".parse::<BlockKind>().unwrap(), Claim);
        assert_eq!(
            "footnote".parse::<BlockKind>(),
            Err(AppError::invalid("kind", Problem::InvalidChoice))
        );
        assert_eq!(
            "refutes".parse::<Stance>(),
            Err(AppError::invalid("stance", Problem::InvalidChoice))
        );
    }

    #[test]
    fn coverage_counts_claims_and_recommendations() {
        let blocks = [
            (Heading, false),
            (Claim, true),
            (Text, false),
            (Claim, false),
            (Recommendation, true),
            (Recommendation, true),
        ];
        let c = coverage(blocks);
        assert_eq!(
            c,
            Coverage {
                supported: 3,
                total: 4
            }
        );
        assert_eq!(c.percent(), 75);
        let table = [
            (0, 0, 0),
            (0, 3, 0),
            (3, 3, 100),
            (1, 3, 33),
            (2, 3, 66),
            (199, 200, 99),
            (1, 1000, 1),
        ];
        for (supported, total, percent) in table {
            assert_eq!(
                Coverage { supported, total }.percent(),
                percent,
                "{supported}/{total}"
            );
        }
        assert_eq!(
            coverage([(Heading, true), (Text, true)]),
            Coverage::default()
        );
    }

    #[test]
    fn recommendations_are_numbered_in_order() {
        let kinds = [
            Heading,
            Recommendation,
            Claim,
            Recommendation,
            Text,
            Recommendation,
        ];
        assert_eq!(
            recommendation_numbers(&kinds),
            [None, Some(1), None, Some(2), None, Some(3)]
        );
        assert!(recommendation_numbers(&[]).is_empty());
    }
}
