//! The reading view of published papers, for everyone, no account needed:
//! `/papers/{slug}` (the latest version) and `/papers/{slug}/v/{n}`. The article was rendered
//! once, at publication (`publishing.rs`); a request wraps the stored bytes in the page's
//! frame (the version picker, the hash and whether the chain verifies), hides the text of
//! findings whose consent was withdrawn since, and answers with an ETag, so an unchanged page
//! costs a `304`. Plain HTML without scripts: it reads the same with JavaScript off.
use super::pages::ErrorPage;
use crate::auth::CurrentSession;
use crate::caches::SentPage;
use crate::config::Config;
use crate::domain::encoding::{self, Coding};
use crate::domain::version_citation::CitedVersion;
use crate::domain::versions::verify_chain;
use crate::domain::versions::{ReadingPaper, ServedVersion};
use crate::error::AppError;
use crate::lang::Lang;
use crate::publishing::escape;
use crate::state::AppState;
use crate::store::{self, papers::PaperRow};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use std::sync::{Arc, OnceLock};

/// The version's files, by the names the reading page links (`version_files` serves them).
const BIBTEX: &str = "citation.bib";
const RIS: &str = "citation.ris";
const CSL_JSON: &str = "citation.json";
const MARKDOWN: &str = "paper.md";
const HTML: &str = "paper.html";

pub(super) const STYLESHEET: &str = include_str!("../../style/reading.css");

/// A numbered version may gain a newer sibling in its picker, and a finding's text may have
/// to disappear from it (consent withdrawn), so even a version's own page is trusted for a
/// day rather than forever; the latest is checked again after a minute.
pub(super) const VERSION_CACHE: &str = "public, max-age=86400";
pub(super) const LATEST_CACHE: &str = "public, max-age=60";

/// The stylesheet's address carries its digest, so it is cached for a year and replaced the
/// moment it changes.
pub(super) fn stylesheet_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let digest = crate::domain::versions::sha256_hex(STYLESHEET.as_bytes());
        format!("/reading.css?v={}", &digest[..12])
    })
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// `/papers/{slug}`: the latest version. A paper without one is a draft: members go to its
/// workspace, visitors learn that nothing is published here.
pub async fn latest(
    State(state): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    let paper = match reading_paper(&state, &slug).await {
        Ok(paper) => paper,
        Err(error) => return page.answer(&error),
    };
    let Some(last) = paper.versions.last() else {
        if session.member.is_some() {
            let to = format!("/papers/{}/draft", paper.slug);
            return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
        }
        return page.answer(&AppError::NotFound);
    };
    let number = u32::try_from(last.number).unwrap_or(0);
    serve(&state, &paper, number, LATEST_CACHE, &headers, &page).await
}

/// `/papers/{slug}/v/{n}`: one version.
pub async fn version(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    // Only plain version numbers are addresses: "01", "+1", "1.0" and the like are not.
    let number = match number.parse::<u32>() {
        Ok(n) if n >= 1 && n.to_string() == number => n,
        _ => return page.answer(&AppError::NotFound),
    };
    let paper = match reading_paper(&state, &slug).await {
        Ok(paper) => paper,
        Err(error) => return page.answer(&error),
    };
    serve(&state, &paper, number, VERSION_CACHE, &headers, &page).await
}

/// The paper a reading address names; anything that cannot be a slug is not found without
/// asking the database.
pub(super) async fn published_paper(state: &AppState, slug: &str) -> Result<PaperRow, AppError> {
    let plausible = slug.len() <= crate::domain::papers::SLUG_MAX
        && !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !plausible {
        return Err(AppError::NotFound);
    }
    store::papers::by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The paper and its versions, kept for a few seconds (a reading page is the most-read
/// address there is, and a version list changes only when someone publishes).
pub(super) async fn reading_paper(
    state: &AppState,
    slug: &str,
) -> Result<Arc<ReadingPaper>, AppError> {
    if let Some(kept) = state.caches.readings().get(slug) {
        return Ok(kept);
    }
    let paper = published_paper(state, slug).await?;
    let versions = store::versions::list(&state.db, &paper.id).await?;
    let reading = Arc::new(ReadingPaper {
        id: paper.id,
        slug: paper.slug,
        title: paper.title,
        versions,
    });
    state
        .caches
        .readings()
        .insert(slug.to_string(), reading.clone());
    Ok(reading)
}

/// A version as stored, kept while it is read: versions never change.
pub(super) async fn served_version(
    state: &AppState,
    paper: &ReadingPaper,
    number: u32,
) -> Result<Option<Arc<ServedVersion>>, AppError> {
    let key = (paper.id.clone(), number);
    if let Some(kept) = state.caches.versions().get(&key) {
        return Ok(Some(kept));
    }
    let Some(stored) = store::versions::served(&state.db, &paper.id, number).await? else {
        return Ok(None);
    };
    let stored = Arc::new(stored);
    state.caches.versions().insert(key, stored.clone());
    Ok(Some(stored))
}

/// Of these keys (sorted), those whose finding's consent is withdrawn now. The withdrawn set
/// is kept for a second at most (`caches::Withdrawn`) and dropped at once by a change to
/// findings made here, so a withdrawal reaches readers on every instance within a second.
pub(super) async fn withdrawn_among(
    state: &AppState,
    keys: &[String],
) -> Result<Vec<String>, AppError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let kept = state.caches.withdrawn();
    let all = match kept.get(&()) {
        Some(all) => all,
        None => {
            let ticket = kept.ticket();
            let all = Arc::new(store::versions::withdrawn_keys(&state.db).await?);
            kept.put((), all.clone(), ticket);
            all
        }
    };
    Ok(all
        .iter()
        .filter(|k| keys.binary_search(k).is_ok())
        .cloned()
        .collect())
}

/// Answers with the framed page, or `304` when the reader holds it already. Everything a page
/// is made of is kept, so an unchanged page is answered from memory.
async fn serve(
    state: &AppState,
    paper: &ReadingPaper,
    number: u32,
    cache: &'static str,
    headers: &HeaderMap,
    page: &ErrorPage,
) -> Response {
    let stored = match served_version(state, paper, number).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return page.answer(&AppError::NotFound),
        Err(error) => return page.answer(&error),
    };
    let (withdrawn, broken) = tokio::join!(
        withdrawn_among(state, &stored.cited_keys),
        chain_broken_at(state, paper),
    );
    let withdrawn = match withdrawn {
        Ok(withdrawn) => withdrawn,
        Err(error) => return page.answer(&error),
    };
    let broken = match broken {
        Ok(broken) => broken,
        Err(error) => return page.answer(&error),
    };
    let origin = site_origin(headers, &state.config);
    // Everything the page is made of: the version, what its picker lists, the chain's state,
    // what is hidden now, the frame's stylesheet, the address its citation names.
    let notice = demo_notice(state, Lang::En);
    let tag = {
        let latest = paper.versions.last().map_or("", |v| v.hash.as_str());
        let key = format!(
            "{}|{latest}|{}|{broken:?}|{}|{}|{origin}|{notice}",
            stored.hash,
            paper.versions.len(),
            withdrawn.join(","),
            stylesheet_href()
        );
        crate::domain::versions::sha256_hex(key.as_bytes())[..32].to_string()
    };
    let coding = accepted_coding(headers);
    // The same page compressed is another representation of it: its tag is weak, as
    // nginx and Apache mark theirs. A reader's `If-None-Match` is compared weakly either way.
    let etag = match coding {
        None => format!("\"{tag}\""),
        Some(_) => format!("W/\"{tag}\""),
    };
    let mut response = if if_none_match(headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let sent = match state.caches.pages().get(&tag) {
            Some(sent) => sent,
            None => {
                let body = framed(paper, number, &stored, broken, &withdrawn, &origin, &notice);
                let sent = match compressed(body).await {
                    Ok(sent) => Arc::new(sent),
                    Err(error) => return page.answer(&error),
                };
                state.caches.pages().insert(tag, sent.clone());
                sent
            }
        };
        sent_as(&sent, coding, cache)
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The compressed form the request accepts best (None: the page as it is).
pub(super) fn accepted_coding(headers: &HeaderMap) -> Option<Coding> {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .and_then(encoding::preferred)
}

/// A kept page in the form `coding` names, with its type, `Vary` and `Cache-Control`.
pub(super) fn sent_as(sent: &SentPage, coding: Option<Coding>, cache: &'static str) -> Response {
    let (body, content_encoding) = match coding {
        None => (sent.html.clone(), None),
        Some(Coding::Brotli) => (sent.brotli.clone(), Some("br")),
        Some(Coding::Gzip) => (sent.gzip.clone(), Some("gzip")),
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(coding) = content_encoding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}

/// Whether the reader's `If-None-Match` names this page (weak comparison, RFC 9110 §13.1.2).
fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|tags| tags.split(','))
        .map(str::trim)
        .any(|given| {
            given == "*" || given.strip_prefix("W/").unwrap_or(given).trim_matches('"') == tag
        })
}

/// The page as sent to a reader without compression: the stored article (with withdrawn
/// findings' text hidden) in its frame.
fn framed(
    paper: &ReadingPaper,
    number: u32,
    stored: &ServedVersion,
    broken: Option<u32>,
    withdrawn: &[String],
    origin: &str,
    notice: &str,
) -> String {
    let lang = Lang::En;
    let hidden;
    let article = if withdrawn.is_empty() {
        stored.html.as_str()
    } else {
        hidden = crate::publishing::hide_withdrawn(
            &stored.html,
            withdrawn,
            &lang.text("reading_withdrawn"),
        );
        hidden.as_str()
    };
    let cited = CitedVersion {
        slug: paper.slug.clone(),
        title: stored.title.clone(),
        author: stored.author.clone(),
        number,
        published_at: stored.published_at.clone(),
        url: format!("{origin}/papers/{}/v/{number}", paper.slug),
        hash: stored.hash.clone(),
    };
    frame(paper, &cited, broken, article, notice, lang)
}

/// The page and its brotli and gzip forms, compressed once off the async workers (a large
/// paper takes tens of milliseconds).
pub(super) async fn compressed(html: String) -> Result<SentPage, AppError> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut brotli = Vec::with_capacity(html.len() / 6);
        {
            // Quality 6 with a 4 MiB window: within a few percent of the best for HTML, at a
            // small part of quality 11's time.
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 64 * 1024, 6, 22);
            writer.write_all(html.as_bytes())?;
            writer.flush()?;
        }
        let mut gzip =
            flate2::write::GzEncoder::new(Vec::with_capacity(html.len() / 5), Default::default());
        gzip.write_all(html.as_bytes())?;
        let gzip = gzip.finish()?;
        Ok::<_, std::io::Error>(SentPage {
            html: Bytes::from(html),
            brotli: Bytes::from(brotli),
            gzip: Bytes::from(gzip),
        })
    })
    .await
    .map_err(|e| AppError::internal(&format!("compress a page: {e}")))?
    .map_err(|e| AppError::internal(&format!("compress a page: {e}")))
}

/// The first version at which the paper's chain breaks (None: it verifies), kept per latest
/// hash for a while: checking reads every version in full.
async fn chain_broken_at(state: &AppState, paper: &ReadingPaper) -> Result<Option<u32>, AppError> {
    let latest = paper
        .versions
        .last()
        .map_or(String::new(), |v| v.hash.clone());
    let key = (paper.id.clone(), latest);
    if let Some(kept) = state.caches.chains().get(&key) {
        return Ok(kept);
    }
    let chain = store::versions::chain(&state.db, &paper.id).await?;
    let broken = verify_chain(&chain).err().map(|b| b.number);
    state.caches.chains().insert(key, broken);
    Ok(broken)
}

/// The notice every page of a demo installation carries (its accounts' password is public),
/// or nothing. The app's pages have it in their layout; the pages built here add it at the top.
pub(super) fn demo_notice(state: &AppState, lang: Lang) -> String {
    if state
        .demo_accounts
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        format!(
            "<p class=\"demo-notice\" role=\"note\">{}</p>\n",
            escape(&lang.text("demo_notice"))
        )
    } else {
        String::new()
    }
}

/// The page around a stored article: the site's name, the version picker, the hash and the
/// chain's state.
fn frame(
    paper: &ReadingPaper,
    cited: &CitedVersion,
    broken: Option<u32>,
    article: &str,
    notice: &str,
    lang: Lang,
) -> String {
    let (number, hash) = (cited.number, cited.hash.as_str());
    let slug = escape(&paper.slug);
    let text = |key: &str| escape(&lang.text(key));
    let mut picker = String::new();
    let last = paper.versions.last().map_or(0, |v| v.number);
    for v in paper.versions.iter().rev() {
        let current = if u32::try_from(v.number).ok() == Some(number) {
            " aria-current=\"page\""
        } else {
            ""
        };
        let latest = if v.number == last {
            format!(" ({})", text("reading_latest"))
        } else {
            String::new()
        };
        // Each version links to what changed since the one before it.
        let changes = if v.number > 1 {
            format!(
                " · <a href=\"/papers/{slug}/compare/{before}/{n}\">{}</a>",
                text("reading_changes"),
                before = v.number - 1,
                n = v.number,
            )
        } else {
            String::new()
        };
        picker.push_str(&format!(
            "<li><a href=\"/papers/{slug}/v/{n}\"{current}>v{n}</a> · {date}{latest}{changes}</li>",
            n = v.number,
            date = escape(v.created_at.get(..10).unwrap_or("")),
        ));
    }
    let chain = match broken {
        None => format!(
            "<p class=\"chain chain-ok\">{}</p>",
            text("reading_chain_ok")
        ),
        Some(n) => format!(
            "<p class=\"chain chain-broken\" role=\"alert\">{}</p>",
            escape(
                &lang
                    .text("reading_chain_broken")
                    .replace("{{ number }}", &n.to_string())
            )
        ),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · v{number} · Groundwork</title>\n\
         <link rel=\"canonical\" href=\"/papers/{slug}/v/{number}\">\n\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" href=\"/papers/{slug}/feed.atom\" \
         title=\"{feed_paper}\">\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.atom\" \
         title=\"{feed_site}\">\n</head>\n<body class=\"reading\">\n\
         <a class=\"skip-link\" href=\"#main\">{skip}</a>\n{notice}\
         <header class=\"site\"><a class=\"brand\" href=\"/\">Groundwork</a> \
         <a href=\"/papers\">{papers}</a></header>\n<main id=\"main\">\n\
         <aside class=\"version-meta\">\n<nav aria-labelledby=\"versions-title\">\
         <h2 id=\"versions-title\">{versions_title}</h2><ul>{picker}</ul></nav>\n\
         <p class=\"hash\">{hash_label}: <code>{hash}</code></p>\n{chain}\n{cite}</aside>\n\
         {article}</main>\n</body>\n</html>\n",
        code = lang.code(),
        title = escape(&paper.title),
        css = stylesheet_href(),
        skip = text("skip_to_content"),
        papers = text("nav_papers"),
        versions_title = text("reading_versions"),
        hash_label = text("reading_hash"),
        hash = escape(hash),
        feed_paper = text("reading_feed_paper"),
        feed_site = text("reading_feed_site"),
        cite = cite_section(cited, lang),
    )
}

/// "Cite this version" (a `<details>`, so it opens without script) and the downloads.
fn cite_section(cited: &CitedVersion, lang: Lang) -> String {
    let text = |key: &str| escape(&lang.text(key));
    let base = format!("/papers/{}/v/{}", escape(&cited.slug), cited.number);
    let file = |name: &str, label: &str| format!("<a href=\"{base}/{name}\" download>{label}</a>");
    format!(
        "<details class=\"cite\">\n<summary>{cite}</summary>\n\
         <p class=\"citation\">{reference}</p>\n<p>{files} {bib} · {ris} · {csl}</p>\n\
         </details>\n<p class=\"downloads\">{download}: {md} · {html}</p>\n",
        cite = text("reading_cite"),
        reference = escape(&cited.plain_text()),
        files = text("reading_cite_files"),
        bib = file(BIBTEX, "BibTeX"),
        ris = file(RIS, "RIS"),
        csl = file(CSL_JSON, "CSL-JSON"),
        download = text("reading_download"),
        md = file(MARKDOWN, &text("reading_download_markdown")),
        html = file(HTML, &text("reading_download_html")),
    )
}

/// The address readers reach this site at, for what leaves it (citations, feeds, the API's
/// links): `server.public_url` when set; else the request's `Host` when it is a plausible
/// host name, or the configured address; https when the site is served over HTTPS.
pub(super) fn site_origin(headers: &HeaderMap, config: &Config) -> String {
    if !config.public_url.is_empty() {
        return config.public_url.clone();
    }
    let scheme = if config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .map_or_else(|| config.address.to_string(), str::to_string);
    format!("{scheme}://{host}")
}
