//! The one error type shared by server functions and the UI.
//!
//! Variants carry codes, never prose: the UI turns them into sentences in the reader's
//! language, and internal causes are logged on the server, never sent.
use leptos::server_fn::Encodes;
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
    /// An import would give back consent a finding's people withdrew.
    WithdrawalIsFinal,
    /// An import names a finding of another assessment.
    OtherAssessment,
    /// A time that has already passed where a future one is needed.
    InPast,
    /// A new closing time that is not later than the current one.
    NotLater,
    /// The consultation asks for a reason to oppose.
    ReasonToOppose,
    /// The consultation is not open (not yet, or no longer): votes are refused.
    NotOpen,
    /// The paper already has a consultation that has not closed.
    AlreadyOpen,
    /// An imported row's country is neither a code nor a name the app knows.
    UnknownCountry {
        typed: String,
    },
    /// An imported row's country name belongs to more than one country.
    AmbiguousCountry {
        typed: String,
    },
    /// An imported date could be day or month first, in a file that writes some month first.
    AmbiguousDate {
        typed: String,
    },
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
    /// An editor may change only what belongs to their own organisation (admins anything).
    #[error("belongs to another organisation")]
    OtherOrganisation,
    #[error("invalid {field}: {problem:?}")]
    Validation { field: String, problem: Problem },
    /// Several inputs are wrong at once: a form shows them all, not one per try.
    #[error("{} invalid inputs", problems.len())]
    Invalid { problems: Vec<FieldProblem> },
    #[error("conflict: {what}")]
    Conflict { what: String },
    /// The paper is published: it takes no more changes. A state of the paper, not a
    /// matter of who asks (an admin is refused too), hence 409 like Conflict, not 403.
    #[error("the paper is published")]
    Published,
    #[error("too large")]
    TooLarge,
    #[error("too many attempts, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// The search engine is still building its index (just after start): a moment's wait,
    /// never wrong results.
    #[error("search is warming up")]
    WarmingUp,
    #[error("internal error")]
    Internal,
    /// The request never reached our code (network down, malformed call).
    #[error("request failed")]
    Request,
}

impl AppError {
    /// An internal error whose cause is ours, not the database's: logged with `context` (on
    /// the server) so no 500 is ever answered without a line that says why.
    pub fn internal(context: &str) -> Self {
        #[cfg(feature = "ssr")]
        tracing::error!("internal error: {context}");
        #[cfg(not(feature = "ssr"))]
        let _ = context;
        AppError::Internal
    }

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
            AppError::Forbidden | AppError::OtherOrganisation => 403,
            AppError::Validation { .. } | AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } | AppError::Published => 409,
            AppError::TooLarge => 413,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::WarmingUp => 503,
            AppError::Request => 400,
        }
    }

    /// How long to wait before trying again, for the `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::WarmingUp => Some(2),
            _ => None,
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

    /// Every server function's error becomes its response body here, so this is also where
    /// the response gets the error's status (server_fn answers 500 for every error).
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        response_status::give(self);
        Self::Encoder::encode(self).unwrap_or_else(|_| {
            // A unit variant always encodes; reached only if serde_json itself broke.
            Self::Encoder::encode(&AppError::Internal).unwrap_or_default()
        })
    }

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Request,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => AppError::Request,
            ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::Request,
            ServerFnErrorErr::MissingArg(field) => AppError::invalid(field, Problem::Required),
            other => AppError::internal(&format!("server function: {other}")),
        }
    }
}

/// The status (and `Retry-After`) a server function's error response carries.
#[cfg(feature = "ssr")]
mod response_status {
    use super::AppError;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    pub(super) fn give(error: &AppError) {
        let Some(options) = use_context::<ResponseOptions>() else {
            return;
        };
        // A plain form post that carries a Referer is sent back to its form (server_fn and
        // `door::finish` redirect it); a status set by `door::finish`'s redirect stays.
        let parts = use_context::<http::request::Parts>();
        let header = |name| {
            parts
                .as_ref()
                .and_then(|p| p.headers.get(name))
                .and_then(|v| v.to_str().ok())
        };
        let goes_back = header(http::header::ACCEPT).is_some_and(|a| a.contains("text/html"))
            && header(http::header::REFERER).is_some();
        let already_set = options.0.read().map(|o| o.status.is_some()).unwrap_or(true);
        if goes_back || already_set {
            return;
        }
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            options.set_status(status);
        }
        if let Some(seconds) = error.retry_after() {
            options.insert_header(http::header::RETRY_AFTER, seconds.into());
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
        let table = [
            (AppError::Request, 400),
            (AppError::WarmingUp, 503),
            (AppError::Unauthorized, 401),
            (AppError::Forbidden, 403),
            (AppError::NotFound, 404),
            (AppError::Conflict { what: "rev".into() }, 409),
            (AppError::OtherOrganisation, 403),
            (AppError::Published, 409),
            (AppError::TooLarge, 413),
            (AppError::invalid("x", Problem::Required), 422),
            (
                AppError::all(vec![
                    AppError::invalid("x", Problem::Required),
                    AppError::invalid("y", Problem::InvalidEmail),
                ]),
                422,
            ),
            (
                AppError::RateLimited {
                    retry_after_secs: 60,
                },
                429,
            ),
            (AppError::Internal, 500),
        ];
        for (error, status) in table {
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[test]
    fn only_a_rate_limit_says_when_to_retry() {
        let limited = AppError::RateLimited {
            retry_after_secs: 90,
        };
        assert_eq!(limited.retry_after(), Some(90));
        assert_eq!(AppError::Conflict { what: "x".into() }.retry_after(), None);
        assert_eq!(AppError::Internal.retry_after(), None);
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
