//! Errors and notices in the reader's language.
use crate::error::{AppError, Problem};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A sentence for what is wrong with one input.
pub fn problem_text(problem: &Problem) -> String {
    let i18n = use_i18n();
    match problem.clone() {
        Problem::Required => t_string!(i18n, problem_required).to_string(),
        Problem::TooLong { max } => t_string!(i18n, problem_too_long, max = max).to_string(),
        Problem::TooShort { min } => t_string!(i18n, problem_too_short, min = min).to_string(),
        Problem::InvalidEmail => t_string!(i18n, problem_invalid_email).to_string(),
        Problem::InvalidCountry => t_string!(i18n, problem_invalid_country).to_string(),
        Problem::InvalidChoice => t_string!(i18n, problem_invalid_choice).to_string(),
        Problem::PasswordsDiffer => t_string!(i18n, problem_passwords_differ).to_string(),
        Problem::AlreadyTaken => t_string!(i18n, problem_already_taken).to_string(),
        Problem::InvitationInvalid => t_string!(i18n, problem_invitation_invalid).to_string(),
        Problem::CannotChangeOwnAccount => t_string!(i18n, problem_own_account).to_string(),
        Problem::WrongPassword => t_string!(i18n, problem_wrong_password).to_string(),
        Problem::KeyHasSpaces => t_string!(i18n, problem_key_spaces).to_string(),
        Problem::KeyCharacters => t_string!(i18n, problem_key_characters).to_string(),
        Problem::InvalidDate => t_string!(i18n, problem_invalid_date).to_string(),
        Problem::InvalidNumber => t_string!(i18n, problem_invalid_number).to_string(),
        Problem::InvalidLanguage => t_string!(i18n, problem_invalid_language).to_string(),
        Problem::TooMany { max } => t_string!(i18n, problem_too_many, max = max).to_string(),
        Problem::InvalidLink => t_string!(i18n, problem_invalid_link).to_string(),
        Problem::DatesOutOfOrder => t_string!(i18n, problem_dates_out_of_order).to_string(),
        Problem::KeyLocked => t_string!(i18n, problem_key_locked).to_string(),
        Problem::UnbalancedFence => t_string!(i18n, problem_unbalanced_fence).to_string(),
        Problem::WithdrawalIsFinal => t_string!(i18n, problem_withdrawal_is_final).to_string(),
        Problem::OtherAssessment => t_string!(i18n, problem_other_assessment).to_string(),
        Problem::InPast => t_string!(i18n, problem_in_past).to_string(),
        Problem::NotLater => t_string!(i18n, problem_not_later).to_string(),
        Problem::ReasonToOppose => t_string!(i18n, problem_reason_to_oppose).to_string(),
        Problem::NotOpen => t_string!(i18n, problem_not_open).to_string(),
        Problem::AlreadyOpen => t_string!(i18n, problem_already_open).to_string(),
        Problem::UnknownCountry { typed } => {
            t_string!(i18n, problem_unknown_country, typed = typed.clone()).to_string()
        }
        Problem::AmbiguousCountry { typed } => {
            t_string!(i18n, problem_ambiguous_country, typed = typed.clone()).to_string()
        }
        Problem::AmbiguousDate { typed } => {
            t_string!(i18n, problem_ambiguous_date, typed = typed.clone()).to_string()
        }
    }
}

/// A sentence for any error.
pub fn error_text(error: &AppError) -> String {
    let i18n = use_i18n();
    match error.clone() {
        AppError::Validation { problem, .. } => problem_text(&problem),
        AppError::Invalid { problems } => {
            let count = problems.len();
            t_string!(i18n, error_several_problems, count = count).to_string()
        }
        AppError::NotFound => t_string!(i18n, error_not_found).to_string(),
        AppError::Unauthorized => t_string!(i18n, error_unauthorized).to_string(),
        AppError::Forbidden => t_string!(i18n, error_forbidden).to_string(),
        AppError::Conflict { .. } => t_string!(i18n, error_conflict).to_string(),
        AppError::OtherOrganisation => t_string!(i18n, error_other_organisation).to_string(),
        AppError::Published => t_string!(i18n, error_published).to_string(),
        AppError::TooLarge => t_string!(i18n, error_too_large).to_string(),
        AppError::RateLimited { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            t_string!(i18n, error_rate_limited, minutes = minutes).to_string()
        }
        AppError::Internal => t_string!(i18n, error_internal).to_string(),
        AppError::WarmingUp => t_string!(i18n, error_warming_up).to_string(),
        AppError::Request => t_string!(i18n, error_request).to_string(),
    }
}

/// The error to show on a page's form: the one its plain form post came back with. Pages
/// render on the server, where the address does not change while they render.
pub fn form_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    action_error(value, posted_error())
}

/// The error an island's form shows: its action's once it ran, before that the one a plain
/// form post came back with (read by the page on the server and handed to the island, which
/// has no router to read the address with).
pub fn action_error<T, S>(value: S, posted: Option<AppError>) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(error)) => Some(error),
        Some(Ok(_)) => None,
        None => posted.clone(),
    })
}

/// The error a plain form post came back with, from the page's address (on the server).
pub fn posted_error() -> Option<AppError> {
    use_query_map().with_untracked(|q| q.get("error").and_then(|e| AppError::from_query_value(&e)))
}

/// What the user typed before a plain form post came back with an error.
pub fn kept(field: &'static str) -> String {
    use_query_map().with_untracked(|q| q.get(field).unwrap_or_default())
}

/// A banner for errors that belong to no single field. When several fields are wrong it
/// lists them all, each a link to its input (an error summary), and takes the focus after a
/// plain form post came back so a screen reader hears it first.
#[component]
pub fn FormAlert(
    error: Signal<Option<AppError>>,
    #[prop(optional)] fields: &'static [&'static str],
    /// The label of each field, for the summary of several problems.
    #[prop(optional)]
    label: Option<fn(&str) -> String>,
) -> impl IntoView {
    let general = move || {
        error.get().filter(|e| match e {
            AppError::Invalid { .. } => true,
            _ => e.field().is_none_or(|f| !fields.contains(&f)),
        })
    };
    view! {
        {move || general().is_some().then(|| view! {
            <div class="alert alert-error" role="alert" id="form-problems" tabindex="-1">
                {move || general().map(|e| {
                    let list = e.field_problems().into_iter().map(|(field, problem)| {
                        let field = field.to_string();
                        view! {
                            <li>
                                <a href=format!("#{field}")>
                                    {label.map(|l| view! { <strong>{l(&field)}</strong> ": " })}
                                    {problem_text(problem)}
                                </a>
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <p>{error_text(&e)}</p>
                        {matches!(e, AppError::Invalid { .. }).then(|| view! { <ul class="problem-list">{list}</ul> })}
                    }
                })}
            </div>
        })}
    }
}

/// The message under one input, tied to it with `aria-describedby`.
#[component]
pub fn FieldError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.problem_for(field).cloned());
    view! {
        <p class="field-error" id=format!("{field}-error") aria-live="polite">
            {move || message().map(|p| problem_text(&p))}
        </p>
    }
}

pub fn invalid(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> {
    move || {
        error
            .get()
            .and_then(|e| e.problem_for(field).map(|_| "true"))
    }
}

/// A short confirmation after something worked.
#[component]
pub fn Notice(children: Children) -> impl IntoView {
    view! { <div class="alert alert-ok" role="status">{children()}</div> }
}
