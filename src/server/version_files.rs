//! A version's files, for everyone: its citation as BibTeX, RIS and CSL-JSON, the whole
//! version as Markdown (citations kept, an evidence appendix) and as one standalone HTML
//! file (its stylesheet inline, nothing fetched from anywhere). Each is made from the stored
//! version, with the text of findings whose consent was withdrawn since left out.
use super::pages::ErrorPage;
use super::reading::{STYLESHEET, VERSION_CACHE, published_paper, site_origin};
use crate::domain::version_citation::CitedVersion;
use crate::domain::version_markdown::{Notes, version_markdown};
use crate::error::AppError;
use crate::lang::Lang;
use crate::publishing::escape;
use crate::state::AppState;
use crate::store::{self, versions::VersionRecord};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, header};

/// A version a file is made from: the paper's slug, the stored record, and the address the
/// version is read at.
struct Source {
    slug: String,
    record: VersionRecord,
    url: String,
    /// The cited findings whose consent is withdrawn now.
    withdrawn: Vec<String>,
}

/// Only plain version numbers are addresses: "01", "+1", "1.0" and the like are not.
pub(super) fn version_number(text: &str) -> Result<u32, AppError> {
    match text.parse::<u32>() {
        Ok(n) if n >= 1 && n.to_string() == text => Ok(n),
        _ => Err(AppError::NotFound),
    }
}

async fn source(
    state: &AppState,
    slug: &str,
    number: &str,
    headers: &HeaderMap,
) -> Result<Source, AppError> {
    let number = version_number(number)?;
    let paper = published_paper(state, slug).await?;
    let record = store::versions::records(&state.db, &paper.id, &[number])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let url = format!(
        "{}/papers/{}/v/{number}",
        site_origin(headers, &state.config),
        paper.slug
    );
    let withdrawn = super::reading::withdrawn_among(state, &record.cited_keys).await?;
    Ok(Source {
        slug: paper.slug,
        record,
        url,
        withdrawn,
    })
}

fn cited(source: &Source) -> Result<CitedVersion, AppError> {
    let (content, _) = source.record.read()?;
    Ok(CitedVersion {
        slug: source.slug.clone(),
        title: content.title,
        author: content.author,
        number: content.number,
        published_at: content.published_at,
        url: source.url.clone(),
        hash: source.record.hash.clone(),
    })
}

/// The file as an attachment named after the paper and version.
fn attachment(
    source: &Source,
    extension: &str,
    content_type: &'static str,
    body: String,
) -> Response {
    let name = format!("{}-v{}.{extension}", source.slug, source.record.number);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, VERSION_CACHE.to_string()),
        ],
        body,
    )
        .into_response()
}

/// `/papers/{slug}/v/{number}/{file}`: one handler per file, the shared steps here.
async fn answer(
    state: AppState,
    (slug, number): (String, String),
    headers: HeaderMap,
    page: ErrorPage,
    make: impl FnOnce(&Source) -> Result<Response, AppError>,
) -> Response {
    let made = match source(&state, &slug, &number, &headers).await {
        Ok(source) => make(&source),
        Err(error) => Err(error),
    };
    made.unwrap_or_else(|error| page.answer(&error))
}

pub async fn bibtex(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    answer(state, path, headers, page, |source| {
        let body = cited(source)?.bibtex();
        Ok(attachment(
            source,
            "bib",
            "application/x-bibtex; charset=utf-8",
            body,
        ))
    })
    .await
}

pub async fn ris(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    answer(state, path, headers, page, |source| {
        let body = cited(source)?.ris();
        Ok(attachment(
            source,
            "ris",
            "application/x-research-info-systems; charset=utf-8",
            body,
        ))
    })
    .await
}

pub async fn csl_json(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    answer(state, path, headers, page, |source| {
        let body = cited(source)?.csl_json();
        Ok(attachment(
            source,
            "json",
            "application/vnd.citationstyles.csl+json; charset=utf-8",
            body,
        ))
    })
    .await
}

pub async fn markdown(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    answer(state, path, headers, page, |source| {
        let (content, findings) = source.record.read()?;
        let notice = Lang::En.text("reading_withdrawn");
        let body = version_markdown(
            &content,
            &findings,
            &source.withdrawn,
            Notes {
                url: &source.url,
                hash: &source.record.hash,
                withdrawn_notice: &notice,
            },
        );
        Ok(attachment(
            source,
            "md",
            "text/markdown; charset=utf-8",
            body,
        ))
    })
    .await
}

pub async fn standalone_html(
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    answer(state, path, headers, page, |source| {
        let cited = cited(source)?;
        let lang = Lang::En;
        let article = if source.withdrawn.is_empty() {
            source.record.html.clone()
        } else {
            crate::publishing::hide_withdrawn(
                &source.record.html,
                &source.withdrawn,
                &lang.text("reading_withdrawn"),
            )
        };
        let body = standalone(&cited, &without_images(&article), lang);
        Ok(attachment(source, "html", "text/html; charset=utf-8", body))
    })
    .await
}

/// One HTML file that reads the same offline: the reading stylesheet inline, a policy that
/// lets the file fetch nothing at all, and the version's citation.
fn standalone(cited: &CitedVersion, article: &str, lang: Lang) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · v{number}</title>\n<style>\n{css}</style>\n</head>\n\
         <body class=\"reading\">\n<main id=\"main\">\n<aside class=\"version-meta\">\n\
         <p class=\"citation\">{reference}</p>\n\
         <p class=\"hash\">{hash_label}: <code>{hash}</code></p>\n</aside>\n{article}</main>\n\
         </body>\n</html>\n",
        code = lang.code(),
        title = escape(&cited.title),
        number = cited.number,
        css = STYLESHEET.replace("</", "<\\/"),
        reference = escape(&cited.plain_text()),
        hash_label = escape(&lang.text("reading_hash")),
        hash = escape(&cited.hash),
    )
}

/// Images in a paper come from other sites, which a standalone file must not reach: each
/// becomes its description. The article is sanitised HTML, so `<img` only starts a tag and
/// its `alt` is already escaped.
fn without_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[start..start + len + 1];
        let alt = tag
            .split_once("alt=\"")
            .and_then(|(_, after)| after.split_once('"'))
            .map_or("", |(alt, _)| alt);
        if !alt.is_empty() {
            out.push_str(&format!("<span class=\"image-alt\">[{alt}]</span>"));
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_their_description() {
        let cases = [
            ("<p>a</p>", "<p>a</p>"),
            (
                "<p><img src=\"https://x.org/a.png\" alt=\"A &amp; B\"> after</p>",
                "<p><span class=\"image-alt\">[A &amp; B]</span> after</p>",
            ),
            (
                "<img src=\"https://x.org/a.png\">x<img alt=\"b\">",
                "x<span class=\"image-alt\">[b]</span>",
            ),
            ("<p>unclosed <img src=\"x\"", "<p>unclosed "),
        ];
        for (html, expected) in cases {
            assert_eq!(without_images(html), expected, "{html}");
        }
    }

    #[test]
    fn version_numbers_are_plain() {
        for good in ["1", "12"] {
            assert!(version_number(good).is_ok(), "{good}");
        }
        for bad in [
            "0",
            "01",
            "+1",
            "1.0",
            "",
            "%00",
            "../1",
            "99999999999999999999",
        ] {
            assert_eq!(version_number(bad), Err(AppError::NotFound), "{bad}");
        }
    }
}
