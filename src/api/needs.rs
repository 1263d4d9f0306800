//! What needs the signed-in member: votes to cast or reconfirm in open consultations, and
//! replies to their comments (the page `/needs-me`, and the count in the header).
use crate::domain::needs::Needs;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::consultations::recommendations,
    super::door,
    super::papers::access::require_member,
    crate::domain::consultations::PAPER_TARGET,
    crate::domain::needs::{self as rules, ConsultationNeed, ReplyNotice},
    crate::state::AppState,
    crate::store,
};

/// Everything that needs the caller now.
#[server(prefix = "/fn", endpoint = "needs_me", input = leptos::server_fn::codec::GetUrl)]
pub async fn needs_me() -> Result<Needs, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let needs = gather(&state, &member.id).await?;
        state.caches.needs().insert(member.id, needs.count());
        Ok(needs)
    }
    .await;
    door::finish(result, &[])
}

/// How many things need the caller (0 for a visitor), counted at most every half minute.
/// Shown on every page: when it cannot be counted the page goes on without it (logged), and
/// it never sends a plain form back with an error.
#[server(prefix = "/fn", endpoint = "needs_count", input = leptos::server_fn::codec::GetUrl)]
pub async fn needs_count() -> Result<usize, AppError> {
    let Ok((state, member)) = require_member() else {
        return Ok(0);
    };
    if let Some(count) = state.caches.needs().get(&member.id) {
        return Ok(count);
    }
    match gather(&state, &member.id).await {
        Ok(needs) => {
            let count = needs.count();
            state.caches.needs().insert(member.id, count);
            Ok(count)
        }
        Err(error) => {
            tracing::warn!(%error, "the header's count of what needs a member");
            Ok(0)
        }
    }
}

#[cfg(feature = "ssr")]
async fn gather(state: &AppState, member_id: &str) -> Result<Needs, AppError> {
    let (open, replies) = tokio::join!(
        store::needs::open_consultations(&state.db),
        store::needs::replies_to(&state.db, member_id),
    );
    let mut consultations = Vec::new();
    for c in open? {
        let (blocks, mine) = tokio::join!(
            recommendations(state, &c.paper_id),
            store::consultations::votes_of(&state.db, &c.consultation, member_id),
        );
        let mine = mine?;
        let cast = |target: &str| {
            mine.iter()
                .find(|v| v.target == target)
                .map(|v| v.block_rev)
        };
        let mut targets: Vec<(i64, Option<i64>)> =
            blocks?.iter().map(|b| (b.rev, cast(&b.id))).collect();
        targets.push((0, cast(PAPER_TARGET)));
        let (to_vote, to_reconfirm) = rules::votes_due(&targets);
        consultations.push(ConsultationNeed {
            slug: c.slug,
            title: c.title,
            closes_at: c.closing,
            closes_in: c.closes_in,
            to_vote,
            to_reconfirm,
        });
    }
    let replies = replies?
        .into_iter()
        .map(|r| ReplyNotice {
            slug: r.slug,
            paper_title: r.paper_title,
            block: r.block,
            comment: r.comment,
            author: r.author,
            at: r.at,
            excerpt: rules::excerpt(&r.text, 160),
        })
        .collect();
    Ok(Needs {
        consultations,
        replies,
    })
}
