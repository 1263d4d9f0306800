//! Moderation of comments: any member reports one with a reason; the paper's editors and
//! admins hide it with a reason (it stays, shown as hidden with that reason) or dismiss its
//! reports; the queue lists the open reports of what the caller may moderate.
use crate::domain::comments::ReportView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::comments::{comment_href, comment_of},
    super::door,
    super::papers::access::{can_edit, paper, require_member},
    crate::domain::accounts::{Role, SessionMember},
    crate::domain::comments as rules,
    crate::state::AppState,
    crate::store::{self, comments::CommentRow},
};

/// Reports a comment to the paper's editors, with a reason (one report per member and
/// comment: reporting again replaces the reason).
#[server(prefix = "/fn", endpoint = "report_comment")]
pub async fn report_comment(slug: String, comment: String, reason: String) -> Result<(), AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let paper = paper(&state, &slug).await?;
        let row = comment_of(&state, &paper, &comment).await?;
        let reason = rules::reason(&reason)?;
        if !store::comments::report(&state.db, &row.id, &reason, &member.id).await? {
            return Err(AppError::NotFound);
        }
        door::redirect_plain_form(&comment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[("reason", &reason), ("comment", &comment)])
}

/// Hides a comment, with the reason readers will see in its place; its open reports close.
/// The paper's editors and admins.
#[server(prefix = "/fn", endpoint = "hide_comment")]
pub async fn hide_comment(slug: String, comment: String, reason: String) -> Result<(), AppError> {
    let result = async {
        let (state, member, row) = moderated(&slug, &comment).await?;
        let reason = rules::reason(&reason)?;
        if !store::comments::hide(&state.db, &row.id, &reason, &member.id).await? {
            return Err(AppError::NotFound);
        }
        super::comments::comments_changed(&state, &row.paper);
        door::redirect_plain_form(&comment_href(&slug, &row.block, &row.id));
        Ok(())
    }
    .await;
    door::finish(result, &[("reason", &reason), ("comment", &comment)])
}

/// Closes a comment's open reports and leaves it shown. The paper's editors and admins.
/// Answers how many reports were closed.
#[server(prefix = "/fn", endpoint = "dismiss_reports")]
pub async fn dismiss_reports(slug: String, comment: String) -> Result<usize, AppError> {
    let result = async {
        let (state, member, row) = moderated(&slug, &comment).await?;
        let closed = store::comments::dismiss_reports(&state.db, &row.id, &member.id).await?;
        door::redirect_plain_form(&comment_href(&slug, &row.block, &row.id));
        Ok(closed)
    }
    .await;
    door::finish(result, &[])
}

/// The caller and the comment they moderate: a comment of the paper (else NotFound), and the
/// caller one of its editors or an admin (else Forbidden).
#[cfg(feature = "ssr")]
async fn moderated(
    slug: &str,
    comment: &str,
) -> Result<(AppState, SessionMember, CommentRow), AppError> {
    let (state, member) = require_member()?;
    let paper = paper(&state, slug).await?;
    let row = comment_of(&state, &paper, comment).await?;
    if !can_edit(&state, &paper, &member).await {
        return Err(AppError::Forbidden);
    }
    Ok((state, member, row))
}

/// The open reports the caller may act on, oldest first: every paper's for an admin, those
/// of the papers listing them as an editor for an editor. Members moderate nothing
/// (Forbidden).
#[server(prefix = "/fn", endpoint = "moderation_queue", input = leptos::server_fn::codec::GetUrl)]
pub async fn moderation_queue() -> Result<Vec<ReportView>, AppError> {
    let result = async {
        let (state, member) = require_member()?;
        let editor = match member.role {
            Role::Admin => None,
            Role::Editor => Some(member.id.as_str()),
            Role::Member => return Err(AppError::Forbidden),
        };
        Ok(store::comments::open_reports(&state.db, editor)
            .await?
            .into_iter()
            .map(|(mut report, text)| {
                report.comment_html = crate::markdown::render(&text);
                report
            })
            .collect())
    }
    .await;
    door::finish(result, &[])
}
