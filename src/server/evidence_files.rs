//! Evidence as files: the CSV sample, the filtered export, and the upload that becomes an
//! import preview. Plain handlers: files and multipart uploads are not what server
//! functions are for, and these must work without JavaScript.
use super::pages::ErrorPage;
use crate::auth::CurrentSession;
use crate::domain::accounts::Role;
use crate::domain::evidence::Audience;
use crate::domain::evidence_csv;
use crate::domain::evidence_views::EvidenceFilter;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode, header};

fn csv_response(file_name: &str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

pub async fn sample() -> Response {
    csv_response(
        "groundwork-evidence-sample.csv",
        evidence_csv::SAMPLE.as_bytes().to_vec(),
    )
}

/// How many items the export reads from the database at a time.
const EXPORT_PAGE: usize = 1000;

/// `/evidence.csv?country=HU&q=…`: every item the current filter shows to this person (at
/// most [`evidence_csv::MAX_ROWS`]), streamed a page of items at a time, so that memory
/// stays small however many there are. The first page is read before answering: a database
/// that fails at once gets the error page, not a file cut short.
pub async fn export(
    State(state): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    page: ErrorPage,
    Query(filter): Query<EvidenceFilter>,
) -> Response {
    let audience = Audience::of(session.member.map(|m| m.role));
    let Ok(filter) = filter.bounded() else {
        return page.answer(&AppError::Request);
    };
    // With search words, the search engine says which findings match, best first; the
    // export follows that order. Without, every finding the filter allows, by key.
    let source = match state
        .search
        .rank(&filter, audience, 0, evidence_csv::MAX_ROWS)
    {
        Ok(Some(matches)) => Source::Matches(std::sync::Arc::new(matches.ids)),
        Ok(None) => Source::Listing,
        Err(error) => return page.answer(&error),
    };
    let first = match export_part(&state, &filter, audience, &source, None, 0).await {
        Ok(first) => first,
        Err(error) => return page.answer(&error),
    };
    let header = match evidence_csv::write_header() {
        Ok(header) => header,
        Err(e) => return page.answer(&AppError::internal(&format!("evidence CSV header: {e}"))),
    };
    let header = futures_util::stream::once(async move { Ok(header) });
    let parts = futures_util::stream::unfold(Some(first), move |part| {
        let (state, filter, source) = (state.clone(), filter.clone(), source.clone());
        async move {
            let part = part?;
            let next = if part.more {
                match export_part(
                    &state,
                    &filter,
                    audience,
                    &source,
                    part.last_key.as_deref(),
                    part.done,
                )
                .await
                {
                    Ok(next) => Some(next),
                    Err(error) => {
                        // Too late for an error page: the file is cut short, and logged.
                        tracing::error!(?error, "the evidence export failed part way");
                        return Some((Err(std::io::Error::other("export failed")), None));
                    }
                }
            } else {
                None
            };
            Some((Ok::<_, std::io::Error>(part.bytes), next))
        }
    });
    use futures_util::StreamExt;
    let body = axum::body::Body::from_stream(header.chain(parts));
    csv_response("groundwork-evidence.csv", body)
}

/// Where the export's findings come from.
#[derive(Clone)]
enum Source {
    /// Every finding the filter allows, paged by key.
    Listing,
    /// The search engine's matches (ids, best first), read a page of ids at a time.
    Matches(std::sync::Arc<Vec<String>>),
}

/// One page of the export, written.
struct ExportPart {
    bytes: Vec<u8>,
    /// The key of the page's last item, where a listing goes on from.
    last_key: Option<String>,
    /// How far the export has gone: items written (listing) or ids read (matches).
    done: usize,
    /// There may be more.
    more: bool,
}

async fn export_part(
    state: &AppState,
    filter: &EvidenceFilter,
    audience: Audience,
    source: &Source,
    after: Option<&str>,
    done: usize,
) -> Result<ExportPart, AppError> {
    let limit = EXPORT_PAGE.min(evidence_csv::MAX_ROWS - done);
    match source {
        Source::Listing => {
            let items =
                store::evidence::export_page(&state.db, filter, audience, after, limit).await?;
            Ok(ExportPart {
                bytes: evidence_csv::write_rows(&items)?,
                last_key: items.last().map(|item| item.key.clone()),
                done: done + items.len(),
                more: items.len() == limit && done + items.len() < evidence_csv::MAX_ROWS,
            })
        }
        Source::Matches(ids) => {
            let end = (done + limit).min(ids.len());
            let items =
                store::evidence::export_ids(&state.db, &ids[done..end], filter, audience).await?;
            Ok(ExportPart {
                bytes: evidence_csv::write_rows(&items)?,
                last_key: None,
                done: end,
                more: end < ids.len(),
            })
        }
    }
}

/// Reads an uploaded CSV into a preview stored in the database, then shows it.
pub async fn upload(
    State(state): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    Path(assessment_id): Path<String>,
    headers: HeaderMap,
    page: ErrorPage,
    mut multipart: Multipart,
) -> Response {
    // The page's script uploads with progress and asks for JSON: it then goes where a form
    // post would have been redirected (without a second render of the preview).
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let go = |to: &str| {
        if wants_json {
            axum::Json(serde_json::json!({ "location": to })).into_response()
        } else {
            Redirect::to(to).into_response()
        }
    };
    let Some(member) = session.member else {
        return go(&format!(
            "/login?next=%2Fassessments%2F{assessment_id}%2Fimport"
        ));
    };
    if !member.role.at_least(Role::Editor) {
        return page.answer(&AppError::Forbidden);
    }
    let back = |problem: &str| {
        go(&format!(
            "/assessments/{assessment_id}/import?file_error={problem}"
        ))
    };
    match store::assessments::owner(&state.db, &assessment_id).await {
        Ok(Some(owner)) => {
            if let Err(refused) = member.may_change_work_of(&owner) {
                return page.answer(&refused);
            }
        }
        Ok(None) => return page.answer(&AppError::NotFound),
        Err(error) => return page.answer(&error),
    }
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name: String = field
                    .file_name()
                    .unwrap_or("evidence.csv")
                    .chars()
                    .take(200)
                    .collect();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return page.answer(&AppError::TooLarge);
                    }
                    Err(_) => return back(&encode("\"Unreadable\"")),
                }
            }
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return page.answer(&AppError::TooLarge);
            }
            Err(_) => return back(&encode("\"Unreadable\"")),
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back(&encode("\"Empty\""));
    };
    // Parsing 100,000 rows takes a moment of CPU: keep it off the async workers.
    let parsed = tokio::task::spawn_blocking(move || evidence_csv::read(&bytes)).await;
    let preview = match parsed {
        Ok(Ok(preview)) => preview,
        Ok(Err(problem)) => {
            return back(
                &serde_json::to_string(&problem)
                    .map(|p| encode(&p))
                    .unwrap_or_default(),
            );
        }
        Err(e) => {
            return page.answer(&AppError::internal(&format!(
                "reading an import failed: {e}"
            )));
        }
    };
    match store::imports::create(&state.db, &assessment_id, &member.id, &file_name, &preview).await
    {
        Ok(batch) => go(&format!("/assessments/{assessment_id}/import/{batch}")),
        Err(error) => page.answer(&error),
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
