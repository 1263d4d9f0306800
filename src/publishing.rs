//! A version put together for publication: the draft's blocks and the findings they cite
//! snapshotted, the consultation's record added, the reading page's article rendered once,
//! and the whole hashed into the paper's chain (see `domain::versions`).
use crate::domain::coverage::{self, BlockKind, CitedEvidence};
use crate::domain::papers::heading_label;
use crate::domain::versions::{
    BlockCite, DissentReason, Finding, Override, TallyLine, VersionBlock, VersionContent,
    sha256_hex,
};
use crate::lang::Lang;
use crate::store::papers::{BlockRow, CiteRow};
use crate::store::versions::{CitedFinding, NewVersion};
use std::collections::{BTreeMap, BTreeSet};

/// What a version is made of, gathered by the caller.
#[derive(Debug)]
pub struct Inputs {
    pub slug: String,
    pub title: String,
    pub number: u32,
    pub previous_hash: String,
    pub blocks: Vec<BlockRow>,
    pub findings: Vec<CitedFinding>,
    pub tallies: Vec<TallyLine>,
    pub dissent: Vec<DissentReason>,
    pub release_notes: String,
    /// (block id, reason) for each unsupported recommendation an editor publishes anyway.
    pub overrides: Vec<(String, String)>,
    pub author_id: Option<String>,
    pub author_name: String,
    /// RFC 3339, UTC, whole seconds.
    pub published_at: String,
}

/// The coverage line of a version: claims supported, by how many findings, from how many
/// countries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverageLine {
    pub supported: usize,
    pub claims: usize,
    pub findings: usize,
    pub countries: usize,
}

/// Builds the version: its content, hash and rendered article.
pub fn build(inputs: Inputs) -> NewVersion {
    // Only what a visitor may read enters a public version: members-only findings and those
    // whose consent is withdrawn are left out (the pre-publish check warns about both).
    let findings: BTreeMap<String, Finding> = inputs
        .findings
        .iter()
        .filter(|f| f.visibility == "public" && f.consent != "withdrawn")
        .map(|f| {
            (
                f.key.clone(),
                Finding {
                    key: f.key.clone(),
                    kind: f.kind.clone(),
                    text: f.text.clone(),
                    value: f.value.map(|v| v.to_string()),
                    unit: f.unit.clone(),
                    country: f.country.clone(),
                    collected_on: f.collected_on.clone(),
                    assessment: f.assessment.clone(),
                    method: f.method.clone(),
                },
            )
        })
        .collect();
    let kinds: Vec<BlockKind> = inputs
        .blocks
        .iter()
        .map(|b| b.kind.parse().unwrap_or(BlockKind::Text))
        .collect();
    let numbers = coverage::recommendation_numbers(&kinds);
    let mut line = CoverageLine {
        supported: 0,
        claims: 0,
        findings: 0,
        countries: 0,
    };
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let blocks: Vec<VersionBlock> = inputs
        .blocks
        .iter()
        .zip(&kinds)
        .zip(&numbers)
        .map(|((row, kind), number)| {
            let cites: Vec<BlockCite> = row
                .cites
                .iter()
                .filter(|c| findings.contains_key(&c.key))
                .map(|c| {
                    used.insert(c.key.as_str());
                    BlockCite {
                        key: c.key.clone(),
                        stance: c.stance.clone(),
                        locator: c.locator.clone(),
                    }
                })
                .collect();
            if coverage::needs_support(*kind) {
                line.claims += 1;
                let cited: Vec<CitedEvidence> = row
                    .cites
                    .iter()
                    .filter(|c| findings.contains_key(&c.key))
                    .filter_map(CiteRow::cited)
                    .collect();
                line.supported += usize::from(coverage::is_supported(&cited));
            }
            VersionBlock {
                id: row.id.clone(),
                kind: kind.as_str().to_string(),
                number: *number,
                text: row.text.clone(),
                cites,
            }
        })
        .collect();
    // The version holds the findings its blocks cite, nothing the draft merely linked once.
    let findings: Vec<Finding> = findings
        .into_values()
        .filter(|f| used.contains(f.key.as_str()))
        .collect();
    line.findings = findings.len();
    line.countries = findings
        .iter()
        .map(|f| f.country.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let number_of = |block: &str| blocks.iter().find(|b| b.id == block).and_then(|b| b.number);
    let mut content = VersionContent {
        paper: inputs.slug,
        title: inputs.title,
        number: inputs.number,
        previous_hash: inputs.previous_hash,
        findings: findings
            .iter()
            .map(|f| (f.key.clone(), f.digest()))
            .collect(),
        overrides: inputs
            .overrides
            .iter()
            .map(|(block, reason)| Override {
                block: block.clone(),
                number: number_of(block),
                reason: reason.clone(),
            })
            .collect(),
        blocks,
        tallies: inputs.tallies,
        dissent: inputs.dissent,
        release_notes: inputs.release_notes,
        author: inputs.author_name,
        published_at: inputs.published_at,
        html_digest: String::new(),
    };
    let html = render(&content, &findings, line, Lang::En);
    content.html_digest = sha256_hex(html.as_bytes());
    let canonical = content.canonical();
    NewVersion {
        number: content.number,
        hash: sha256_hex(&canonical),
        previous_hash: content.previous_hash.clone(),
        // Canonical JSON is UTF-8 by construction (it is written from Rust strings).
        content: String::from_utf8(canonical).unwrap_or_default(),
        findings,
        html,
        author_id: inputs.author_id,
        release_notes: content.release_notes,
        overrides: inputs.overrides,
        published_at: content.published_at,
    }
}

/// HTML-escapes text placed in the article outside rendered Markdown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Where a finding's text starts and ends in the article: the reading page replaces what is
/// between with a notice when consent is withdrawn after publication. Sanitised Markdown
/// never contains an HTML comment (raw HTML is off and ammonia strips comments), so no text
/// can forge these marks.
pub fn finding_start(key: &str) -> String {
    format!("<!--finding {key}-->")
}
pub const FINDING_END: &str = "<!--/finding-->";

fn label(lang: Lang, key: &str) -> String {
    escape(&lang.text(key))
}

/// The version's article: title, contents, blocks with their evidence as footnotes, release
/// notes, the consultation's record, the dissent annex, overrides and the evidence appendix.
/// Rendered once, at publication.
fn render(
    content: &VersionContent,
    findings: &[Finding],
    line: CoverageLine,
    lang: Lang,
) -> String {
    let mut html = String::with_capacity(64 * 1024);
    let by_key: BTreeMap<&str, &Finding> = findings.iter().map(|f| (f.key.as_str(), f)).collect();
    html.push_str("<article class=\"paper-version\">\n<header class=\"version-head\">\n");
    html.push_str(&format!(
        "<p class=\"eyebrow\">{}</p>\n<h1>{}</h1>\n",
        escape(
            &lang
                .text("reading_version_byline")
                .replace("{{ number }}", &content.number.to_string())
                .replace("{{ date }}", content.published_at.get(..10).unwrap_or(""))
                .replace("{{ author }}", &content.author)
        ),
        escape(&content.title)
    ));
    html.push_str(&format!(
        "<p class=\"coverage-line\">{}</p>\n</header>\n",
        escape(
            &lang
                .text("reading_coverage_line")
                .replace("{{ supported }}", &line.supported.to_string())
                .replace("{{ claims }}", &line.claims.to_string())
                .replace("{{ findings }}", &line.findings.to_string())
                .replace("{{ countries }}", &line.countries.to_string())
        )
    ));
    let headings: Vec<&VersionBlock> = content
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Heading.as_str())
        .collect();
    html.push_str(&format!(
        "<nav class=\"toc\" aria-labelledby=\"toc-title\">\n<h2 id=\"toc-title\">{}</h2>\n<ol>\n",
        label(lang, "reading_contents")
    ));
    for heading in &headings {
        html.push_str(&format!(
            "<li><a href=\"#block-{}\">{}</a></li>\n",
            escape(&heading.id),
            escape(&heading_label(&heading.text))
        ));
    }
    for (anchor, key) in [
        ("release-notes", "reading_release_notes"),
        ("consultation", "reading_consultation"),
        ("dissent", "reading_dissent"),
        ("evidence", "reading_evidence"),
    ] {
        html.push_str(&format!(
            "<li><a href=\"#{anchor}\">{}</a></li>\n",
            label(lang, key)
        ));
    }
    html.push_str("</ol>\n</nav>\n<div class=\"paper-body\">\n");
    let needed = lang.text("citation_needed");
    for block in &content.blocks {
        let kind: BlockKind = block.kind.parse().unwrap_or(BlockKind::Text);
        let parsed = crate::domain::citations::parse(&block.text);
        let known = |key: &str| block.cites.iter().any(|c| c.key == key);
        let mut body = crate::markdown::render_with_citations(&block.text, &parsed, known, &needed);
        if kind == BlockKind::Heading {
            body = crate::markdown::as_heading(body);
        }
        // Citations point at the block's own footnotes, which point at the appendix.
        for cite in &block.cites {
            body = body.replace(
                &format!("href=\"/evidence/{}\"", cite.key),
                &format!("href=\"#{}-{}\"", escape(&block.id), cite.key),
            );
        }
        let id = escape(&block.id);
        html.push_str(&format!(
            "<section class=\"block block-{}\" id=\"block-{id}\">\n",
            kind.as_str()
        ));
        if let Some(n) = block.number {
            html.push_str(&format!("<p class=\"rec-number\">R{n}</p>\n"));
        }
        html.push_str(&body);
        html.push_str(&format!(
            "<a class=\"permalink\" href=\"#block-{id}\" title=\"{}\">¶</a>\n",
            label(lang, "reading_permalink")
        ));
        if !block.cites.is_empty() {
            html.push_str(&format!(
                "<ol class=\"evidence-list\" aria-label=\"{}\">\n",
                label(lang, "reading_evidence")
            ));
            for cite in &block.cites {
                let Some(f) = by_key.get(cite.key.as_str()) else {
                    continue;
                };
                let locator = if cite.locator.is_empty() {
                    String::new()
                } else {
                    format!(", {}", escape(&cite.locator))
                };
                html.push_str(&format!(
                    "<li id=\"{id}-{key}\"><a href=\"#evidence-{key}\">{key}</a>{locator} \
                     <span class=\"stance\">{stance}</span> · {kind} · {country} · {date}</li>\n",
                    key = escape(&f.key),
                    stance = label(lang, &format!("stance_{}", cite.stance)),
                    kind = label(lang, &format!("kind_{}", f.kind)),
                    country = escape(&f.country),
                    date = escape(&f.collected_on),
                ));
            }
            html.push_str("</ol>\n");
        }
        html.push_str("</section>\n");
    }
    html.push_str("</div>\n");
    html.push_str(&format!(
        "<section class=\"release-notes\" id=\"release-notes\">\n<h2>{}</h2>\n{}</section>\n",
        label(lang, "reading_release_notes"),
        crate::markdown::render(&content.release_notes)
    ));
    render_consultation(&mut html, content, lang);
    if !content.overrides.is_empty() {
        html.push_str(&format!(
            "<section class=\"overrides\" id=\"overrides\">\n<h2>{}</h2>\n<ul>\n",
            label(lang, "reading_overrides")
        ));
        for o in &content.overrides {
            html.push_str(&format!(
                "<li><a href=\"#block-{}\">{}</a>: {}</li>\n",
                escape(&o.block),
                o.number
                    .map_or_else(|| escape(&o.block), |n| format!("R{n}")),
                escape(&o.reason)
            ));
        }
        html.push_str("</ul>\n</section>\n");
    }
    html.push_str(&format!(
        "<section class=\"evidence-appendix\" id=\"evidence\">\n<h2>{}</h2>\n<ol>\n",
        label(lang, "reading_evidence")
    ));
    for f in findings {
        let key = escape(&f.key);
        let value = f
            .value
            .as_ref()
            .map(|v| format!(" · <strong>{} {}</strong>", escape(v), escape(&f.unit)))
            .unwrap_or_default();
        html.push_str(&format!(
            "<li id=\"evidence-{key}\">\n<h3>{key}</h3>\n<p class=\"meta\">{kind} · {country} · {date} · {assessment} ({method}){value}</p>\n{start}<blockquote>{text}</blockquote>{FINDING_END}\n</li>\n",
            kind = label(lang, &format!("kind_{}", f.kind)),
            country = escape(&f.country),
            date = escape(&f.collected_on),
            assessment = escape(&f.assessment),
            method = label(lang, &format!("method_{}", f.method)),
            start = finding_start(&f.key),
            text = crate::markdown::render(&f.text),
        ));
    }
    html.push_str("</ol>\n</section>\n</article>\n");
    html
}

fn render_consultation(html: &mut String, content: &VersionContent, lang: Lang) {
    let target_name = |number: Option<u32>| match number {
        Some(n) => format!("R{n}"),
        None => label(lang, "reading_whole_paper"),
    };
    html.push_str(&format!(
        "<section class=\"consultation\" id=\"consultation\">\n<h2>{}</h2>\n",
        label(lang, "reading_consultation")
    ));
    if content.tallies.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", label(lang, "reading_no_votes")));
    } else {
        html.push_str(&format!(
            "<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            label(lang, "reading_target"),
            label(lang, "choice_support"),
            label(lang, "choice_oppose"),
            label(lang, "choice_abstain"),
            label(lang, "reading_organisations"),
        ));
        for t in &content.tallies {
            html.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                target_name(t.number),
                t.support,
                t.oppose,
                t.abstain,
                t.organisations
            ));
        }
        html.push_str("</tbody>\n</table>\n");
    }
    html.push_str("</section>\n");
    html.push_str(&format!(
        "<section class=\"dissent\" id=\"dissent\">\n<h2>{}</h2>\n",
        label(lang, "reading_dissent")
    ));
    if content.dissent.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", label(lang, "reading_no_dissent")));
    } else {
        html.push_str("<ul>\n");
        for d in &content.dissent {
            let by = d
                .organisation
                .as_deref()
                .map_or_else(|| label(lang, "reading_anonymous"), escape);
            html.push_str(&format!(
                "<li><p class=\"meta\">{} · {by}</p><blockquote>{}</blockquote></li>\n",
                target_name(d.number),
                escape(&d.reason)
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</section>\n");
}

/// The article with the text of each finding in `withdrawn` replaced by a notice: consent
/// withdrawn after publication hides the text from readers (the chain holds its digest).
pub fn hide_withdrawn(html: &str, withdrawn: &[String], notice: &str) -> String {
    let mut out = html.to_string();
    for key in withdrawn {
        let start = finding_start(key);
        let Some(from) = out.find(&start) else {
            continue;
        };
        let body_from = from + start.len();
        let Some(len) = out[body_from..].find(FINDING_END) else {
            continue;
        };
        out.replace_range(
            body_from..body_from + len,
            &format!("<p class=\"withdrawn\">{}</p>", escape(notice)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdrawn_findings_lose_their_text_and_nothing_else() {
        let html = format!(
            "<li>{}<blockquote>Secret words</blockquote>{FINDING_END}</li><li>{}<blockquote>Kept</blockquote>{FINDING_END}</li>",
            finding_start("a-1"),
            finding_start("b-2")
        );
        let hidden = hide_withdrawn(&html, &["a-1".to_string()], "withdrawn <here>");
        assert!(!hidden.contains("Secret words"), "{hidden}");
        assert!(hidden.contains("withdrawn &lt;here&gt;"), "{hidden}");
        assert!(hidden.contains("Kept"), "{hidden}");
        assert_eq!(hide_withdrawn(&html, &["zz".to_string()], "x"), html);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
