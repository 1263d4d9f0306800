//! Atom feeds of published versions, for everyone: the site's (`/feed.atom`, every paper) and
//! each paper's (`/papers/{slug}/feed.atom`). An entry is one version: its title, its address,
//! the time it was published and its release notes.
use super::pages::ErrorPage;
use super::reading::{published_paper, site_origin};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, versions::FeedVersion};
use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, header};

/// Feed readers want what is new, not the whole history.
const ENTRIES: usize = 50;
const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";
/// Feed readers poll; a few minutes' delay in seeing a new version costs nothing.
const CACHE: &str = "public, max-age=300";

pub async fn site(State(state): State<AppState>, headers: HeaderMap, page: ErrorPage) -> Response {
    let origin = site_origin(&headers, &state.config);
    match store::versions::recent(&state.db, None, ENTRIES).await {
        Ok(versions) => answer(feed(
            &origin,
            "/feed.atom",
            "/",
            "Groundwork: new versions of papers",
            &versions,
        )),
        Err(error) => page.answer(&error),
    }
}

pub async fn paper(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    page: ErrorPage,
) -> Response {
    let origin = site_origin(&headers, &state.config);
    let made = async {
        let paper = published_paper(&state, &slug).await?;
        let versions = store::versions::recent(&state.db, Some(&paper.id), ENTRIES).await?;
        // A paper without versions is a draft: nothing of it is public.
        if versions.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok(feed(
            &origin,
            &format!("/papers/{}/feed.atom", paper.slug),
            &format!("/papers/{}", paper.slug),
            &format!("{}: new versions", paper.title),
            &versions,
        ))
    };
    match made.await {
        Ok(xml) => answer(xml),
        Err(error) => page.answer(&error),
    }
}

fn answer(xml: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, CACHE),
        ],
        xml,
    )
        .into_response()
}

fn link(href: String, rel: &str, mime_type: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(mime_type.map(str::to_string));
    link
}

fn time(text: &str) -> FixedDateTime {
    chrono::DateTime::parse_from_rfc3339(text).unwrap_or_default()
}

/// The feed at `path`, about the page at `about`, of `versions` (newest first).
fn feed(origin: &str, path: &str, about: &str, title: &str, versions: &[FeedVersion]) -> String {
    let entries: Vec<Entry> = versions
        .iter()
        .map(|v| {
            let url = format!("{origin}/papers/{}/v/{}", v.slug, v.number);
            let mut entry = Entry::default();
            entry.set_title(Text::plain(format!("{} — version {}", v.title, v.number)));
            entry.set_id(url.clone());
            entry.set_updated(time(&v.published_at));
            entry.set_published(Some(time(&v.published_at)));
            entry.set_links(vec![link(url, "alternate", Some("text/html"))]);
            entry.set_summary(Some(Text::plain(v.release_notes.clone())));
            let mut content = Content::default();
            content.set_content_type(Some("html".to_string()));
            content.set_value(Some(crate::markdown::render(&v.release_notes)));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    let mut author = Person::default();
    author.set_name("Groundwork");
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title));
    feed.set_id(format!("{origin}{path}"));
    // The newest entry's time; an empty feed has not changed since the epoch.
    feed.set_updated(entries.first().map(|e| *e.updated()).unwrap_or_default());
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(
            format!("{origin}{path}"),
            "self",
            Some("application/atom+xml"),
        ),
        link(format!("{origin}{about}"), "alternate", Some("text/html")),
    ]);
    feed.set_entries(entries);
    feed.to_string()
}
