//! A published version as one Markdown file: its heading lines, the blocks in the paper's
//! Markdown convention (`paper_markdown`, so `[@key]` citations stay as written and the file
//! imports back), the release notes, and an appendix with every cited finding.
use crate::domain::coverage::BlockKind;
use crate::domain::paper_markdown::{BlockDraft, export};
use crate::domain::versions::{Finding, VersionContent};

/// What the file says about a finding whose consent was withdrawn after publication, and
/// where the version lives.
#[derive(Debug, Clone, Copy)]
pub struct Notes<'a> {
    pub url: &'a str,
    pub hash: &'a str,
    pub withdrawn_notice: &'a str,
}

/// The version as Markdown; findings whose key is in `withdrawn` lose their text.
pub fn version_markdown(
    content: &VersionContent,
    findings: &[Finding],
    withdrawn: &[String],
    notes: Notes<'_>,
) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(&format!("# {}\n\n", one_line(&content.title)));
    out.push_str(&format!(
        "Version {} · published {} by {}  \n{}  \nSHA-256 `{}`\n\n",
        content.number,
        content.published_at.get(..10).unwrap_or(""),
        one_line(&content.author),
        notes.url,
        notes.hash,
    ));
    let blocks: Vec<BlockDraft> = content
        .blocks
        .iter()
        .map(|b| BlockDraft {
            kind: b.kind.parse().unwrap_or(BlockKind::Text),
            text: b.text.clone(),
        })
        .collect();
    out.push_str(&export(&blocks));
    out.push_str("\n## Release notes\n\n");
    out.push_str(content.release_notes.trim_end());
    out.push('\n');
    if !content.overrides.is_empty() {
        out.push_str("\n## Published without evidence, with the editors' reasons\n\n");
        for o in &content.overrides {
            let target = o
                .number
                .map_or_else(|| o.block.clone(), |n| format!("R{n}"));
            out.push_str(&format!("- {target}: {}\n", one_line(&o.reason)));
        }
    }
    out.push_str("\n## Evidence\n");
    for f in findings {
        out.push_str(&format!("\n### {}\n\n", f.key));
        let mut meta = vec![f.kind.clone(), f.country.clone(), f.collected_on.clone()];
        meta.push(format!("{} ({})", one_line(&f.assessment), f.method));
        if let Some(value) = &f.value {
            let unit = if f.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", f.unit)
            };
            meta.push(format!("**{value}{unit}**"));
        }
        out.push_str(&meta.join(" · "));
        out.push_str("\n\n");
        let text = if withdrawn.contains(&f.key) {
            notes.withdrawn_notice
        } else {
            f.text.as_str()
        };
        for line in text.trim_end().lines() {
            if line.is_empty() {
                out.push_str(">\n");
            } else {
                out.push_str(&format!("> {line}\n"));
            }
        }
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::paper_markdown::import;
    use crate::domain::versions::{BlockCite, Override, VersionBlock};

    fn content() -> VersionContent {
        let block = |id: &str, kind: &str, text: &str, cites: &[&str]| VersionBlock {
            id: id.into(),
            kind: kind.into(),
            number: (kind == "recommendation").then_some(1),
            text: text.into(),
            cites: cites
                .iter()
                .map(|k| BlockCite {
                    key: (*k).into(),
                    stance: "supports".into(),
                    locator: String::new(),
                })
                .collect(),
        };
        VersionContent {
            paper: "p".into(),
            title: "Inclusive\nvolunteering".into(),
            number: 2,
            previous_hash: String::new(),
            blocks: vec![
                block("h", "heading", "Why", &[]),
                block("c", "claim", "Skills grow [@a-1].", &["a-1"]),
                block(
                    "r",
                    "recommendation",
                    "Fund camps [@a-1; @b-2].",
                    &["a-1", "b-2"],
                ),
            ],
            findings: vec![],
            tallies: vec![],
            dissent: vec![],
            release_notes: "Second **edition**.".into(),
            overrides: vec![Override {
                block: "r".into(),
                number: Some(1),
                reason: "Asked for.".into(),
            }],
            author: "Marco Bellini".into(),
            published_at: "2026-11-22T06:00:00Z".into(),
            html_digest: String::new(),
        }
    }

    fn finding(key: &str, text: &str, value: Option<&str>) -> Finding {
        Finding {
            key: key.into(),
            kind: if value.is_some() {
                "indicator"
            } else {
                "testimony"
            }
            .into(),
            text: text.into(),
            value: value.map(str::to_string),
            unit: if value.is_some() { "%" } else { "" }.into(),
            country: "HU".into(),
            collected_on: "2019-05-01".into(),
            assessment: "Workcamps 2019".into(),
            method: "survey".into(),
        }
    }

    #[test]
    fn the_file_keeps_citations_and_lists_the_evidence() {
        let findings = [
            finding("a-1", "I learnt to speak up.\n\nAnd to listen.", None),
            finding("b-2", "Share employed", Some("42.5")),
        ];
        let md = version_markdown(
            &content(),
            &findings,
            &[],
            Notes {
                url: "https://example.org/papers/p/v/2",
                hash: "abc",
                withdrawn_notice: "Withdrawn.",
            },
        );
        for expected in [
            "# Inclusive volunteering\n",
            "Version 2 · published 2026-11-22 by Marco Bellini",
            "https://example.org/papers/p/v/2",
            "SHA-256 `abc`",
            "## Why",
            "::: claim\nSkills grow [@a-1].\n:::",
            "Fund camps [@a-1; @b-2].",
            "## Release notes\n\nSecond **edition**.",
            "- R1: Asked for.",
            "### a-1\n\ntestimony · HU · 2019-05-01 · Workcamps 2019 (survey)\n\n> I learnt to speak up.\n>\n> And to listen.\n",
            "**42.5 %**",
        ] {
            assert!(md.contains(expected), "{expected:?} in\n{md}");
        }
        // The paper's part reads back as the version's blocks.
        let body_start = md.find("## Why").unwrap();
        let body_end = md.find("\n## Release notes").unwrap();
        let blocks = import(&md[body_start..body_end]).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[2].kind, BlockKind::Recommendation);
        assert_eq!(blocks[2].text, "Fund camps [@a-1; @b-2].");
    }

    #[test]
    fn a_withdrawn_finding_loses_its_text() {
        let findings = [finding("a-1", "Secret words", None)];
        let md = version_markdown(
            &content(),
            &findings,
            &["a-1".to_string()],
            Notes {
                url: "u",
                hash: "h",
                withdrawn_notice: "Withdrawn at the request of the person concerned.",
            },
        );
        assert!(!md.contains("Secret words"));
        assert!(md.contains("> Withdrawn at the request of the person concerned.\n"));
    }
}
