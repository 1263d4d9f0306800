//! The evidence library: search, filter, read. What a caller may see depends on who they are
//! (public visitors: public items with consent; members: members-only items too; editors:
//! withdrawn-consent items as well, flagged).
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::evidence_views::*;

#[cfg(feature = "ssr")]
use {super::door, crate::domain::evidence::Audience, crate::store};

#[cfg(feature = "ssr")]
fn audience() -> Audience {
    Audience::of(door::session().member.map(|m| m.role))
}

/// A page of findings: ranked by the search engine when there are search words, else listed
/// newest first by it (by the database while the index is built); read from the database
/// either way, where what the audience may see is checked again.
#[cfg(feature = "ssr")]
pub async fn findings_page(
    state: &crate::state::AppState,
    filter: &EvidenceFilter,
    audience: Audience,
) -> Result<EvidencePage, AppError> {
    // The engine reads only the page's findings; the order stops at the cap, as the count does.
    let cap = (COUNT_CAP + 1) as usize;
    let first = (filter.page.max(1) as usize - 1).saturating_mul(PAGE_SIZE as usize);
    let size = PAGE_SIZE as usize;
    let matches = match state.search.rank(filter, audience, first, size)? {
        Some(matches) => Some(matches),
        None => match state.search.listed(filter, audience, first, size) {
            Ok(matches) => Some(matches),
            // While the index is built, the database lists (slower, never wrong).
            Err(AppError::WarmingUp) => None,
            Err(error) => return Err(error),
        },
    };
    let ranked = match matches {
        Some(matches) => Ranked {
            ids: matches
                .ids
                .into_iter()
                .take(cap.saturating_sub(first))
                .map(|id| surrealdb::types::RecordId::new("evidence", id))
                .collect(),
            first,
            total: matches.total.min(cap as u64),
        },
        None => store::evidence::rank(&state.db, filter, audience).await?,
    };
    store::evidence::page_of(&state.db, &ranked, filter, audience, |text, language| {
        state.search.highlight(text, language, &filter.q)
    })
    .await
}

/// The library's filter values and its assessments with the findings each holds that the
/// audience may see: counted by the search engine, by the database while the index is built.
#[cfg(feature = "ssr")]
async fn library_counts(
    state: &crate::state::AppState,
    audience: Audience,
) -> Result<(Facets, Vec<AssessmentSummary>), AppError> {
    match state.search.library_counts(audience) {
        Ok(counts) => {
            let mut assessments = store::assessments::list_uncounted(&state.db).await?;
            for assessment in &mut assessments {
                let items = counts.per_assessment.get(&assessment.id).copied();
                assessment.items = items.unwrap_or(0).try_into().unwrap_or(i64::MAX);
            }
            Ok((counts.facets, assessments))
        }
        Err(AppError::WarmingUp) => tokio::try_join!(
            store::evidence::facets(&state.db, audience),
            store::assessments::list(&state.db, audience),
        ),
        Err(error) => Err(error),
    }
}

/// A finding by key, if the caller may see it (NotFound otherwise, as for no such key).
#[cfg(feature = "ssr")]
pub(crate) async fn visible_detail(
    state: &crate::state::AppState,
    key: &str,
) -> Result<EvidenceDetail, AppError> {
    if key.is_empty() || key.len() > crate::domain::evidence::KEY_MAX {
        return Err(AppError::NotFound);
    }
    store::evidence::get(&state.db, &key.to_ascii_lowercase(), audience())
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryView {
    pub results: EvidencePage,
    pub facets: Facets,
    pub assessments: Vec<AssessmentSummary>,
}

#[server(prefix = "/fn", endpoint = "evidence_library", input = leptos::server_fn::codec::GetUrl)]
pub async fn evidence_library(filter: EvidenceFilter) -> Result<LibraryView, AppError> {
    let result = async {
        let filter = filter.bounded()?;
        let state = door::state()?;
        let audience = audience();
        let key = (audience.include_members_only, audience.include_withdrawn);
        let cached = state.caches.library().get(&key);
        let (results, (facets, assessments)) =
            tokio::try_join!(findings_page(&state, &filter, audience), async {
                if let Some(hit) = cached {
                    return Ok(hit);
                }
                let ticket = state.caches.library().ticket();
                let both = library_counts(&state, audience).await?;
                state.caches.library().put(key, both.clone(), ticket);
                Ok::<_, AppError>(both)
            },)?;
        Ok(LibraryView {
            results,
            facets,
            assessments,
        })
    }
    .await;
    door::finish(result, &[])
}

/// A finding as the block editor's citation picker lists it: its key and the start of its
/// text, with the match marked by nothing (a plain line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitePick {
    pub key: String,
    pub snippet: String,
}

/// The picker's search: the library's first matches for `q`, as the reader may see them, and
/// nothing else (no facets or counts: the picker asks on every pause in typing).
#[server(prefix = "/fn", endpoint = "evidence_to_cite", input = leptos::server_fn::codec::GetUrl)]
pub async fn evidence_to_cite(q: String) -> Result<Vec<CitePick>, AppError> {
    const SHOWN: usize = 8;
    const SNIPPET_CHARS: usize = 140;
    let result = async {
        let filter = EvidenceFilter {
            q,
            page: 1,
            ..Default::default()
        }
        .bounded()?;
        let state = door::state()?;
        let page = findings_page(&state, &filter, audience()).await?;
        Ok(page
            .items
            .into_iter()
            .take(SHOWN)
            .map(|item| CitePick {
                snippet: item
                    .snippet
                    .iter()
                    .flat_map(|part| part.text.chars())
                    .take(SNIPPET_CHARS)
                    .collect(),
                key: item.key,
            })
            .collect())
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "evidence_item", input = leptos::server_fn::codec::GetUrl)]
pub async fn evidence_item(key: String) -> Result<EvidenceItemView, AppError> {
    let result = async {
        let state = door::state()?;
        let detail = visible_detail(&state, &key).await?;
        let text_html = crate::markdown::render(&detail.text);
        let is_editor = door::session()
            .member
            .is_some_and(|m| m.role.at_least(crate::domain::accounts::Role::Editor));
        let signed_in = door::session().member.is_some();
        let cited_in = store::papers::citing(&state.db, &detail.key, signed_in).await?;
        let history = if is_editor {
            store::evidence::history(&state.db, &detail.key).await?
        } else {
            Vec::new()
        };
        Ok(EvidenceItemView {
            detail,
            text_html,
            history,
            cited_in,
        })
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "assessment", input = leptos::server_fn::codec::GetUrl)]
/// `page` is taken as any number a URL may carry, and clamped like the library's.
pub async fn assessment(id: String, page: u64) -> Result<AssessmentView, AppError> {
    let result = async {
        if id.len() > 64 {
            return Err(AppError::NotFound);
        }
        let state = door::state()?;
        let detail = store::assessments::get(&state.db, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        let filter = EvidenceFilter {
            assessment: id,
            page: u32::try_from(page).unwrap_or(u32::MAX),
            ..Default::default()
        }
        .bounded()?;
        let items = findings_page(&state, &filter, audience()).await?;
        let summary_html = crate::markdown::render(&detail.summary);
        Ok(AssessmentView {
            detail,
            summary_html,
            items,
        })
    }
    .await;
    door::finish(result, &[])
}
