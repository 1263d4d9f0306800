//! What needs a member: the open consultations with what they have not voted on yet or must
//! reconfirm (the text changed since they voted), and the replies to their comments. The page
//! lists it; the header shows how many things it lists.
use crate::domain::consultations::{Due, due};
use serde::{Deserialize, Serialize};

/// Replies older than this are no longer news.
pub const REPLY_DAYS: i64 = 30;
/// At most this many replies are listed (the newest).
pub const REPLIES_MAX: usize = 50;

/// One open consultation, and what the member still has to do in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationNeed {
    pub slug: String,
    pub title: String,
    pub closes_at: String,
    /// Seconds until it closes, by the database's clock.
    pub closes_in: i64,
    /// Targets (recommendations and the paper) without the member's vote.
    pub to_vote: usize,
    /// Votes cast on a text that has changed since.
    pub to_reconfirm: usize,
}

impl ConsultationNeed {
    pub fn is_done(&self) -> bool {
        self.to_vote == 0 && self.to_reconfirm == 0
    }
}

/// A reply by someone else to one of the member's comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyNotice {
    pub slug: String,
    pub paper_title: String,
    pub block: String,
    pub comment: String,
    pub author: String,
    pub at: String,
    /// The start of the reply, as plain text.
    pub excerpt: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub consultations: Vec<ConsultationNeed>,
    pub replies: Vec<ReplyNotice>,
}

impl Needs {
    /// The number the header shows: votes to cast or reconfirm, and replies.
    pub fn count(&self) -> usize {
        self.consultations
            .iter()
            .map(|c| c.to_vote + c.to_reconfirm)
            .sum::<usize>()
            + self.replies.len()
    }
}

/// Counts what a member has to do on a consultation's targets: each target's current rev
/// (0 for the paper as a whole) with the rev the member's vote was cast on, if any.
pub fn votes_due(targets: &[(i64, Option<i64>)]) -> (usize, usize) {
    targets
        .iter()
        .fold((0, 0), |(vote, reconfirm), &(rev, cast)| {
            match due(cast, rev) {
                Due::Vote => (vote + 1, reconfirm),
                Due::Reconfirm => (vote, reconfirm + 1),
                Due::Nothing => (vote, reconfirm),
            }
        })
}

/// The first `max` characters of a text, on a word boundary, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > 0 => &cut[..space],
        _ => &cut,
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_to_vote_without_a_vote_and_to_reconfirm_when_its_text_changed() {
        // (current rev, rev voted on)
        let targets = [
            (3, None),
            (3, Some(3)),
            (4, Some(2)),
            (0, None),
            (0, Some(0)),
        ];
        assert_eq!(votes_due(&targets), (2, 1));
        assert_eq!(votes_due(&[]), (0, 0));
    }

    #[test]
    fn the_count_adds_votes_reconfirmations_and_replies() {
        let need = |to_vote, to_reconfirm| ConsultationNeed {
            slug: "p".into(),
            title: "P".into(),
            closes_at: String::new(),
            closes_in: 60,
            to_vote,
            to_reconfirm,
        };
        let reply = ReplyNotice {
            slug: "p".into(),
            paper_title: "P".into(),
            block: "b".into(),
            comment: "c".into(),
            author: "A".into(),
            at: String::new(),
            excerpt: "Yes.".into(),
        };
        let needs = Needs {
            consultations: vec![need(2, 1), need(0, 0)],
            replies: vec![reply],
        };
        assert_eq!(needs.count(), 4);
        assert!(needs.consultations[1].is_done() && !needs.consultations[0].is_done());
        assert_eq!(Needs::default().count(), 0);
    }

    #[test]
    fn an_excerpt_is_cut_on_a_word_and_flattened() {
        assert_eq!(excerpt("Short\n\nreply.", 40), "Short reply.");
        assert_eq!(excerpt("One two three four", 9), "One two…");
        assert_eq!(excerpt("Unbreakableword", 5), "Unbre…");
    }
}
