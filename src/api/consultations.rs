//! A paper's consultation: its window and what each member may vote on. The paper's editors
//! (and admins) open it, extend it and close it early; every member reads it and votes (see
//! `votes`). Open or closed is the database's word (its `time::now()`), never the browser's.
use crate::domain::consultations::{ConsultationInput, ConsultationPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(super) use window::{recommendations, window_view};
#[cfg(feature = "ssr")]
use {
    super::door,
    super::papers::access::{can_edit, changed, editable, paper, require_member},
    crate::domain::consultations::{self as rules, MyVote, PAPER_TARGET, VoteTarget, due},
    crate::store,
};

#[server(prefix = "/fn", endpoint = "consultation", input = leptos::server_fn::codec::GetUrl)]
pub async fn consultation(slug: String) -> Result<ConsultationPage, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let (current, can_manage) = tokio::join!(
            store::consultations::current(&state.db, &paper.id),
            can_edit(&state, &paper, &member),
        );
        let current = current?;
        let mut targets = Vec::new();
        if let Some((row, _)) = &current {
            let mine = store::consultations::votes_of(&state.db, &row.id, &member.id).await?;
            let my_vote = |target: &str, rev: i64| {
                mine.iter().find(|v| v.target == target).map(|v| MyVote {
                    choice: v.choice.parse().unwrap_or(rules::Choice::Abstain),
                    reason: v.reason.clone(),
                    due: due(Some(v.block_rev), rev),
                })
            };
            for block in recommendations(&state, &paper.id).await? {
                targets.push(VoteTarget {
                    mine: my_vote(&block.id, block.rev),
                    id: block.id,
                    number: block.number,
                    html: block.html,
                    rev: block.rev,
                });
            }
            targets.push(VoteTarget {
                id: PAPER_TARGET.into(),
                number: None,
                html: String::new(),
                rev: 0,
                mine: my_vote(PAPER_TARGET, 0),
            });
        }
        Ok(ConsultationPage {
            slug: paper.slug,
            title: paper.title,
            status: paper.status,
            window: current.map(|(row, changes)| window_view(row, changes)),
            can_manage,
            targets,
        })
    }
    .await;
    door::finish(result, &[])
}

/// Opens a consultation on the paper (refused while one has not closed yet).
#[server(prefix = "/fn", endpoint = "open_consultation")]
pub async fn open_consultation(
    slug: String,
    consultation: ConsultationInput,
) -> Result<(), AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let now = store::consultations::now(&state.db).await?;
        let fields = consultation.validate(&now)?;
        store::consultations::open(&state.db, &paper.id, &fields, &member.id).await?;
        changed(&state, &paper);
        door::redirect_plain_form(&format!("/papers/{slug}/consultation?done=opened"));
        Ok(())
    }
    .await;
    door::finish(
        result,
        &[
            ("consultation[opens_at]", &consultation.opens_at),
            ("consultation[closes_at]", &consultation.closes_at),
            ("consultation[quorum]", &consultation.quorum),
            (
                "consultation[reason_required]",
                &consultation.reason_required,
            ),
            ("consultation[results]", &consultation.results),
        ],
    )
}

/// Moves the closing time of a consultation that has not closed to a later one.
#[server(prefix = "/fn", endpoint = "extend_consultation")]
pub async fn extend_consultation(
    slug: String,
    closes_at: String,
    /// The reader's zone, set by the page's script (see `rules::typed_in_zone`).
    #[server(default)]
    closes_offset: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let (row, _) = store::consultations::current(&state.db, &paper.id)
            .await?
            .ok_or_else(not_open)?;
        let new = rules::extension(&closes_at, &closes_offset, &row.closes_at, &row.now)?;
        store::consultations::change_closing(&state.db, &paper.id, &row.id, Some(&new), &member.id)
            .await?;
        changed(&state, &paper);
        door::redirect_plain_form(&format!("/papers/{slug}/consultation?done=extended"));
        Ok(())
    }
    .await;
    door::finish(result, &[("closes_at", &closes_at)])
}

/// Closes a consultation now, before its closing time.
#[server(prefix = "/fn", endpoint = "close_consultation")]
pub async fn close_consultation(slug: String) -> Result<(), AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let (row, _) = store::consultations::current(&state.db, &paper.id)
            .await?
            .ok_or_else(not_open)?;
        store::consultations::change_closing(&state.db, &paper.id, &row.id, None, &member.id)
            .await?;
        changed(&state, &paper);
        door::redirect_plain_form(&format!("/papers/{slug}/consultation?done=closed"));
        Ok(())
    }
    .await;
    door::finish(result, &[])
}

#[cfg(feature = "ssr")]
fn not_open() -> AppError {
    AppError::invalid("consultation", crate::error::Problem::NotOpen)
}

#[cfg(feature = "ssr")]
mod window {
    use crate::domain::consultations::{
        Remaining, ResultsMode, WindowChange, WindowState, WindowView, window_state,
    };
    use crate::domain::coverage::BlockKind;
    use crate::domain::papers::BlockView;
    use crate::error::AppError;
    use crate::state::AppState;
    use crate::store::consultations::ConsultationRow;

    /// The window as pages show it, by the database's clock (`row.now`).
    pub fn window_view(row: ConsultationRow, changes: Vec<WindowChange>) -> WindowView {
        let state = window_state(&row.opens_at, &row.closes_at, &row.now);
        let seconds = match state {
            WindowState::Scheduled => row.opens_in,
            _ => row.closes_in,
        };
        WindowView {
            state,
            remaining: Remaining::of_seconds(seconds),
            quorum: row.quorum.and_then(|q| u32::try_from(q).ok()),
            reason_required: row.reason_required,
            results: row.results.parse().unwrap_or(ResultsMode::Anonymised),
            opens_at: row.opens_at,
            closes_at: row.closes_at,
            changes,
        }
    }

    /// The paper's recommendation blocks, rendered and numbered as the workspace shows them.
    pub async fn recommendations(
        state: &AppState,
        paper_id: &str,
    ) -> Result<Vec<BlockView>, AppError> {
        let label = super::super::papers::access::needed_label();
        let draft = crate::drafts::draft(&state.db, &state.caches, paper_id, &label).await?;
        Ok(draft
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Recommendation)
            .cloned()
            .collect())
    }
}
