//! Amendments: a member proposes new text for a block, with a rationale; the others read it
//! as a word diff against the block's text now, comment on it and support or oppose it; an
//! editor accepts it (a new revision of the block, credited to the proposer) or rejects it
//! with a reason; the proposer may withdraw it while it is open.
use crate::domain::papers::{DiffPart, clean_block_text};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A rationale, or a reason to reject: a few paragraphs.
pub const RATIONALE_MAX: usize = 4_000;

named_enum!(
    /// Where an amendment stands. Only an open one can be decided, withdrawn or voted on.
    AmendmentStatus, "status" {
        Open => "open",
        Accepted => "accepted",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
    }
);

named_enum!(
    /// A member's position on an amendment.
    AmendmentChoice, "choice" {
        Support => "support",
        Oppose => "oppose",
    }
);

/// A proposal as posted, checked against the block's text now: the new text follows the
/// rules of a block's text, must say something and differ from what the block says; the
/// rationale is required.
pub fn proposal(text: &str, rationale: &str, current: &str) -> Result<(String, String), AppError> {
    let mut errors = Vec::new();
    let text = match clean_block_text(text) {
        Ok(t) if t.trim().is_empty() => {
            errors.push(AppError::invalid("text", Problem::Required));
            None
        }
        // Proposing what the block already says changes nothing.
        Ok(t) if t == current.trim_end() => {
            errors.push(AppError::invalid("text", Problem::AlreadyTaken));
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let rationale = crate::domain::evidence::clean_multiline("rationale", rationale, RATIONALE_MAX)
        .map_err(|e| errors.push(e))
        .ok();
    match (text, rationale) {
        (Some(text), Some(rationale)) => Ok((text, rationale)),
        _ => Err(AppError::all(errors)),
    }
}

/// A reason to reject: required and bounded.
pub fn rejection_reason(input: &str) -> Result<String, AppError> {
    crate::domain::evidence::clean_multiline("reason", input, RATIONALE_MAX)
}

/// An amendment can no longer change: it was accepted, rejected or withdrawn.
pub fn decided() -> AppError {
    AppError::Conflict {
        what: "amendment".into(),
    }
}

/// What the proposer, and the editors, may do with an amendment now.
pub fn may_withdraw(status: AmendmentStatus, caller_is_proposer: bool) -> bool {
    status == AmendmentStatus::Open && caller_is_proposer
}

/// Support and opposition so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentCounts {
    pub support: usize,
    pub oppose: usize,
}

/// An amendment as the workspace shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentView {
    pub id: String,
    pub block: String,
    pub status: AmendmentStatus,
    pub proposer: String,
    pub organisation: String,
    pub text: String,
    /// The rationale, rendered (Markdown, sanitised).
    pub rationale_html: String,
    /// The block's rev it was proposed against, and the block's rev now: when they differ,
    /// accepting it is refused until it is proposed again against the new text.
    pub base_rev: i64,
    pub current_rev: i64,
    /// From the block's text now to the proposed text.
    pub diff: Vec<DiffPart>,
    pub counts: AmendmentCounts,
    /// The reader's own position, if they took one.
    pub mine: Option<AmendmentChoice>,
    pub created_at: String,
    /// Why it was rejected (empty otherwise).
    pub decision_reason: String,
    pub decided_by: String,
    /// The block's rev it became, once accepted.
    pub accepted_rev: Option<i64>,
    pub can_decide: bool,
    pub can_withdraw: bool,
}

impl AmendmentView {
    /// Proposed against an earlier text than the block has now.
    pub fn outdated(&self) -> bool {
        self.status == AmendmentStatus::Open && self.base_rev != self.current_rev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals() {
        let current = "Fund inclusive workcamps.";
        // (text, rationale) -> Ok(text) or the problems by field
        type Expected<'a> = Result<&'a str, Vec<(&'a str, Problem)>>;
        let table: [(&str, &str, Expected); 6] = [
            (
                "Fund inclusive workcamps every year.\r\n",
                "Once is not enough.",
                Ok("Fund inclusive workcamps every year."),
            ),
            (
                "Fund inclusive workcamps.\n",
                "Same",
                Err(vec![("text", Problem::AlreadyTaken)]),
            ),
            (" \n", "Why", Err(vec![("text", Problem::Required)])),
            ("New", " ", Err(vec![("rationale", Problem::Required)])),
            (
                " ",
                "",
                Err(vec![
                    ("text", Problem::Required),
                    ("rationale", Problem::Required),
                ]),
            ),
            (
                "New",
                &"x".repeat(RATIONALE_MAX + 1),
                Err(vec![("rationale", Problem::TooLong { max: RATIONALE_MAX })]),
            ),
        ];
        for (text, rationale, expected) in table {
            let got = proposal(text, rationale, current);
            match expected {
                Ok(t) => assert_eq!(got.map(|(t, _)| t).as_deref(), Ok(t), "{text:?}"),
                Err(problems) => {
                    let error = got.unwrap_err();
                    let found: Vec<(&str, Problem)> = error
                        .field_problems()
                        .into_iter()
                        .map(|(f, p)| (f, p.clone()))
                        .collect();
                    assert_eq!(found, problems, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_proposer_withdraws_an_open_amendment() {
        use AmendmentStatus::*;
        let table = [
            (Open, true, true),
            (Open, false, false),
            (Accepted, true, false),
            (Rejected, true, false),
            (Withdrawn, true, false),
        ];
        for (status, proposer, may) in table {
            assert_eq!(may_withdraw(status, proposer), may, "{status:?} {proposer}");
        }
    }

    #[test]
    fn choices_and_statuses_are_words() {
        assert_eq!("oppose".parse(), Ok(AmendmentChoice::Oppose));
        assert_eq!(
            "abstain".parse::<AmendmentChoice>(),
            Err(AppError::invalid("choice", Problem::InvalidChoice))
        );
        assert_eq!(AmendmentStatus::Withdrawn.as_str(), "withdrawn");
    }
}
