//! The one error type shared by server functions and the UI.
//!
//! Variants carry codes, never prose: the UI turns them into sentences in the reader's
//! language, and internal causes are logged on the server, never sent.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What is wrong with one input, in words the UI can translate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    InvalidEmail,
    InvalidCountry,
    InvalidChoice,
    PasswordsDiffer,
    AlreadyTaken,
    InvitationInvalid,
    CannotChangeOwnAccount,
    WrongPassword,
    KeyHasSpaces,
    KeyCharacters,
    InvalidDate,
    InvalidNumber,
    InvalidLanguage,
    TooMany {
        max: usize,
    },
    InvalidLink,
    DatesOutOfOrder,
    /// The citation key is cited in a paper and can no longer change.
    KeyLocked,
    /// A Markdown file opens a `:::` block it never closes, or closes one it never opened.
    UnbalancedFence,
}

/// One problem with one input, for errors that list several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Not signed in, or the credentials did not match (deliberately one variant: the
    /// log-in form must not reveal whether an email address has an account).
    #[error("sign-in required or credentials not accepted")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid {field}: {problem:?}")]
    Validation { field: String, problem: Problem },
    /// Several inputs are wrong at once: a form shows them all, not one per try.
    #[error("{} invalid inputs", problems.len())]
    Invalid { problems: Vec<FieldProblem> },
    #[error("conflict: {what}")]
    Conflict { what: String },
    #[error("too large")]
    TooLarge,
    #[error("too many attempts, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error")]
    Internal,
    /// The request never reached our code (network down, malformed call).
    #[error("request failed")]
    Request,
}

impl AppError {
    pub fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        AppError::Validation {
            field: field.into(),
            problem,
        }
    }

    /// The HTTP status each variant maps to (DESIGN.md §5).
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation { .. } | AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::TooLarge => 413,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Request => 400,
        }
    }

    /// Several validation errors as one: a single one stays as it is.
    pub fn all(mut errors: Vec<AppError>) -> AppError {
        if errors.len() == 1 {
            return errors.remove(0);
        }
        let problems = errors
            .into_iter()
            .flat_map(|e| match e {
                AppError::Validation { field, problem } => vec![FieldProblem { field, problem }],
                AppError::Invalid { problems } => problems,
                _ => Vec::new(),
            })
            .collect::<Vec<_>>();
        if problems.is_empty() {
            AppError::Internal
        } else {
            AppError::Invalid { problems }
        }
    }

    /// The field an error belongs to, so a form can show it beside that input (the first,
    /// when several are wrong).
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            AppError::Invalid { problems } => problems.first().map(|p| p.field.as_str()),
            _ => None,
        }
    }

    /// What is wrong with one input, if anything.
    pub fn problem_for(&self, wanted: &str) -> Option<&Problem> {
        match self {
            AppError::Validation { field, problem } if field == wanted => Some(problem),
            AppError::Invalid { problems } => problems
                .iter()
                .find(|p| p.field == wanted)
                .map(|p| &p.problem),
            _ => None,
        }
    }

    /// Every (field, problem) pair an error carries.
    pub fn field_problems(&self) -> Vec<(&str, &Problem)> {
        match self {
            AppError::Validation { field, problem } => vec![(field.as_str(), problem)],
            AppError::Invalid { problems } => problems
                .iter()
                .map(|p| (p.field.as_str(), &p.problem))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Compact form carried in a URL when a form was posted without JavaScript.
    pub fn to_query_value(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_query_value(value: &str) -> Option<Self> {
        serde_json::from_str(value).ok()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Request,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => AppError::Request,
            ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::Request,
            ServerFnErrorErr::MissingArg(field) => AppError::invalid(field, Problem::Required),
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_value_round_trips() {
        let errors = [
            AppError::invalid("email", Problem::InvalidEmail),
            AppError::invalid("name", Problem::TooLong { max: 120 }),
            AppError::RateLimited {
                retry_after_secs: 60,
            },
            AppError::Unauthorized,
            AppError::all(vec![
                AppError::invalid("key", Problem::KeyHasSpaces),
                AppError::invalid("text", Problem::Required),
            ]),
        ];
        for error in errors {
            let encoded = error.to_query_value();
            assert_eq!(AppError::from_query_value(&encoded), Some(error));
        }
    }

    #[test]
    fn statuses_follow_the_design() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::TooLarge.status(), 413);
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::invalid("x", Problem::Required).status(), 422);
    }

    #[test]
    fn several_problems_travel_together() {
        let one = AppError::invalid("key", Problem::Required);
        assert_eq!(AppError::all(vec![one.clone()]), one);
        let many = AppError::all(vec![
            AppError::invalid("key", Problem::KeyHasSpaces),
            AppError::invalid("text", Problem::Required),
        ]);
        assert_eq!(many.status(), 422);
        assert_eq!(many.field(), Some("key"));
        assert_eq!(many.problem_for("text"), Some(&Problem::Required));
        assert_eq!(many.problem_for("country"), None);
        assert_eq!(many.field_problems().len(), 2);
        assert_eq!(AppError::all(Vec::new()), AppError::Internal);
    }

    #[test]
    fn garbage_query_value_is_ignored() {
        assert_eq!(AppError::from_query_value("not json"), None);
        assert_eq!(AppError::from_query_value(r#"{"error":"nope"}"#), None);
    }
}
