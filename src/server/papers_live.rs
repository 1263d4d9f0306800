//! A draft's live stream (server-sent events) and its Markdown export: plain handlers, since
//! a stream and a file download are not what server functions are for.
use super::pages::ErrorPage;
use crate::auth::CurrentSession;
use crate::domain::papers::PaperEvent;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use http::header;
use std::time::Duration;
use tokio::sync::broadcast;

/// Presence is refreshed this often while a page is open (others drop it after 45 s).
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Removes the member's presence when the page closes (the stream is dropped).
struct Presence {
    state: AppState,
    paper: String,
    member: String,
    name: String,
}

impl Drop for Presence {
    fn drop(&mut self) {
        let (db, paper, member, name) = (
            self.state.db.clone(),
            self.paper.clone(),
            self.member.clone(),
            self.name.clone(),
        );
        tokio::spawn(async move {
            let _ = store::events::clear_presence(&db, &paper, &member).await;
            let _ = store::events::append(&db, &presence_event(paper, member, name)).await;
        });
    }
}

fn presence_event(paper: String, member: String, member_name: String) -> PaperEvent {
    PaperEvent {
        id: String::new(),
        paper,
        kind: "presence".into(),
        block: String::new(),
        rev: 0,
        member,
        member_name,
    }
}

/// A draft is for signed-in members: the member and the paper, or the error page to send.
async fn draft_for_member(
    state: &AppState,
    session: CurrentSession,
    slug: &str,
    page: &ErrorPage,
) -> Result<
    (
        crate::domain::accounts::SessionMember,
        store::papers::PaperRow,
    ),
    Response,
> {
    let Some(member) = session.member else {
        return Err(page.answer(&AppError::Unauthorized));
    };
    match store::papers::by_slug(&state.db, slug).await {
        Ok(Some(paper)) => Ok((member, paper)),
        Ok(None) => Err(page.answer(&AppError::NotFound)),
        Err(error) => Err(page.answer(&error)),
    }
}

/// `/papers/{slug}/events`: every change to the draft, from any app instance, as it happens.
pub async fn events(
    State(state): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    Path(slug): Path<String>,
    page: ErrorPage,
) -> Response {
    let (member, paper) = match draft_for_member(&state, session, &slug, &page).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let receiver = state.events.subscribe();
    let _ = store::events::touch_presence(&state.db, &paper.id, &member.id).await;
    let _ = store::events::append(
        &state.db,
        &presence_event(paper.id.clone(), member.id.clone(), member.name.clone()),
    )
    .await;
    let presence = Presence {
        state: state.clone(),
        paper: paper.id.clone(),
        member: member.id.clone(),
        name: member.name.clone(),
    };
    let closed = Box::pin(state.events.closed());
    let stream = futures_util::stream::unfold(
        (receiver, presence, tokio::time::Instant::now(), closed),
        move |(mut receiver, presence, mut beat, mut closed)| async move {
            loop {
                let next_beat = beat + HEARTBEAT;
                tokio::select! {
                    // Shutting down: the page reconnects to whichever instance answers.
                    () = &mut closed => return None,
                    received = receiver.recv() => match received {
                        Ok(event) if event.paper == presence.paper => {
                            let data = serde_json::to_string(&event).unwrap_or_default();
                            let sse = Event::default().event("change").data(data);
                            return Some((Ok::<_, std::convert::Infallible>(sse), (receiver, presence, beat, closed)));
                        }
                        Ok(_) => continue,
                        // Too far behind: tell the page to reload everything.
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let sse = Event::default().event("reload").data("lagged");
                            return Some((Ok(sse), (receiver, presence, beat, closed)));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = tokio::time::sleep_until(next_beat) => {
                        beat = tokio::time::Instant::now();
                        let _ = store::events::touch_presence(
                            &presence.state.db, &presence.paper, &presence.member,
                        ).await;
                    }
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

/// `/papers/{slug}/draft.md`: the draft as one Markdown file that imports back to the same
/// blocks.
pub async fn markdown(
    State(state): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    Path(slug): Path<String>,
    page: ErrorPage,
) -> Response {
    let paper = match draft_for_member(&state, session, &slug, &page).await {
        Ok((_, paper)) => paper,
        Err(refusal) => return refusal,
    };
    let rows = match store::papers::blocks(&state.db, &paper.id).await {
        Ok(rows) => rows,
        Err(error) => return page.answer(&error),
    };
    let blocks: Vec<crate::domain::paper_markdown::BlockDraft> = rows
        .into_iter()
        .map(|row| crate::domain::paper_markdown::BlockDraft {
            kind: row
                .kind
                .parse()
                .unwrap_or(crate::domain::coverage::BlockKind::Text),
            text: row.text,
        })
        .collect();
    let body = crate::domain::paper_markdown::export(&blocks);
    (
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}.md\""),
            ),
        ],
        body,
    )
        .into_response()
}
