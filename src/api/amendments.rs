//! Amendments to a draft's blocks: every member proposes one (new text and a rationale),
//! reads them as a word diff against the block's text now, and supports or opposes them;
//! the paper's editors (and admins) accept one (the block's next revision, credited to the
//! proposer, saved like any block) or reject it with a reason; the proposer withdraws their
//! own. Comments on an amendment go through `post_comment` with its id.
use crate::domain::amendments::AmendmentView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door,
    super::papers::access::{
        block_of, can_edit, changed, editable, paper, require_member, writable,
    },
    crate::domain::accounts::SessionMember,
    crate::domain::amendments::{
        self as rules, AmendmentChoice, AmendmentCounts, AmendmentStatus, may_withdraw,
    },
    crate::domain::diff::word_diff,
    crate::domain::papers::{discussion_href, takes_changes},
    crate::state::AppState,
    crate::store::{
        self,
        amendments::{AmendmentRefused, AmendmentRow, PositionRow},
        papers::{CiteSpec, PaperRow},
    },
};

/// Proposes `text` in place of the block's, with a rationale. `rev` is the block's rev the
/// member read (empty: the block's rev now): if the block changed since, nothing is recorded
/// and the answer is Conflict. Answers the amendment's id.
#[server(prefix = "/fn", endpoint = "propose_amendment")]
pub async fn propose_amendment(
    slug: String,
    block: String,
    text: String,
    rationale: String,
    #[server(default)] rev: String,
) -> Result<String, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        if !takes_changes(&paper.stored_status) {
            return Err(AppError::Published);
        }
        let block = block_of(&state, &paper, &block).await?;
        // A deleted block takes no amendments.
        let current = store::papers::block(&state.db, &block)
            .await?
            .ok_or(AppError::NotFound)?;
        let (text, rationale) = rules::proposal(&text, &rationale, &current.text)?;
        let base_rev = if rev.trim().is_empty() {
            current.rev
        } else {
            rev.trim().parse::<i64>().map_err(|_| AppError::Request)?
        };
        let id = store::amendments::propose(
            &state.db, &paper.id, &block, base_rev, &text, &rationale, &member.id,
        )
        .await?
        .map_err(refusal)?;
        door::redirect_plain_form(&amendment_href(&slug, &block, &id));
        Ok(id)
    }
    .await;
    door::finish(result, &[("text", &text), ("rationale", &rationale)])
}

/// The paper's amendments, newest first: of one block, or (`block` empty) of every block.
#[server(prefix = "/fn", endpoint = "amendments", input = leptos::server_fn::codec::GetUrl)]
pub async fn amendments(
    slug: String,
    #[server(default)] block: String,
) -> Result<Vec<AmendmentView>, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let block = if block.is_empty() {
            None
        } else {
            Some(block_of(&state, &paper, &block).await?)
        };
        amendments_of(&state, &member, &paper, block.as_deref()).await
    }
    .await;
    door::finish(result, &[])
}

/// The amendments to `paper` (to one block of it, known to be the paper's, when `block` is
/// given), as `member` sees them.
#[cfg(feature = "ssr")]
pub(crate) async fn amendments_of(
    state: &AppState,
    member: &SessionMember,
    paper: &PaperRow,
    block: Option<&str>,
) -> Result<Vec<AmendmentView>, AppError> {
    let (rows, can_decide) = tokio::join!(
        store::amendments::of_paper(&state.db, &paper.id, block),
        can_edit(state, paper, member),
    );
    let rows = rows?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let positions = store::amendments::positions(&state.db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| view(row, &positions, member, can_decide))
        .collect())
}

/// Supports or opposes an open amendment (`choice`: support | oppose); one position per
/// member, changeable while it is open.
#[server(prefix = "/fn", endpoint = "vote_amendment")]
pub async fn vote_amendment(
    slug: String,
    amendment: String,
    choice: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let row = amendment_of(&state, &paper, &amendment).await?;
        let choice: AmendmentChoice = choice.parse()?;
        store::amendments::take_position(&state.db, &row.id, &member.id, choice)
            .await?
            .map_err(refusal)?;
        door::redirect_plain_form(&amendment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[])
}

/// Accepts an open amendment: the block gets its text as a new revision credited to the
/// proposer, saved like any block (citations parsed, links synced). If the block changed
/// since the proposal: Conflict, nothing written. The paper's editors and admins. Answers
/// the block's new rev.
#[server(prefix = "/fn", endpoint = "accept_amendment")]
pub async fn accept_amendment(slug: String, amendment: String) -> Result<i64, AppError> {
    let result = async {
        let (state, member, paper) = writable(&slug).await?;
        let row = amendment_of(&state, &paper, &amendment).await?;
        if row.block_deleted {
            return Err(AppError::NotFound);
        }
        let kind = row.current_kind.parse()?;
        let citations = CiteSpec::from_text(&row.text, "");
        let rev = store::amendments::accept(&state.db, &row, kind, &citations, &member.id)
            .await?
            .map_err(refusal)?;
        changed(&state, &paper);
        door::redirect_plain_form(&amendment_href(&slug, &row.block, &row.id));
        Ok(rev)
    }
    .await;
    door::finish(result, &[])
}

/// Rejects an open amendment with a reason (kept with it). The paper's editors and admins.
#[server(prefix = "/fn", endpoint = "reject_amendment")]
pub async fn reject_amendment(
    slug: String,
    amendment: String,
    reason: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let row = amendment_of(&state, &paper, &amendment).await?;
        let reason = rules::rejection_reason(&reason)?;
        store::amendments::close(&state.db, &row.id, true, &reason, &member.id)
            .await?
            .map_err(refusal)?;
        door::redirect_plain_form(&amendment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[("reason", &reason), ("amendment", &amendment)])
}

/// The proposer withdraws their open amendment.
#[server(prefix = "/fn", endpoint = "withdraw_amendment")]
pub async fn withdraw_amendment(slug: String, amendment: String) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let row = amendment_of(&state, &paper, &amendment).await?;
        if row.proposer_id != member.id {
            return Err(AppError::Forbidden);
        }
        store::amendments::close(&state.db, &row.id, false, "", &member.id)
            .await?
            .map_err(refusal)?;
        door::redirect_plain_form(&amendment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[])
}

#[cfg(feature = "ssr")]
fn refusal(refused: AmendmentRefused) -> AppError {
    match refused {
        AmendmentRefused::Missing => AppError::NotFound,
        // The same answer as a block saved on an earlier rev.
        AmendmentRefused::Stale => AppError::Conflict {
            what: "block".into(),
        },
        AmendmentRefused::Decided => rules::decided(),
    }
}

#[cfg(feature = "ssr")]
fn amendment_href(slug: &str, block: &str, amendment: &str) -> String {
    format!("{}#amendment-{amendment}", discussion_href(slug, block))
}

/// An amendment id from a request, checked to belong to the paper.
#[cfg(feature = "ssr")]
async fn amendment_of(
    state: &AppState,
    paper: &PaperRow,
    amendment: &str,
) -> Result<AmendmentRow, AppError> {
    if amendment.is_empty() || amendment.len() > 64 {
        return Err(AppError::NotFound);
    }
    match store::amendments::get(&state.db, amendment).await? {
        Some(row) if row.paper == paper.id => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

#[cfg(feature = "ssr")]
fn view(
    row: AmendmentRow,
    positions: &[PositionRow],
    member: &SessionMember,
    can_decide: bool,
) -> AmendmentView {
    let mut counts = AmendmentCounts::default();
    let mut mine = None;
    for position in positions.iter().filter(|p| p.amendment == row.id) {
        let Ok(choice) = position.choice.parse::<AmendmentChoice>() else {
            continue;
        };
        match choice {
            AmendmentChoice::Support => counts.support += 1,
            AmendmentChoice::Oppose => counts.oppose += 1,
        }
        if position.member == member.id {
            mine = Some(choice);
        }
    }
    let status: AmendmentStatus = row.status.parse().unwrap_or(AmendmentStatus::Withdrawn);
    let open = status == AmendmentStatus::Open && !row.block_deleted;
    AmendmentView {
        diff: word_diff(&row.current_text, &row.text),
        rationale_html: crate::markdown::render(&row.rationale),
        can_decide: can_decide && open,
        can_withdraw: may_withdraw(status, row.proposer_id == member.id) && !row.block_deleted,
        id: row.id,
        block: row.block,
        status,
        proposer: row.proposer,
        organisation: row.organisation,
        text: row.text,
        base_rev: row.base_rev,
        current_rev: row.current_rev,
        counts,
        mine,
        created_at: row.proposed_at,
        decision_reason: row.decision_reason,
        decided_by: row.decided_by,
        accepted_rev: row.accepted_rev,
    }
}
