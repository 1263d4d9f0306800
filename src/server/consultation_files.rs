//! `/papers/{slug}/consultation.csv`: the results of a paper's consultation as a file, for
//! members, named or anonymised as its editors set it. A plain handler: a download must work
//! without JavaScript, and server functions answer JSON.
use super::pages::ErrorPage;
use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::header;

pub async fn results_csv(
    State(state): State<AppState>,
    Extension(session): Extension<CurrentSession>,
    Path(slug): Path<String>,
    page: ErrorPage,
) -> Response {
    if session.member.is_none() {
        return page.answer(&AppError::Unauthorized);
    }
    if slug.len() > crate::domain::papers::SLUG_MAX {
        return page.answer(&AppError::NotFound);
    }
    let paper = match store::papers::by_slug(&state.db, &slug).await {
        Ok(Some(paper)) => paper,
        Ok(None) => return page.answer(&AppError::NotFound),
        Err(error) => return page.answer(&error),
    };
    match crate::api::votes::results_csv(&state, &paper.id, &paper.slug).await {
        Ok((file_name, body)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file_name}\""),
                ),
            ],
            body,
        )
            .into_response(),
        Err(error) => page.answer(&error),
    }
}
