//! Votes on a paper's recommendations and on the paper as a whole, and their results. Every
//! member votes while the consultation is open (by the database's clock); one vote per member
//! per target, changeable until it closes.
use crate::domain::consultations::ResultsPage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::consultations::{recommendations, window_view},
    super::door,
    super::papers::access::{paper, require_member},
    crate::domain::consultations::{
        self as rules, Ballot, PAPER_TARGET, RecordedVote, ResultsMode, VotingOn, target_results,
    },
    crate::error::Problem,
    crate::state::AppState,
    crate::store::{
        self,
        consultations::{VoteCast, VoteRefused},
    },
    std::sync::Arc,
};

/// Casts or changes the caller's vote on `target` (a recommendation's block id, or `paper`).
/// `rev` is the block's rev the member read (empty: not checked): if its text changed since,
/// nothing is recorded and the answer is Conflict, so nobody votes on a text they did not see.
#[server(prefix = "/fn", endpoint = "cast_vote")]
pub async fn cast_vote(
    slug: String,
    target: String,
    choice: String,
    #[server(default)] reason: String,
    #[server(default)] rev: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        if target.is_empty() || target.len() > 64 {
            return Err(AppError::NotFound);
        }
        let mut on = voting_on(&state, &slug, false).await?;
        let mut checked = rules::vote_input(&choice, &reason, on.reason_required)?;
        let seen_rev = if rev.trim().is_empty() {
            None
        } else {
            Some(rev.trim().parse::<i64>().map_err(|_| AppError::Request)?)
        };
        let mut read_again = false;
        let outcome = loop {
            let vote = VoteCast::new(
                &on.consultation_id,
                &member.id,
                &target,
                checked.0,
                &checked.1,
                seen_rev,
            );
            let outcome = state.votes.cast(vote).await?;
            if read_again || !matches!(outcome, Err(VoteRefused::Closed)) {
                break outcome;
            }
            // The kept consultation may have closed and another opened through another
            // instance: read it again, and vote in the new one if there is one.
            read_again = true;
            let fresh = voting_on(&state, &slug, true).await?;
            if fresh.consultation_id == on.consultation_id {
                break outcome;
            }
            on = fresh;
            checked = rules::vote_input(&choice, &reason, on.reason_required)?;
        };
        match outcome {
            // What needs this member changed: the header counts again.
            Ok(()) => state.caches.needs().invalidate(&member.id),
            Err(VoteRefused::Closed) => {
                return Err(AppError::invalid("consultation", Problem::NotOpen));
            }
            Err(VoteRefused::Missing) => return Err(AppError::NotFound),
            Err(VoteRefused::Stale) => {
                return Err(AppError::Conflict { what: "rev".into() });
            }
        }
        door::redirect_plain_form(&format!(
            "/papers/{slug}/consultation?done=voted#target-{target}"
        ));
        Ok(())
    }
    .await;
    door::finish(
        result,
        &[
            ("target", &target),
            ("choice", &choice),
            ("reason", &reason),
        ],
    )
}

#[server(prefix = "/fn", endpoint = "consultation_results", input = leptos::server_fn::codec::GetUrl)]
pub async fn consultation_results(slug: String) -> Result<ResultsPage, AppError> {
    let result = async {
        let (state, _member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let (row, changes) = store::consultations::current(&state.db, &paper.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let votes = cast_votes(&state, &row.id).await?;
        let ballots: Vec<Ballot> = votes.iter().map(RecordedVote::ballot).collect();
        let window = window_view(row, changes);
        let (quorum, mode) = (window.quorum, window.results);
        let recommendations = recommendations(&state, &paper.id)
            .await?
            .into_iter()
            .map(|b| target_results(&votes, &ballots, (&b.id, b.number, b.html), quorum, mode))
            .collect();
        Ok(ResultsPage {
            paper: target_results(
                &votes,
                &ballots,
                (PAPER_TARGET, None, String::new()),
                quorum,
                mode,
            ),
            slug: paper.slug,
            title: paper.title,
            window,
            recommendations,
        })
    }
    .await;
    door::finish(result, &[])
}

/// The paper's current consultation as a vote needs it, kept for a few seconds unless `fresh`.
#[cfg(feature = "ssr")]
async fn voting_on(state: &AppState, slug: &str, fresh: bool) -> Result<Arc<VotingOn>, AppError> {
    if !fresh && let Some(kept) = state.caches.voting().get(slug) {
        return Ok(kept);
    }
    let paper = paper(state, slug).await?;
    let (consultation, _) = store::consultations::current(&state.db, &paper.id)
        .await?
        .ok_or_else(|| AppError::invalid("consultation", Problem::NotOpen))?;
    let on = Arc::new(VotingOn {
        paper_id: paper.id,
        consultation_id: consultation.id,
        reason_required: consultation.reason_required,
    });
    state.caches.voting().insert(slug.to_string(), on.clone());
    Ok(on)
}

/// The consultation's votes as the domain counts them.
#[cfg(feature = "ssr")]
pub(crate) async fn cast_votes(
    state: &AppState,
    consultation_id: &str,
) -> Result<Vec<RecordedVote>, AppError> {
    Ok(store::consultations::votes(&state.db, consultation_id)
        .await?
        .into_iter()
        .filter_map(|v| {
            Some(RecordedVote {
                choice: v.choice.parse().ok()?,
                target: v.target,
                reason: v.reason,
                member_name: v.member_name,
                organisation: v.organisation,
                country: v.country,
                block_rev: v.block_rev,
                current_rev: v.current_rev,
                updated_at: v.updated_at,
            })
        })
        .collect())
}

/// The results CSV of a paper's consultation, named or anonymised as its editors set it.
/// Answers the file name and its bytes.
#[cfg(feature = "ssr")]
pub async fn results_csv(
    state: &AppState,
    paper_id: &str,
    slug: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let (row, _) = store::consultations::current(&state.db, paper_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mode: ResultsMode = row.results.parse().unwrap_or(ResultsMode::Anonymised);
    let votes = cast_votes(state, &row.id).await?;
    // Recommendations by number, as the paper shows them; the label is computed without a
    // request, so `[@?]` renders in English here (no text of a block reaches the file).
    let label = crate::drafts::needed_label(None);
    let draft = crate::drafts::draft(&state.db, &state.caches, paper_id, &label).await?;
    let numbers: std::collections::HashMap<&str, u32> = draft
        .blocks
        .iter()
        .filter_map(|b| Some((b.id.as_str(), b.number?)))
        .collect();
    let body = crate::domain::votes_csv::write(&votes, mode, |target| match numbers.get(target) {
        Some(n) => format!("R{n}"),
        None if target == PAPER_TARGET => PAPER_TARGET.to_string(),
        None => format!("block {target}"),
    })?;
    Ok((format!("{slug}-consultation-{}.csv", mode.as_str()), body))
}
