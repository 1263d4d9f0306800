//! `/papers/{slug}/compare/{a}/{b}`: what changed from version `a` to a later version `b`,
//! for everyone, at an address that can be shared. Plain HTML in the reading view's style,
//! without script: blocks added, removed, moved and changed (word by word), evidence linked
//! and unlinked, indicator values corrected, and the release notes of the versions between.
use super::pages::ErrorPage;
use super::reading::{
    VERSION_CACHE, accepted_coding, compressed, reading_paper, sent_as, served_version,
    stylesheet_href,
};
use super::version_files::version_number;
use crate::caches::SentPage;
use crate::domain::papers::DiffPart;
use crate::domain::version_diff::{BlockDiff, BlockStatus, Comparison, Side, compare};
use crate::domain::versions::Finding;
use crate::error::AppError;
use crate::lang::Lang;
use crate::publishing::escape;
use crate::state::AppState;
use crate::store;
use axum::extract::{Path, State};
use axum::response::Response;
use http::HeaderMap;
use std::sync::Arc;

pub async fn versions(
    State(state): State<AppState>,
    Path((slug, from, to)): Path<(String, String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    match compared(&state, &slug, &from, &to).await {
        Ok(sent) => sent_as(&sent, accepted_coding(&headers), VERSION_CACHE),
        Err(error) => page.answer(&error),
    }
}

/// The comparison page, kept with its compressed forms: two versions never change, so the
/// page depends only on them and on which of their findings are withdrawn now (read on every
/// request, as the reading page does).
async fn compared(
    state: &AppState,
    slug: &str,
    from: &str,
    to: &str,
) -> Result<Arc<SentPage>, AppError> {
    let (from, to) = (version_number(from)?, version_number(to)?);
    // Earlier first: the other way round, or a version with itself, is not a comparison.
    if from >= to {
        return Err(AppError::Request);
    }
    let paper = reading_paper(state, slug).await?;
    let (before, after) = tokio::join!(
        served_version(state, &paper, from),
        served_version(state, &paper, to)
    );
    let (Some(before), Some(after)) = (before?, after?) else {
        return Err(AppError::NotFound);
    };
    // A finding whose consent is withdrawn now shows nothing of itself but its key.
    let mut cited: Vec<String> = before.cited_keys.clone();
    cited.extend(after.cited_keys.iter().cloned());
    cited.sort();
    cited.dedup();
    let withdrawn = super::reading::withdrawn_among(state, &cited).await?;
    let notice = super::reading::demo_notice(state, Lang::En);
    let key = format!(
        "compare|{}|{from}|{to}|{}|{}",
        paper.id,
        crate::domain::versions::sha256_hex(withdrawn.join(",").as_bytes()),
        notice.is_empty()
    );
    if let Some(kept) = state.caches.pages().get(&key) {
        return Ok(kept);
    }
    let records = store::versions::records(&state.db, &paper.id, &[from, to]).await?;
    let [before, after] = records.as_slice() else {
        return Err(AppError::NotFound);
    };
    let (content_before, findings_before) = before.read()?;
    let (content_after, findings_after) = after.read()?;
    let shown = |findings: Vec<Finding>| -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| !withdrawn.contains(&f.key))
            .collect()
    };
    let (findings_before, findings_after) = (shown(findings_before), shown(findings_after));
    let comparison = compare(
        Side {
            blocks: &content_before.blocks,
            findings: &findings_before,
        },
        Side {
            blocks: &content_after.blocks,
            findings: &findings_after,
        },
    );
    // The kept list of versions may not hold `to` yet (published through another instance a
    // moment ago): the page is kept for good, so its notes come from the database then.
    let listed = if paper.versions.iter().any(|v| v.number == i64::from(to)) {
        paper.versions.clone()
    } else {
        store::versions::list(&state.db, &paper.id).await?
    };
    let notes: Vec<(u32, String)> = listed
        .into_iter()
        .filter_map(|v| {
            let n = u32::try_from(v.number).ok()?;
            (n > from && n <= to).then_some((n, v.release_notes))
        })
        .collect();
    let html = render(
        &paper.slug,
        &content_after.title,
        (from, to),
        &comparison,
        &notes,
        &notice,
        Lang::En,
    );
    let sent = Arc::new(compressed(html).await?);
    state.caches.pages().insert(key, sent.clone());
    Ok(sent)
}

fn render(
    slug: &str,
    title: &str,
    (from, to): (u32, u32),
    comparison: &Comparison,
    notes: &[(u32, String)],
    notice: &str,
    lang: Lang,
) -> String {
    let text = |key: &str| escape(&lang.text(key));
    let fill = |key: &str, pairs: &[(&str, String)]| {
        let mut out = lang.text(key);
        for (name, value) in pairs {
            out = out.replace(&format!("{{{{ {name} }}}}"), value);
        }
        escape(&out)
    };
    let slug = escape(slug);
    let heading = fill(
        "compare_title",
        &[("from", from.to_string()), ("to", to.to_string())],
    );
    let mut body = String::with_capacity(32 * 1024);
    body.push_str(&format!(
        "<article class=\"paper-version compare\">\n<header class=\"version-head\">\n\
         <p class=\"eyebrow\">{title}</p>\n<h1>{heading}</h1>\n\
         <p><a href=\"/papers/{slug}/v/{from}\">{read_from}</a> · \
         <a href=\"/papers/{slug}/v/{to}\">{read_to}</a></p>\n",
        title = escape(title),
        read_from = fill("compare_read", &[("number", from.to_string())]),
        read_to = fill("compare_read", &[("number", to.to_string())]),
    ));
    body.push_str(&format!(
        "<p class=\"coverage-line\">{}</p>\n</header>\n",
        fill(
            "compare_summary",
            &[
                (
                    "changed",
                    comparison.count(BlockStatus::Changed).to_string()
                ),
                ("added", comparison.count(BlockStatus::Added).to_string()),
                (
                    "removed",
                    comparison.count(BlockStatus::Removed).to_string()
                ),
                ("moved", comparison.moved().to_string()),
                ("unchanged", comparison.unchanged.to_string()),
            ]
        )
    ));

    body.push_str(&format!(
        "<section id=\"release-notes\" class=\"release-notes\">\n<h2>{}</h2>\n",
        fill("compare_release_notes", &[("number", from.to_string())])
    ));
    for (n, note) in notes {
        body.push_str(&format!(
            "<h3><a href=\"/papers/{slug}/v/{n}\">v{n}</a></h3>\n{}",
            crate::markdown::render(note)
        ));
    }
    body.push_str("</section>\n");

    body.push_str(&format!(
        "<section id=\"blocks\" class=\"changes\">\n<h2>{}</h2>\n",
        text("compare_blocks")
    ));
    if comparison.blocks.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", text("compare_no_changes")));
    }
    for block in &comparison.blocks {
        block_change(&mut body, block, lang);
    }
    body.push_str("</section>\n");

    body.push_str(&format!(
        "<section id=\"evidence\" class=\"changes\">\n<h2>{}</h2>\n",
        text("compare_evidence")
    ));
    if comparison.findings_added.is_empty()
        && comparison.findings_removed.is_empty()
        && comparison.values.is_empty()
    {
        body.push_str(&format!("<p>{}</p>\n", text("compare_no_evidence_changes")));
    }
    for (key, list) in [
        ("compare_findings_added", &comparison.findings_added),
        ("compare_findings_removed", &comparison.findings_removed),
    ] {
        if list.is_empty() {
            continue;
        }
        body.push_str(&format!("<h3>{}</h3>\n<ul>\n", text(key)));
        for finding in list.iter() {
            body.push_str(&format!("<li><code>{}</code></li>\n", escape(finding)));
        }
        body.push_str("</ul>\n");
    }
    if !comparison.values.is_empty() {
        body.push_str(&format!(
            "<h3>{}</h3>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">v{from}</th>\
             <th scope=\"col\">v{to}</th></tr></thead>\n<tbody>\n",
            text("compare_values"),
            text("reading_evidence"),
        ));
        let value = |v: &Option<String>, unit: &str| {
            v.as_ref().map_or_else(
                || "—".to_string(),
                |v| escape(format!("{v} {unit}").trim_end()),
            )
        };
        for change in &comparison.values {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><code>{}</code></th><td><del>{}</del></td><td><ins>{}</ins></td></tr>\n",
                escape(&change.key),
                value(&change.before, &change.unit_before),
                value(&change.after, &change.unit_after),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body.push_str("</section>\n</article>\n");

    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{heading} · Groundwork</title>\n\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body class=\"reading\">\n\
         <a class=\"skip-link\" href=\"#main\">{skip}</a>\n{notice}\
         <header class=\"site\"><a class=\"brand\" href=\"/\">Groundwork</a> \
         <a href=\"/papers\">{papers}</a></header>\n<main id=\"main\">\n{body}</main>\n\
         </body>\n</html>\n",
        code = lang.code(),
        css = stylesheet_href(),
        skip = text("skip_to_content"),
        papers = text("nav_papers"),
    )
}

/// One block's change: what happened to it, its text word by word, its evidence links.
fn block_change(body: &mut String, block: &BlockDiff, lang: Lang) {
    let text = |key: &str| escape(&lang.text(key));
    let status = match block.status {
        BlockStatus::Added => "added",
        BlockStatus::Removed => "removed",
        BlockStatus::Changed => "changed",
        BlockStatus::Same => "same",
    };
    let mut what = vec![text(&format!("compare_{status}"))];
    if let Some(kind) = &block.kind_before {
        what.push(escape(
            &lang
                .text("compare_kind_before")
                .replace("{{ kind }}", &lang.text(&format!("block_{kind}"))),
        ));
    }
    if let Some((from, to)) = block.moved {
        what.push(escape(
            &lang
                .text("compare_moved")
                .replace("{{ from }}", &from.to_string())
                .replace("{{ to }}", &to.to_string()),
        ));
    }
    let number = block.number.map(|n| format!("R{n} · ")).unwrap_or_default();
    body.push_str(&format!(
        "<section class=\"block block-{kind} change-{status}\" id=\"change-{id}\">\n\
         <p class=\"meta\">{number}{kind_label} · {what}</p>\n<p class=\"words\">",
        kind = escape(&block.kind),
        id = escape(&block.id),
        kind_label = escape(&lang.text(&format!("block_{}", block.kind))),
        what = what.join(" · "),
    ));
    for part in &block.words {
        match part {
            DiffPart::Same(t) => body.push_str(&escape(t)),
            DiffPart::Added(t) => body.push_str(&format!("<ins>{}</ins>", escape(t))),
            DiffPart::Removed(t) => body.push_str(&format!("<del>{}</del>", escape(t))),
        }
    }
    body.push_str("</p>\n");
    for (key, links) in [
        ("compare_link_added", &block.links_added),
        ("compare_link_removed", &block.links_removed),
    ] {
        if links.is_empty() {
            continue;
        }
        let keys: Vec<String> = links
            .iter()
            .map(|c| {
                format!(
                    "<code>{}</code> ({})",
                    escape(&c.key),
                    escape(&lang.text(&format!("stance_{}", c.stance)))
                )
            })
            .collect();
        body.push_str(&format!(
            "<p class=\"links {key}\">{}: {}</p>\n",
            text(key),
            keys.join(", ")
        ));
    }
    body.push_str("</section>\n");
}
