//! The front door (`/`): the published papers, and a search of their published text through
//! the search engine. No account needed: only published versions are in either.
use crate::domain::front::FrontView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door, crate::domain::evidence_views::QUERY_MAX, crate::domain::front,
    crate::error::Problem, crate::state::AppState, crate::store, std::sync::Arc,
};

/// How many matching passages a search reads from the engine (then grouped by paper).
#[cfg(feature = "ssr")]
const PASSAGES_READ: usize = 60;

/// The published papers, latest first, and what a search of their text found (`q` empty:
/// no search).
#[server(prefix = "/fn", endpoint = "front_page", input = leptos::server_fn::codec::GetUrl)]
pub async fn front_page(#[server(default)] q: String) -> Result<FrontView, AppError> {
    let result = async {
        let state = door::state()?;
        let q = q.trim();
        if q.chars().count() > QUERY_MAX {
            return Err(AppError::invalid("q", Problem::TooLong { max: QUERY_MAX }));
        }
        let papers = listing(&state).await?;
        let matches = state.search.published(q, PASSAGES_READ)?.map(front::group);
        Ok(FrontView {
            papers: papers.as_ref().clone(),
            matches,
        })
    }
    .await;
    door::finish(result, &[("q", &q)])
}

#[cfg(feature = "ssr")]
async fn listing(state: &AppState) -> Result<Arc<Vec<front::PublishedCard>>, AppError> {
    if let Some(kept) = state.caches.front().get(&()) {
        return Ok(kept);
    }
    let papers = Arc::new(
        store::versions::front_listing(&state.db, |paragraph| {
            crate::domain::needs::excerpt(
                &crate::markdown::reading_text(paragraph, |_| true, ""),
                crate::domain::front::LEAD_CHARS,
            )
        })
        .await?,
    );
    state.caches.front().insert((), papers.clone());
    Ok(papers)
}
