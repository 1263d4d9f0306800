//! Published versions: what a version holds, the canonical byte form its hash is taken over,
//! and the hash chain that makes every version tamper-evident.
//!
//! # Canonical form (format 1)
//!
//! So that anyone can recompute a version's hash from its published content, the content is
//! written as **canonical JSON**, and the hash is the SHA-256 of those bytes, written as 64
//! lowercase hexadecimal digits:
//!
//! - UTF-8, no byte-order mark, no whitespace outside strings;
//! - object keys sorted by their UTF-8 bytes, each key once;
//! - strings escape `"` and `\` and the control characters U+0000–U+001F only (`\b \f \n
//!   \r \t`, the others as `\u00xx` in lowercase hex); every other character is written as
//!   itself (no `\u` escapes, no Unicode normalisation: the text as stored);
//! - numbers are integers only (no sign unless negative, no leading zeros, no exponent);
//!   decimal values (an indicator's value) are strings, exactly as stored;
//! - a missing value is `null`; lists keep their order (blocks in reading order).
//!
//! A version is the object
//!
//! ```text
//! {"author":…,"blocks":[{"cites":[{"key":…,"locator":…,"stance":…}],"id":…,"kind":…,
//!   "number":R-number|null,"text":markdown}],
//!  "dissent":[{"number":…,"organisation":name|null,"reason":…,"target":block id|"paper"}],
//!  "findings":[{"digest":…,"key":…}],"format":1,"html_digest":sha256 of the rendered HTML,
//!  "number":N,"overrides":[{"block":…,"number":…,"reason":…}],"paper":slug,
//!  "previous_hash":hash of version N-1 or "" for version 1,"published_at":RFC 3339 UTC,
//!  "release_notes":…,"tallies":[{"abstain":…,"number":…,"oppose":…,"organisations":…,
//!  "support":…,"target":…}],"title":…}
//! ```
//!
//! A cited finding enters the version through its **digest** only: the SHA-256 of the
//! canonical object `{"assessment","collected_on","country","key","kind","method","text",
//! "unit","value"}` (value a decimal string or `null`). The finding's text is kept beside the
//! version for readers, but is not part of the hashed bytes, so a finding whose consent is
//! withdrawn after publication can be hidden from readers while the chain still verifies.
//!
//! The chain: version N stores its hash and `previous_hash`, the hash of version N-1; since
//! `previous_hash` is inside the hashed content, changing any earlier version breaks every
//! later link.
use crate::domain::consultations::{Choice, RecordedVote, ResultsMode, tally};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use surrealdb::types::SurrealValue;

/// The version of this canonical form, written into every version as `format`.
pub const FORMAT: u64 = 1;

/// A paper's versions as a list: number, hash, time and release notes (no content).
#[derive(Debug, Clone, PartialEq, Eq, SurrealValue)]
pub struct VersionListing {
    pub number: i64,
    pub hash: String,
    pub created_at: String,
    pub release_notes: String,
}

/// What the reading page serves of one version: its stored page, the keys it cites (sorted),
/// and what its citation names (title, author, time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedVersion {
    pub number: i64,
    pub hash: String,
    pub html: String,
    pub cited_keys: Vec<String>,
    pub title: String,
    pub author: String,
    pub published_at: String,
}

/// A paper as its reading pages need it: which paper, its address and title (fixed when it
/// was made), and its versions in order (none while it is a draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingPaper {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub versions: Vec<VersionListing>,
}

/// A cited finding as a reader of the version needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub key: String,
    pub kind: String,
    /// The quote or finding (Markdown).
    pub text: String,
    /// An indicator's value as stored (a decimal), if any.
    pub value: Option<String>,
    pub unit: String,
    pub country: String,
    pub collected_on: String,
    /// The assessment's title, and its method.
    pub assessment: String,
    pub method: String,
}

impl Finding {
    fn canonical_value(&self) -> Value {
        json!({
            "assessment": self.assessment,
            "collected_on": self.collected_on,
            "country": self.country,
            "key": self.key,
            "kind": self.kind,
            "method": self.method,
            "text": self.text,
            "unit": self.unit,
            "value": self.value,
        })
    }

    /// The SHA-256 of the finding's canonical form: what the version's hash covers.
    pub fn digest(&self) -> String {
        sha256_hex(&canonical_bytes(&self.canonical_value()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockCite {
    pub key: String,
    pub stance: String,
    pub locator: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionBlock {
    pub id: String,
    pub kind: String,
    /// R1, R2, … for recommendations.
    pub number: Option<u32>,
    pub text: String,
    pub cites: Vec<BlockCite>,
}

/// The consultation's count on one target (a recommendation's block id, or "paper").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyLine {
    pub target: String,
    pub number: Option<u32>,
    pub support: u64,
    pub oppose: u64,
    pub abstain: u64,
    pub organisations: u64,
}

/// A reason given with an opposing vote: the dissent annex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DissentReason {
    pub target: String,
    pub number: Option<u32>,
    /// The organisation, unless the consultation's results were anonymised.
    pub organisation: Option<String>,
    pub reason: String,
}

/// An editor's written reason for publishing an unsupported recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub block: String,
    pub number: Option<u32>,
    pub reason: String,
}

/// Everything a version holds, as hashed (findings by key and digest; their text travels
/// beside it, see [`Finding`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionContent {
    pub paper: String,
    pub title: String,
    pub number: u32,
    pub previous_hash: String,
    pub blocks: Vec<VersionBlock>,
    /// (key, digest), in key order.
    pub findings: Vec<(String, String)>,
    pub tallies: Vec<TallyLine>,
    pub dissent: Vec<DissentReason>,
    pub release_notes: String,
    pub overrides: Vec<Override>,
    pub author: String,
    pub published_at: String,
    pub html_digest: String,
}

impl VersionContent {
    fn canonical_value(&self) -> Value {
        json!({
            "author": self.author,
            "blocks": self.blocks.iter().map(|b| json!({
                "cites": b.cites.iter().map(|c| json!({
                    "key": c.key, "locator": c.locator, "stance": c.stance,
                })).collect::<Vec<_>>(),
                "id": b.id,
                "kind": b.kind,
                "number": b.number,
                "text": b.text,
            })).collect::<Vec<_>>(),
            "dissent": self.dissent.iter().map(|d| json!({
                "number": d.number, "organisation": d.organisation,
                "reason": d.reason, "target": d.target,
            })).collect::<Vec<_>>(),
            "findings": self.findings.iter().map(|(key, digest)| json!({
                "digest": digest, "key": key,
            })).collect::<Vec<_>>(),
            "format": FORMAT,
            "html_digest": self.html_digest,
            "number": self.number,
            "overrides": self.overrides.iter().map(|o| json!({
                "block": o.block, "number": o.number, "reason": o.reason,
            })).collect::<Vec<_>>(),
            "paper": self.paper,
            "previous_hash": self.previous_hash,
            "published_at": self.published_at,
            "release_notes": self.release_notes,
            "tallies": self.tallies.iter().map(|t| json!({
                "abstain": t.abstain, "number": t.number, "oppose": t.oppose,
                "organisations": t.organisations, "support": t.support, "target": t.target,
            })).collect::<Vec<_>>(),
            "title": self.title,
        })
    }

    /// The bytes the hash is taken over (see the module's documentation).
    pub fn canonical(&self) -> Vec<u8> {
        canonical_bytes(&self.canonical_value())
    }

    /// Reads a version back from its canonical bytes; None unless they are exactly the
    /// canonical form of what they say (so two byte strings never claim one content).
    pub fn from_canonical(bytes: &[u8]) -> Option<VersionContent> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        let content = content_from_value(&value)?;
        (content.canonical() == bytes).then_some(content)
    }
}

fn content_from_value(v: &Value) -> Option<VersionContent> {
    let s = |v: &Value, k: &str| v.get(k)?.as_str().map(str::to_string);
    let n = |v: &Value, k: &str| v.get(k)?.as_u64();
    let number = |v: &Value| match v.get("number")? {
        Value::Null => Some(None),
        other => other.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some),
    };
    let list = |k: &str| v.get(k)?.as_array();
    if n(v, "format")? != FORMAT {
        return None;
    }
    let blocks = list("blocks")?
        .iter()
        .map(|b| {
            Some(VersionBlock {
                id: s(b, "id")?,
                kind: s(b, "kind")?,
                number: number(b)?,
                text: s(b, "text")?,
                cites: b
                    .get("cites")?
                    .as_array()?
                    .iter()
                    .map(|c| {
                        Some(BlockCite {
                            key: s(c, "key")?,
                            stance: s(c, "stance")?,
                            locator: s(c, "locator")?,
                        })
                    })
                    .collect::<Option<_>>()?,
            })
        })
        .collect::<Option<_>>()?;
    let findings = list("findings")?
        .iter()
        .map(|f| Some((s(f, "key")?, s(f, "digest")?)))
        .collect::<Option<_>>()?;
    let tallies = list("tallies")?
        .iter()
        .map(|t| {
            Some(TallyLine {
                target: s(t, "target")?,
                number: number(t)?,
                support: n(t, "support")?,
                oppose: n(t, "oppose")?,
                abstain: n(t, "abstain")?,
                organisations: n(t, "organisations")?,
            })
        })
        .collect::<Option<_>>()?;
    let dissent = list("dissent")?
        .iter()
        .map(|d| {
            Some(DissentReason {
                target: s(d, "target")?,
                number: number(d)?,
                organisation: match d.get("organisation")? {
                    Value::Null => None,
                    other => Some(other.as_str()?.to_string()),
                },
                reason: s(d, "reason")?,
            })
        })
        .collect::<Option<_>>()?;
    let overrides = list("overrides")?
        .iter()
        .map(|o| {
            Some(Override {
                block: s(o, "block")?,
                number: number(o)?,
                reason: s(o, "reason")?,
            })
        })
        .collect::<Option<_>>()?;
    Some(VersionContent {
        paper: s(v, "paper")?,
        title: s(v, "title")?,
        number: u32::try_from(n(v, "number")?).ok()?,
        previous_hash: s(v, "previous_hash")?,
        blocks,
        findings,
        tallies,
        dissent,
        release_notes: s(v, "release_notes")?,
        overrides,
        author: s(v, "author")?,
        published_at: s(v, "published_at")?,
        html_digest: s(v, "html_digest")?,
    })
}

/// The consultation's record a version keeps: the count on each target (the recommendations
/// in order, then "paper") and the dissent annex, the reasons of those who opposed, by
/// organisation unless the consultation's results were anonymised.
pub fn consultation_record(
    votes: &[RecordedVote],
    targets: &[(String, Option<u32>)],
    mode: ResultsMode,
) -> (Vec<TallyLine>, Vec<DissentReason>) {
    let ballots: Vec<_> = votes.iter().map(RecordedVote::ballot).collect();
    let mut tallies = Vec::new();
    let mut dissent = Vec::new();
    for (target, number) in targets {
        let tally = tally(&ballots, target, None);
        if tally.counts.total() == 0 {
            continue;
        }
        tallies.push(TallyLine {
            target: target.clone(),
            number: *number,
            support: tally.counts.support as u64,
            oppose: tally.counts.oppose as u64,
            abstain: tally.counts.abstain as u64,
            organisations: tally.organisations as u64,
        });
        let mut reasons: Vec<DissentReason> = votes
            .iter()
            .filter(|v| v.target == *target && v.choice == Choice::Oppose)
            .filter(|v| !v.reason.trim().is_empty())
            .map(|v| DissentReason {
                target: target.clone(),
                number: *number,
                organisation: (mode == ResultsMode::Named).then(|| v.organisation.clone()),
                reason: v.reason.clone(),
            })
            .collect();
        reasons.sort_by(|a, b| (&a.organisation, &a.reason).cmp(&(&b.organisation, &b.reason)));
        dissent.extend(reasons);
    }
    (tallies, dissent)
}

/// Writes `value` in the canonical form. Floating-point numbers never occur in what we hash
/// (decimals are strings); if one did, it is written as a string so the form stays defined.
pub fn canonical_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            out.extend_from_slice(n.to_string().as_bytes())
        }
        Value::Number(n) => write_string(&n.to_string(), out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Sorted here, whatever order the map keeps (serde_json's `preserve_order`).
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &byte in s.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x00..=0x1f => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// A version as stored: what verification reads back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    pub number: u32,
    pub hash: String,
    pub previous_hash: String,
    /// The canonical bytes, as hashed.
    pub content: Vec<u8>,
    /// The cited findings' full text, kept beside the content; a finding missing here
    /// (its text withheld) is not checked against its digest.
    pub findings: Vec<Finding>,
    pub html: Vec<u8>,
}

/// Why a version does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Versions must be numbered 1, 2, 3… without a gap.
    Numbering { expected: u32 },
    /// Its `previous_hash` is not the hash of the version before it.
    Link,
    /// Its content does not hash to its stored hash.
    Hash,
    /// Its content is not in canonical form, or says another number or previous hash.
    Content,
    /// A cited finding's text does not match the digest the version holds.
    Finding { key: String },
    /// The rendered page is not the one hashed into the version.
    Html,
}

/// The first version of a chain that does not verify, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBroken {
    pub number: u32,
    pub problem: Break,
}

/// Checks a paper's versions, in order of their numbers: each hashes to its hash, links to the
/// one before, and carries the findings and rendered page it was published with.
pub fn verify_chain(versions: &[StoredVersion]) -> Result<(), ChainBroken> {
    let mut previous = String::new();
    for (i, version) in versions.iter().enumerate() {
        let broken = |problem| ChainBroken {
            number: version.number,
            problem,
        };
        let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if version.number != expected {
            return Err(broken(Break::Numbering { expected }));
        }
        if version.previous_hash != previous {
            return Err(broken(Break::Link));
        }
        if sha256_hex(&version.content) != version.hash {
            return Err(broken(Break::Hash));
        }
        let content =
            VersionContent::from_canonical(&version.content).ok_or(broken(Break::Content))?;
        if content.number != version.number || content.previous_hash != version.previous_hash {
            return Err(broken(Break::Content));
        }
        for finding in &version.findings {
            let held = content.findings.iter().find(|(key, _)| *key == finding.key);
            if held.is_none_or(|(_, digest)| *digest != finding.digest()) {
                return Err(broken(Break::Finding {
                    key: finding.key.clone(),
                }));
            }
        }
        if sha256_hex(&version.html) != content.html_digest {
            return Err(broken(Break::Html));
        }
        previous = version.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(key: &str, text: &str) -> Finding {
        Finding {
            key: key.into(),
            kind: "testimony".into(),
            text: text.into(),
            value: None,
            unit: String::new(),
            country: "HU".into(),
            collected_on: "2019-05-01".into(),
            assessment: "Workcamps 2019".into(),
            method: "testimonies".into(),
        }
    }

    fn version(number: u32, previous: &str, text: &str) -> StoredVersion {
        let findings = vec![
            finding(
                "hu-2019-testimony-07",
                "I learnt to \"speak up\".\nAnd to listen.",
            ),
            Finding {
                kind: "indicator".into(),
                value: Some("42.5".into()),
                unit: "%".into(),
                ..finding("fr-2020-indicator-02", "Share of volunteers employed")
            },
        ];
        let html = format!("<article><p>{text}</p></article>").into_bytes();
        let content = VersionContent {
            paper: "volunteering".into(),
            title: "Volunteering — über alles".into(),
            number,
            previous_hash: previous.into(),
            blocks: vec![VersionBlock {
                id: "b1".into(),
                kind: "recommendation".into(),
                number: Some(1),
                text: text.into(),
                cites: vec![BlockCite {
                    key: "hu-2019-testimony-07".into(),
                    stance: "supports".into(),
                    locator: "p. 4".into(),
                }],
            }],
            findings: findings
                .iter()
                .map(|f| (f.key.clone(), f.digest()))
                .collect(),
            tallies: vec![TallyLine {
                target: "b1".into(),
                number: Some(1),
                support: 5,
                oppose: 1,
                abstain: 0,
                organisations: 4,
            }],
            dissent: vec![DissentReason {
                target: "b1".into(),
                number: Some(1),
                organisation: Some("SWN".into()),
                reason: "Too costly\tfor us".into(),
            }],
            release_notes: "First publication.".into(),
            overrides: vec![],
            author: "Marco Bellini".into(),
            published_at: "2026-12-02T06:00:00Z".into(),
            html_digest: sha256_hex(&html),
        };
        let bytes = content.canonical();
        StoredVersion {
            number,
            hash: sha256_hex(&bytes),
            previous_hash: previous.into(),
            content: bytes,
            findings,
            html,
        }
    }

    fn chain() -> Vec<StoredVersion> {
        let v1 = version(1, "", "Fund workcamps [@hu-2019-testimony-07].");
        let v2 = version(
            2,
            &v1.hash,
            "Fund workcamps every year [@hu-2019-testimony-07].",
        );
        let v3 = version(3, &v2.hash, "Fund workcamps every year, from 2027.");
        vec![v1, v2, v3]
    }

    #[test]
    fn a_chain_as_published_verifies() {
        assert_eq!(verify_chain(&chain()), Ok(()));
        assert_eq!(verify_chain(&[]), Ok(()));
    }

    #[test]
    fn one_changed_byte_anywhere_breaks_verification() {
        let versions = chain();
        for v in 0..versions.len() {
            for at in 0..versions[v].content.len() {
                let mut tampered = versions.clone();
                tampered[v].content[at] ^= 0x01;
                assert!(
                    verify_chain(&tampered).is_err(),
                    "content byte {at} of v{}",
                    v + 1
                );
            }
            for at in 0..versions[v].html.len() {
                let mut tampered = versions.clone();
                tampered[v].html[at] ^= 0x20;
                let broken = verify_chain(&tampered).unwrap_err();
                assert_eq!(broken.problem, Break::Html, "html byte {at}");
            }
            for at in 0..versions[v].findings[0].text.len() {
                let mut tampered = versions.clone();
                let mut bytes = tampered[v].findings[0].text.clone().into_bytes();
                bytes[at] ^= 0x01;
                tampered[v].findings[0].text = String::from_utf8_lossy(&bytes).into_owned();
                let broken = verify_chain(&tampered).unwrap_err();
                assert!(
                    matches!(broken.problem, Break::Finding { .. }),
                    "finding byte {at}"
                );
            }
            for at in 0..64 {
                let mut tampered = versions.clone();
                let mut hash = tampered[v].hash.clone().into_bytes();
                hash[at] = if hash[at] == b'0' { b'1' } else { b'0' };
                tampered[v].hash = String::from_utf8(hash).unwrap();
                assert!(verify_chain(&tampered).is_err(), "hash digit {at}");
            }
        }
    }

    #[test]
    fn a_rehashed_earlier_version_breaks_the_next_link() {
        let mut versions = chain();
        // Someone rewrites v1 and stores its new, self-consistent hash: v2 no longer links.
        versions[0] = version(1, "", "Fund nothing.");
        let broken = verify_chain(&versions).unwrap_err();
        assert_eq!((broken.number, broken.problem), (2, Break::Link));
    }

    #[test]
    fn chain_order_and_gaps_are_checked() {
        let versions = chain();
        let swapped = vec![
            versions[1].clone(),
            versions[0].clone(),
            versions[2].clone(),
        ];
        assert_eq!(
            verify_chain(&swapped).unwrap_err().problem,
            Break::Numbering { expected: 1 }
        );
        let gap = vec![versions[0].clone(), versions[2].clone()];
        assert_eq!(
            verify_chain(&gap).unwrap_err(),
            ChainBroken {
                number: 3,
                problem: Break::Numbering { expected: 2 }
            }
        );
        let mut relabelled = versions.clone();
        relabelled[2].previous_hash = versions[0].hash.clone();
        assert_eq!(verify_chain(&relabelled).unwrap_err().problem, Break::Link);
    }

    #[test]
    fn a_withheld_finding_text_still_verifies() {
        let mut versions = chain();
        // Consent withdrawn: the text is no longer shown, only its digest is in the chain.
        versions[1].findings.remove(0);
        assert_eq!(verify_chain(&versions), Ok(()));
    }

    #[test]
    fn digests_are_stable() {
        // Recomputed by anyone from the documented form: these bytes, this hash.
        let f = finding("hu-2019-testimony-07", "Ünïcode \"quoted\"\n\u{1}");
        let bytes = canonical_bytes(&f.canonical_value());
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "{\"assessment\":\"Workcamps 2019\",\"collected_on\":\"2019-05-01\",\"country\":\"HU\",\
             \"key\":\"hu-2019-testimony-07\",\"kind\":\"testimony\",\"method\":\"testimonies\",\
             \"text\":\"Ünïcode \\\"quoted\\\"\\n\\u0001\",\"unit\":\"\",\"value\":null}"
        );
        assert_eq!(f.digest(), sha256_hex(&bytes));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            f.digest(),
            finding("hu-2019-testimony-07", "Ünïcode \"quoted\"\n\u{1}").digest()
        );
        assert_ne!(
            f.digest(),
            finding("hu-2019-testimony-07", "Unicode").digest()
        );
    }

    #[test]
    fn canonical_form_sorts_keys_and_round_trips() {
        let a = canonical_bytes(&json!({"b": 1, "a": [true, null, "x"], "é": {"z": 0, "y": -2}}));
        assert_eq!(
            String::from_utf8(a).unwrap(),
            "{\"a\":[true,null,\"x\"],\"b\":1,\"é\":{\"y\":-2,\"z\":0}}"
        );
        let v = chain().remove(1);
        let content = VersionContent::from_canonical(&v.content).unwrap();
        assert_eq!(content.canonical(), v.content);
        // The same content with spaces is not canonical, so it is refused.
        let spaced = String::from_utf8(v.content.clone())
            .unwrap()
            .replacen(',', ", ", 1);
        assert!(VersionContent::from_canonical(spaced.as_bytes()).is_none());
    }

    #[test]
    fn the_dissent_annex_names_organisations_only_when_results_are_named() {
        let vote = |target: &str, choice, organisation: &str, reason: &str| RecordedVote {
            target: target.into(),
            choice,
            reason: reason.into(),
            member_name: "Someone".into(),
            organisation: organisation.into(),
            country: "FR".into(),
            block_rev: 1,
            current_rev: 1,
            updated_at: String::new(),
        };
        let votes = vec![
            vote("b1", Choice::Oppose, "SWN", "Too costly."),
            vote("b1", Choice::Oppose, "ICYE", ""),
            vote("b1", Choice::Support, "CJ", "Yes, because."),
            vote("paper", Choice::Abstain, "CJ", ""),
        ];
        let targets = vec![
            ("b1".to_string(), Some(1)),
            ("b2".to_string(), Some(2)),
            ("paper".to_string(), None),
        ];
        let (tallies, dissent) = consultation_record(&votes, &targets, ResultsMode::Named);
        assert_eq!(tallies.len(), 2, "no line for a target nobody voted on");
        assert_eq!(
            (
                tallies[0].support,
                tallies[0].oppose,
                tallies[0].organisations
            ),
            (1, 2, 3)
        );
        assert_eq!(tallies[1].target, "paper");
        assert_eq!(dissent.len(), 1, "only opposing votes with a reason");
        assert_eq!(dissent[0].organisation.as_deref(), Some("SWN"));
        let (_, anonymous) = consultation_record(&votes, &targets, ResultsMode::Anonymised);
        assert_eq!(anonymous[0].organisation, None);
        assert_eq!(anonymous[0].reason, "Too costly.");
    }
}
