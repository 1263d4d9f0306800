//! What needs a member (see `domain::needs`): the consultations open now, and the replies to
//! a member's comments.
use super::{Db, OrInternal};
use crate::domain::needs::{REPLIES_MAX, REPLY_DAYS};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.6fZ'";

/// A paper whose current consultation is open now, by the database's clock.
#[derive(Debug, Clone, SurrealValue)]
pub struct OpenConsultation {
    pub paper_id: String,
    pub consultation: String,
    pub slug: String,
    pub title: String,
    /// When it closes (formatted; named apart from the stored datetime, which the query
    /// still reads after formatting).
    pub closing: String,
    pub closes_in: i64,
}

/// The consultations open now, closing soonest first.
pub async fn open_consultations(db: &Db) -> Result<Vec<OpenConsultation>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(paper) AS paper_id, record::id(id) AS consultation,
                 paper.slug AS slug, paper.title AS title,
                 time::unix(closes_at) - time::unix(time::now()) AS closes_in,
                 time::format(closes_at, {TIME}) AS closing
             FROM consultation
             WHERE opens_at <= time::now() AND closes_at > time::now() AND paper.consultation = id
             ORDER BY closing LIMIT 100"
        ))
        .await
        .or_internal("open consultations")?;
    response.take(0).or_internal("open consultations")
}

#[derive(Debug, Clone, SurrealValue)]
pub struct ReplyRow {
    pub comment: String,
    pub slug: String,
    pub paper_title: String,
    pub block: String,
    pub author: String,
    pub at: String,
    pub text: String,
}

/// Replies by others to the member's comments in the last [`REPLY_DAYS`] days, newest first
/// (hidden ones left out).
pub async fn replies_to(db: &Db, member_id: &str) -> Result<Vec<ReplyRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT record::id(id) AS comment, paper.slug AS slug, paper.title AS paper_title,
                 record::id(block) AS block, author.name ?? '' AS author,
                 time::format(created_at, {TIME}) AS at, text
             FROM comment
             WHERE parent != NONE AND parent.author = type::record('member', $member)
                 AND author != type::record('member', $member) AND hidden_reason = NONE
                 AND created_at > time::now() - {REPLY_DAYS}d
             ORDER BY at DESC LIMIT {REPLIES_MAX}"
        ))
        .bind(("member", member_id.to_string()))
        .await
        .or_internal("replies to a member")?;
    response.take(0).or_internal("replies to a member")
}
