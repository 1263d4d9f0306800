//! Comments on a draft's blocks (or on a passage of one, or on a proposed amendment), their
//! threads, and their moderation: reported by any member, hidden with a reason or the
//! report dismissed by the paper's editors. A hidden comment stays, shown as hidden.
use crate::domain::anchors::{Anchoring, TextQuote};
use crate::domain::evidence::clean_multiline;
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A comment is a few paragraphs: 10,000 characters.
pub const COMMENT_MAX: usize = 10_000;
/// A report's reason, and a moderator's reason to hide: a few sentences.
pub const REASON_MAX: usize = 2_000;
/// The author can correct a comment for this long after posting it (by the database's clock).
pub const EDIT_WINDOW_SECS: i64 = 15 * 60;

named_enum!(
    /// What a comment asks of the editors.
    CommentKind, "kind" {
        Comment => "comment",
        Question => "question",
        NeedsEvidence => "needs_evidence",
    }
);

named_enum!(
    /// Where a report stands: open until a moderator hides the comment or dismisses it.
    ReportStatus, "status" {
        Open => "open",
        Hidden => "hidden",
        Dismissed => "dismissed",
    }
);

/// A comment's text as posted: line endings normalised, control characters dropped,
/// required and bounded.
pub fn comment_text(input: &str) -> Result<String, AppError> {
    clean_multiline("text", input, COMMENT_MAX)
}

/// A reason (to report, or to hide): required and bounded.
pub fn reason(input: &str) -> Result<String, AppError> {
    clean_multiline("reason", input, REASON_MAX)
}

/// The passage a member quoted was not found in the block's text (it changed since they
/// selected it, or was typed differently): nothing is posted, and the form says so beside
/// the passage.
pub fn passage_not_found() -> AppError {
    AppError::invalid("passage", Problem::InvalidChoice)
}

/// May the author still edit a comment posted `age_secs` ago (by the database's clock)?
pub fn within_edit_window(age_secs: i64) -> bool {
    (0..EDIT_WINDOW_SECS).contains(&age_secs)
}

/// Seconds the author has left to edit (0 once the window has closed).
pub fn edit_seconds_left(age_secs: i64) -> i64 {
    if within_edit_window(age_secs) {
        EDIT_WINDOW_SECS - age_secs
    } else {
        0
    }
}

/// The comment the author tried to edit may no longer be edited: its window has closed.
pub fn edit_window_closed() -> AppError {
    AppError::Conflict {
        what: "edit_window".into(),
    }
}

/// A comment's passage, and where it is in the block's text now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageView {
    pub quote: TextQuote,
    pub anchoring: Anchoring,
}

/// Why a comment is hidden, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenView {
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// One comment as a thread shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: String,
    pub block: String,
    /// The amendment it is about, if any.
    pub amendment: Option<String>,
    /// The comment it replies to (None for the start of a thread).
    pub parent: Option<String>,
    pub kind: CommentKind,
    /// Rendered Markdown; empty when the comment is hidden (and the reader may not moderate).
    pub html: String,
    /// The Markdown as typed: only for its author while they may edit it.
    pub text: Option<String>,
    pub author: String,
    pub organisation: String,
    pub created_at: String,
    pub edited: bool,
    /// Resolved threads (set on the thread's first comment).
    pub resolved: bool,
    pub hidden: Option<HiddenView>,
    pub passage: Option<PassageView>,
    /// Seconds the reader has left to edit it (0: not theirs, or too late).
    pub edit_seconds_left: i64,
}

/// A comment and its replies (every reply below it, in the order they were posted, each
/// naming its parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub comment: CommentView,
    pub replies: Vec<CommentView>,
}

/// What the comments of a block (or of an amendment) answer: the threads, and whether the
/// reader may resolve and hide them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentsView {
    pub threads: Vec<Thread>,
    pub can_moderate: bool,
    /// The sentences of the text commented on, to quote one with the keyboard (see
    /// [`crate::domain::anchors::sentences`]).
    pub sentences: Vec<String>,
    /// For a block's own comments: the threads about each of its amendments that has any, by
    /// amendment id (one request serves the whole discussion page).
    #[serde(default)]
    pub on_amendments: Vec<(String, Vec<Thread>)>,
}

/// Groups comments into threads. `roots` names each comment's thread (its first comment:
/// the comment itself for a first comment). Threads and replies keep the order given (the
/// order they were posted); a reply whose thread is missing is left out.
pub fn threads(comments: Vec<(CommentView, String)>) -> Vec<Thread> {
    let mut threads: Vec<Thread> = Vec::new();
    let mut replies: Vec<(CommentView, String)> = Vec::new();
    for (comment, root) in comments {
        if comment.parent.is_none() && comment.id == root {
            threads.push(Thread {
                comment,
                replies: Vec::new(),
            });
        } else {
            replies.push((comment, root));
        }
    }
    for (reply, root) in replies {
        if let Some(thread) = threads.iter_mut().find(|t| t.comment.id == root) {
            thread.replies.push(reply);
        }
    }
    threads
}

/// How many open threads a block has (the margin of the workspace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCount {
    pub block: String,
    pub open: usize,
}

/// The open threads' blocks, one entry per thread, counted per block in the order the blocks
/// first appear.
pub fn open_counts(thread_blocks: Vec<String>) -> Vec<OpenCount> {
    let mut counts: Vec<OpenCount> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for block in thread_blocks {
        match at.get(&block) {
            Some(&i) => counts[i].open += 1,
            None => {
                at.insert(block.clone(), counts.len());
                counts.push(OpenCount { block, open: 1 });
            }
        }
    }
    counts
}

/// One open report, as the moderation queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub reason: String,
    pub reporter: String,
    pub at: String,
    pub comment: String,
    /// The reported comment's text, rendered.
    pub comment_html: String,
    pub comment_author: String,
    pub paper_slug: String,
    pub paper_title: String,
    pub block: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_threads_are_counted_per_block_in_first_seen_order() {
        let blocks = ["b2", "b1", "b2", "b3", "b2"].map(String::from).to_vec();
        let count = |block: &str, open| OpenCount {
            block: block.into(),
            open,
        };
        assert_eq!(
            open_counts(blocks),
            vec![count("b2", 3), count("b1", 1), count("b3", 1)]
        );
        assert_eq!(open_counts(Vec::new()), Vec::new());
    }

    #[test]
    fn the_edit_window_is_fifteen_minutes() {
        // (age in seconds) -> may edit, seconds left
        let table = [
            (0, true, 900),
            (1, true, 899),
            (899, true, 1),
            (900, false, 0),
            (3_600, false, 0),
            // A creation time ahead of the clock (restored database): not editable.
            (-5, false, 0),
        ];
        for (age, editable, left) in table {
            assert_eq!(within_edit_window(age), editable, "{age}");
            assert_eq!(edit_seconds_left(age), left, "{age}");
        }
    }

    #[test]
    fn comment_texts_and_reasons() {
        assert_eq!(comment_text(" Why?\r\n ").as_deref(), Ok("Why?"));
        assert_eq!(
            comment_text(" \n "),
            Err(AppError::invalid("text", Problem::Required))
        );
        assert_eq!(
            comment_text(&"x".repeat(100 * 1024)),
            Err(AppError::invalid(
                "text",
                Problem::TooLong { max: COMMENT_MAX }
            ))
        );
        assert!(comment_text(&"é".repeat(COMMENT_MAX)).is_ok());
        assert_eq!(
            reason(&"x".repeat(REASON_MAX + 1)),
            Err(AppError::invalid(
                "reason",
                Problem::TooLong { max: REASON_MAX }
            ))
        );
        assert_eq!(
            reason(""),
            Err(AppError::invalid("reason", Problem::Required))
        );
    }

    #[test]
    fn kinds_are_words() {
        assert_eq!(
            "needs_evidence".parse::<CommentKind>(),
            Ok(CommentKind::NeedsEvidence)
        );
        assert_eq!(
            " Question ".parse::<CommentKind>(),
            Ok(CommentKind::Question)
        );
        assert_eq!(
            "praise".parse::<CommentKind>(),
            Err(AppError::invalid("kind", Problem::InvalidChoice))
        );
    }

    fn comment(id: &str, parent: Option<&str>) -> CommentView {
        CommentView {
            id: id.into(),
            block: "b".into(),
            amendment: None,
            parent: parent.map(str::to_string),
            kind: CommentKind::Comment,
            html: String::new(),
            text: None,
            author: String::new(),
            organisation: String::new(),
            created_at: String::new(),
            edited: false,
            resolved: false,
            hidden: None,
            passage: None,
            edit_seconds_left: 0,
        }
    }

    #[test]
    fn replies_gather_under_their_thread() {
        let posted = vec![
            (comment("a", None), "a".to_string()),
            (comment("b", None), "b".to_string()),
            (comment("a1", Some("a")), "a".to_string()),
            (comment("a1x", Some("a1")), "a".to_string()),
            (comment("b1", Some("b")), "b".to_string()),
            // Its thread is not among these comments.
            (comment("z1", Some("z")), "z".to_string()),
        ];
        let threads = threads(posted);
        let shape: Vec<(&str, Vec<&str>)> = threads
            .iter()
            .map(|t| {
                (
                    t.comment.id.as_str(),
                    t.replies.iter().map(|r| r.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(shape, [("a", vec!["a1", "a1x"]), ("b", vec!["b1"])]);
        assert_eq!(threads[0].replies[1].parent.as_deref(), Some("a1"));
    }
}
