//! Comments on blocks and amendments, and their reports. Every change writes a `comment`
//! event in its own transaction, so viewers on every instance see it; the author's edit
//! window is checked inside the edit's transaction, against the database's clock.
use super::conflicts::retrying;
use super::events::EVENT;
use super::papers::new_record_id;
use super::{Db, OrInternal, Outcome, internal};
use crate::domain::anchors::TextQuote;
use crate::domain::comments::{CommentKind, EDIT_WINDOW_SECS, ReportView};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

const TIME: &str = "'%Y-%m-%dT%H:%M:%S%.6fZ'";

/// A comment as stored, with its author's names and its age by the database's clock.
#[derive(Debug, Clone, SurrealValue)]
pub struct CommentRow {
    pub id: String,
    pub paper: String,
    pub block: String,
    pub amendment: Option<String>,
    pub parent: Option<String>,
    /// The thread's first comment (None: this one is).
    pub thread: Option<String>,
    pub kind: String,
    pub text: String,
    pub quote_exact: Option<String>,
    pub quote_prefix: String,
    pub quote_suffix: String,
    pub author_id: String,
    pub author: String,
    pub organisation: String,
    pub posted_at: String,
    /// Seconds since it was posted.
    pub age: i64,
    pub edited: bool,
    pub resolved: bool,
    pub hidden_reason: Option<String>,
    pub hidden_by: String,
    pub hidden_on: String,
}

impl CommentRow {
    pub fn quote(&self) -> Option<TextQuote> {
        self.quote_exact.as_ref().map(|exact| TextQuote {
            exact: exact.clone(),
            prefix: self.quote_prefix.clone(),
            suffix: self.quote_suffix.clone(),
        })
    }

    /// The thread it belongs to: its first comment's id.
    pub fn root(&self) -> &str {
        self.thread.as_deref().unwrap_or(&self.id)
    }
}

/// Computed fields are named apart from stored ones: a projection may see another's output
/// under a stored field's name.
const FIELDS: &str = "record::id(id) AS id, record::id(paper) AS paper, record::id(block) AS block,
    IF amendment { record::id(amendment) } ELSE { NONE } AS amendment,
    IF parent { record::id(parent) } ELSE { NONE } AS parent,
    IF thread { record::id(thread) } ELSE { NONE } AS thread,
    kind, text, quote_exact, quote_prefix, quote_suffix,
    record::id(author) AS author_id, author.name ?? '' AS author,
    author.organisation.name ?? '' AS organisation,
    time::unix(time::now()) - time::unix(created_at) AS age,
    time::format(created_at, '%Y-%m-%dT%H:%M:%S%.6fZ') AS posted_at,
    edited_at != NONE AS edited, resolved, hidden_reason,
    hidden_by.name ?? '' AS hidden_by,
    IF hidden_at { time::format(hidden_at, '%Y-%m-%dT%H:%M:%S%.6fZ') } ELSE { '' } AS hidden_on";

/// A comment to post.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub paper: &'a str,
    pub block: &'a str,
    pub amendment: Option<&'a str>,
    /// The comment replied to (its thread and block are checked to match).
    pub parent: Option<&'a str>,
    pub kind: CommentKind,
    pub text: &'a str,
    pub quote: Option<&'a TextQuote>,
    pub author: &'a str,
}

/// Posts a comment; answers its id, or None when its block (or amendment, or parent) is not
/// there any more: a deleted block takes no comments.
pub async fn post(db: &Db, comment: &NewComment<'_>) -> Result<Option<String>, AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $paper_record = type::record('paper', $paper);
         LET $b = (SELECT * FROM ONLY type::record('block', $block));
         IF !$b OR $b.deleted OR $b.paper != $paper_record {{ RETURN 'missing' }};
         LET $a = IF $amendment {{ (SELECT * FROM ONLY type::record('amendment', $amendment)) }} ELSE {{ NONE }};
         IF $amendment AND (!$a OR $a.block != $b.id) {{ RETURN 'missing' }};
         LET $p = IF $parent {{ (SELECT * FROM ONLY type::record('comment', $parent)) }} ELSE {{ NONE }};
         IF $parent AND (!$p OR $p.block != $b.id OR $p.amendment != $a.id) {{ RETURN 'missing' }};
         CREATE type::record('comment', $id) CONTENT {{
             paper: $paper_record, block: $b.id, amendment: $a.id, parent: $p.id,
             thread: IF $p {{ $p.thread ?? $p.id }} ELSE {{ NONE }},
             kind: $kind, text: $text, quote_exact: $exact, quote_prefix: $prefix,
             quote_suffix: $suffix, author: type::record('member', $member)
         }};
         LET $event_kind = 'comment'; LET $event_block = $block; LET $event_rev = $b.rev;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    let id = new_record_id();
    let result = retrying(|| {
        db.query(query.as_str())
            .bind(("id", id.clone()))
            .bind(("paper", comment.paper.to_string()))
            .bind(("block", comment.block.to_string()))
            .bind(("amendment", comment.amendment.map(str::to_string)))
            .bind(("parent", comment.parent.map(str::to_string)))
            .bind(("kind", comment.kind.as_str()))
            .bind(("text", comment.text.to_string()))
            .bind(("exact", comment.quote.map(|q| q.exact.clone())))
            .bind((
                "prefix",
                comment.quote.map(|q| q.prefix.clone()).unwrap_or_default(),
            ))
            .bind((
                "suffix",
                comment.quote.map(|q| q.suffix.clone()).unwrap_or_default(),
            ))
            .bind(("member", Some(comment.author.to_string())))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => Ok(Some(id)),
        Ok(Outcome::Missing) => Ok(None),
        Ok(other) => Err(other.unexpected("post comment")),
        Err(e) => Err(internal("post comment", e)),
    }
}

pub async fn get(db: &Db, id: &str) -> Result<Option<CommentRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {FIELDS} FROM ONLY type::record('comment', $id)"
        ))
        .bind(("id", id.to_string()))
        .await
        .or_internal("get comment")?;
    response.take(0).or_internal("get comment")
}

/// The comments on a block (not those on its amendments), or on one amendment, in the order
/// they were posted.
pub async fn of_block(
    db: &Db,
    paper_id: &str,
    block_id: &str,
    amendment: Option<&str>,
) -> Result<Vec<CommentRow>, AppError> {
    let mut response = db
        .query(format!(
            "LET $on = IF $amendment {{ type::record('amendment', $amendment) }} ELSE {{ NONE }};
             SELECT {FIELDS} FROM comment
             WHERE paper = type::record('paper', $paper) AND block = type::record('block', $block)
                 AND amendment = $on
             ORDER BY posted_at, id LIMIT 2000;"
        ))
        .bind(("paper", paper_id.to_string()))
        .bind(("block", block_id.to_string()))
        .bind(("amendment", amendment.map(str::to_string)))
        .await
        .or_internal("block comments")?;
    response.take(1).or_internal("block comments")
}

/// Every comment on a block: its own and those about its amendments (each row names its
/// amendment), in the order they were posted.
pub async fn all_of_block(
    db: &Db,
    paper_id: &str,
    block_id: &str,
) -> Result<Vec<CommentRow>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {FIELDS} FROM comment
             WHERE paper = type::record('paper', $paper) AND block = type::record('block', $block)
             ORDER BY posted_at, id LIMIT 5000"
        ))
        .bind(("paper", paper_id.to_string()))
        .bind(("block", block_id.to_string()))
        .await
        .or_internal("block comments")?;
    response.take(0).or_internal("block comments")
}

/// The ids of the blocks of a paper with open threads, once per thread: started on the block
/// itself (not on an amendment), not resolved, not hidden, on a block not deleted.
pub async fn open_threads(db: &Db, paper_id: &str) -> Result<Vec<String>, AppError> {
    let mut response = db
        .query(
            "SELECT VALUE record::id(block) FROM comment
             WHERE paper = type::record('paper', $paper) AND thread = NONE AND amendment = NONE
                 AND resolved = false AND hidden_reason = NONE AND block.deleted = false",
        )
        .bind(("paper", paper_id.to_string()))
        .await
        .or_internal("open comments")?;
    response.take(0).or_internal("open comments")
}

/// A change to one comment, with its event, in one transaction. `change` runs with `$c` (the
/// comment) set, and may refuse with an outcome word.
async fn change(
    db: &Db,
    comment_id: &str,
    change: &str,
    member_id: &str,
    value: serde_json::Value,
    context: &str,
) -> Result<Outcome, AppError> {
    let query = format!(
        "BEGIN TRANSACTION;
         LET $c = (SELECT * FROM ONLY type::record('comment', $id));
         IF !$c {{ RETURN 'missing' }};
         LET $paper_record = $c.paper;
         {change}
         LET $event_kind = 'comment'; LET $event_block = record::id($c.block); LET $event_rev = 0;
         {EVENT}
         RETURN 'done';
         COMMIT TRANSACTION;"
    );
    retrying(|| {
        db.query(query.as_str())
            .bind(("id", comment_id.to_string()))
            .bind(("member", Some(member_id.to_string())))
            .bind(("value", value.clone()))
    })
    .await
    .and_then(Outcome::of)
    .or_internal(context)
}

/// Why an edit was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditRefused {
    Missing,
    /// The edit window has closed (by the database's clock).
    TooLate,
}

/// The author's correction, within the edit window: the window is checked here, in the
/// write's transaction, by the database's clock.
pub async fn edit(
    db: &Db,
    comment_id: &str,
    text: &str,
    member_id: &str,
) -> Result<Result<(), EditRefused>, AppError> {
    let check = format!(
        "IF $c.author != type::record('member', $member) OR $c.hidden_reason != NONE {{
             RETURN 'missing'
         }};
         IF time::now() >= $c.created_at + {EDIT_WINDOW_SECS}s {{ RETURN 'closed' }};
         UPDATE $c.id SET text = $value, edited_at = time::now();"
    );
    match change(
        db,
        comment_id,
        &check,
        member_id,
        text.into(),
        "edit comment",
    )
    .await?
    {
        Outcome::Done => Ok(Ok(())),
        Outcome::Missing => Ok(Err(EditRefused::Missing)),
        Outcome::Closed => Ok(Err(EditRefused::TooLate)),
        other => Err(other.unexpected("edit comment")),
    }
}

/// Resolves (or reopens) a thread: set on its first comment.
pub async fn set_resolved(
    db: &Db,
    comment_id: &str,
    resolved: bool,
    member_id: &str,
) -> Result<bool, AppError> {
    let set = "IF $c.thread != NONE { RETURN 'missing' };
        UPDATE $c.id SET resolved = $value,
            resolved_by = IF $value { type::record('member', $member) } ELSE { NONE };";
    match change(
        db,
        comment_id,
        set,
        member_id,
        resolved.into(),
        "resolve comment",
    )
    .await?
    {
        Outcome::Done => Ok(true),
        Outcome::Missing => Ok(false),
        other => Err(other.unexpected("resolve comment")),
    }
}

/// Hides a comment with the moderator's reason, and closes its open reports as hidden.
/// Answers false when there is no such comment.
pub async fn hide(
    db: &Db,
    comment_id: &str,
    reason: &str,
    member_id: &str,
) -> Result<bool, AppError> {
    let hide = "LET $by = type::record('member', $member);
        UPDATE $c.id SET hidden_reason = $value, hidden_by = $by, hidden_at = time::now();
        UPDATE comment_report SET status = 'hidden', decided_by = $by, decided_at = time::now()
            WHERE comment = $c.id AND status = 'open';";
    match change(
        db,
        comment_id,
        hide,
        member_id,
        reason.into(),
        "hide comment",
    )
    .await?
    {
        Outcome::Done => Ok(true),
        Outcome::Missing => Ok(false),
        other => Err(other.unexpected("hide comment")),
    }
}

/// A member reports a comment with a reason: one report per member and comment (a second
/// replaces the first, and opens it again if it was dismissed).
pub async fn report(
    db: &Db,
    comment_id: &str,
    reason: &str,
    member_id: &str,
) -> Result<bool, AppError> {
    const REPORT: &str = "BEGIN TRANSACTION;
        LET $c = (SELECT * FROM ONLY type::record('comment', $comment));
        IF !$c { RETURN 'missing' };
        UPSERT type::record('comment_report', [$comment, $member]) SET
            comment = $c.id, paper = $c.paper, reporter = type::record('member', $member),
            reason = $reason, status = 'open', at = time::now(), decided_by = NONE,
            decided_at = NONE;
        RETURN 'done';
        COMMIT TRANSACTION;";
    let result = retrying(|| {
        db.query(REPORT)
            .bind(("comment", comment_id.to_string()))
            .bind(("member", member_id.to_string()))
            .bind(("reason", reason.to_string()))
    })
    .await
    .and_then(Outcome::of);
    match result {
        Ok(Outcome::Done) => Ok(true),
        Ok(Outcome::Missing) => Ok(false),
        Ok(other) => Err(other.unexpected("report comment")),
        Err(e) => Err(internal("report comment", e)),
    }
}

/// Closes the open reports of a comment, leaving it shown. Answers how many were open.
pub async fn dismiss_reports(
    db: &Db,
    comment_id: &str,
    member_id: &str,
) -> Result<usize, AppError> {
    let mut response = retrying(|| {
        db.query(
            "UPDATE comment_report SET status = 'dismissed',
                 decided_by = type::record('member', $member), decided_at = time::now()
             WHERE comment = type::record('comment', $comment) AND status = 'open'
             RETURN VALUE status",
        )
        .bind(("comment", comment_id.to_string()))
        .bind(("member", member_id.to_string()))
    })
    .await
    .or_internal("dismiss reports")?;
    let closed: Vec<String> = response.take(0).or_internal("dismiss reports")?;
    Ok(closed.len())
}

#[derive(Debug, SurrealValue)]
struct ReportRow {
    reason: String,
    reporter: String,
    at: String,
    comment: String,
    comment_text: String,
    comment_author: String,
    paper_slug: String,
    paper_title: String,
    block: String,
}

/// The open reports, oldest first: of every paper (`editor` None: an admin), or of the papers
/// that list `editor` among their editors.
pub async fn open_reports(
    db: &Db,
    editor: Option<&str>,
) -> Result<Vec<(ReportView, String)>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT reason, reporter.name ?? '' AS reporter, time::format(at, {TIME}) AS at,
                 record::id(comment) AS comment, comment.text AS comment_text,
                 comment.author.name ?? '' AS comment_author, paper.slug AS paper_slug,
                 paper.title AS paper_title, record::id(comment.block) AS block
             FROM comment_report
             WHERE status = 'open'
                 AND ($editor = NONE OR type::record('member', $editor) IN paper.editors)
             ORDER BY at LIMIT 500"
        ))
        .bind(("editor", editor.map(str::to_string)))
        .await
        .or_internal("moderation queue")?;
    let rows: Vec<ReportRow> = response.take(0).or_internal("moderation queue")?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                ReportView {
                    reason: r.reason,
                    reporter: r.reporter,
                    at: r.at,
                    comment: r.comment,
                    comment_html: String::new(),
                    comment_author: r.comment_author,
                    paper_slug: r.paper_slug,
                    paper_title: r.paper_title,
                    block: r.block,
                },
                r.comment_text,
            )
        })
        .collect())
}
