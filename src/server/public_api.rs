//! The read-only JSON API under `/api/v1`, for everyone and for published data only: the
//! published papers, a paper's versions, one version (blocks with their evidence, the
//! consultation's tallies, the dissent annex, its hash and the previous one). A draft, an
//! unknown paper or version is a JSON 404. Any website may read it (CORS open for GET,
//! set where the routes are registered). `openapi.json` describes exactly these answers.
use super::reading::{LATEST_CACHE, VERSION_CACHE, published_paper, site_origin};
use super::version_files::version_number;
use crate::domain::versions::{BlockCite, Finding};
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        OPENAPI,
    )
        .into_response()
}

fn ok(cache: &'static str, body: Value) -> Response {
    ([(header::CACHE_CONTROL, cache)], Json(body)).into_response()
}

/// An error as JSON whatever the client accepts: `{"error": "not_found"}`.
fn error(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(error)).into_response()
}

fn answer(made: Result<(&'static str, Value), AppError>) -> Response {
    match made {
        Ok((cache, body)) => ok(cache, body),
        Err(e) => error(&e),
    }
}

/// `GET /api/v1/papers`
pub async fn papers(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let origin = site_origin(&headers, &state.config);
    let made = async {
        let papers = store::versions::published_listing(&state.db).await?;
        let mut latest: BTreeMap<String, (i64, String)> = BTreeMap::new();
        for version in store::versions::recent(&state.db, None, usize::MAX).await? {
            latest
                .entry(version.slug)
                .or_insert((version.number, version.published_at));
        }
        let list: Vec<Value> = papers
            .into_iter()
            .filter_map(|p| {
                let (number, at) = latest.get(&p.slug)?;
                Some(json!({
                    "slug": p.slug,
                    "title": p.title,
                    "summary": p.summary,
                    "latest_version": number,
                    "published_at": at,
                    "url": format!("{origin}/papers/{}", p.slug),
                    "versions": format!("{origin}/api/v1/papers/{}/versions", p.slug),
                }))
            })
            .collect();
        Ok((LATEST_CACHE, json!({ "papers": list })))
    };
    answer(made.await)
}

/// `GET /api/v1/papers/{slug}/versions`
pub async fn versions(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let origin = site_origin(&headers, &state.config);
    let made = async {
        let paper = published_paper(&state, &slug).await?;
        let versions = store::versions::list(&state.db, &paper.id).await?;
        if versions.is_empty() {
            return Err(AppError::NotFound);
        }
        let list: Vec<Value> = versions
            .into_iter()
            .map(|v| {
                json!({
                    "number": v.number,
                    "hash": v.hash,
                    "published_at": v.created_at,
                    "release_notes": v.release_notes,
                    "url": format!("{origin}/papers/{}/v/{}", paper.slug, v.number),
                    "api": format!("{origin}/api/v1/papers/{}/versions/{}", paper.slug, v.number),
                })
            })
            .collect();
        Ok((
            LATEST_CACHE,
            json!({
                "paper": { "slug": paper.slug, "title": paper.title },
                "versions": list,
            }),
        ))
    };
    answer(made.await)
}

/// `GET /api/v1/papers/{slug}/versions/{number}`
pub async fn version(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let origin = site_origin(&headers, &state.config);
    let made = async {
        let number = version_number(&number)?;
        let paper = published_paper(&state, &slug).await?;
        let record = store::versions::records(&state.db, &paper.id, &[number])
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        let (content, findings) = record.read()?;
        let withdrawn = super::reading::withdrawn_among(&state, &record.cited_keys).await?;
        let digests: BTreeMap<&str, &str> = content
            .findings
            .iter()
            .map(|(key, digest)| (key.as_str(), digest.as_str()))
            .collect();
        let by_key: BTreeMap<&str, &Finding> =
            findings.iter().map(|f| (f.key.as_str(), f)).collect();
        // Every link of a version is to a finding it holds (publishing keeps no other).
        let evidence = |cite: &BlockCite| {
            let f = by_key.get(cite.key.as_str())?;
            let hidden = withdrawn.contains(&f.key);
            Some(json!({
                "key": cite.key,
                "stance": cite.stance,
                "locator": cite.locator,
                "finding": {
                    "key": f.key,
                    "kind": f.kind,
                    // Consent withdrawn after publication: the text is gone, its digest stays.
                    "text": if hidden { Value::Null } else { json!(f.text) },
                    "withdrawn": hidden,
                    "value": f.value,
                    "unit": f.unit,
                    "country": f.country,
                    "collected_on": f.collected_on,
                    "assessment": f.assessment,
                    "method": f.method,
                    "digest": digests.get(f.key.as_str()).copied().unwrap_or(""),
                },
            }))
        };
        let blocks: Vec<Value> = content
            .blocks
            .iter()
            .map(|b| {
                json!({
                    "id": b.id,
                    "kind": b.kind,
                    "number": b.number,
                    "text": b.text,
                    "evidence": b.cites.iter().filter_map(evidence).collect::<Vec<_>>(),
                })
            })
            .collect();
        Ok((
            VERSION_CACHE,
            json!({
                "paper": paper.slug,
                "number": content.number,
                "title": content.title,
                "author": content.author,
                "published_at": content.published_at,
                "release_notes": content.release_notes,
                "hash": record.hash,
                "previous_hash": record.previous_hash,
                "format": crate::domain::versions::FORMAT,
                "url": format!("{origin}/papers/{}/v/{}", paper.slug, content.number),
                "blocks": blocks,
                "tallies": content.tallies,
                "dissent": content.dissent,
                "overrides": content.overrides,
            }),
        ))
    };
    answer(made.await)
}
