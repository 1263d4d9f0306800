//! Errors and notices in the reader's language.
use crate::error::{AppError, Problem};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A sentence for what is wrong with one input.
pub fn problem_text(problem: &Problem) -> AnyView {
    let i18n = use_i18n();
    match problem.clone() {
        Problem::Required => t!(i18n, problem_required).into_any(),
        Problem::TooLong { max } => t!(i18n, problem_too_long, max = move || max).into_any(),
        Problem::TooShort { min } => t!(i18n, problem_too_short, min = move || min).into_any(),
        Problem::InvalidEmail => t!(i18n, problem_invalid_email).into_any(),
        Problem::InvalidCountry => t!(i18n, problem_invalid_country).into_any(),
        Problem::InvalidChoice => t!(i18n, problem_invalid_choice).into_any(),
        Problem::PasswordsDiffer => t!(i18n, problem_passwords_differ).into_any(),
        Problem::AlreadyTaken => t!(i18n, problem_already_taken).into_any(),
        Problem::InvitationInvalid => t!(i18n, problem_invitation_invalid).into_any(),
        Problem::CannotChangeOwnAccount => t!(i18n, problem_own_account).into_any(),
        Problem::WrongPassword => t!(i18n, problem_wrong_password).into_any(),
        Problem::KeyHasSpaces => t!(i18n, problem_key_spaces).into_any(),
        Problem::KeyCharacters => t!(i18n, problem_key_characters).into_any(),
        Problem::InvalidDate => t!(i18n, problem_invalid_date).into_any(),
        Problem::InvalidNumber => t!(i18n, problem_invalid_number).into_any(),
        Problem::InvalidLanguage => t!(i18n, problem_invalid_language).into_any(),
        Problem::TooMany { max } => t!(i18n, problem_too_many, max = move || max).into_any(),
        Problem::InvalidLink => t!(i18n, problem_invalid_link).into_any(),
        Problem::DatesOutOfOrder => t!(i18n, problem_dates_out_of_order).into_any(),
        Problem::KeyLocked => t!(i18n, problem_key_locked).into_any(),
        Problem::UnbalancedFence => t!(i18n, problem_unbalanced_fence).into_any(),
        Problem::WithdrawalIsFinal => t!(i18n, problem_withdrawal_is_final).into_any(),
        Problem::OtherAssessment => t!(i18n, problem_other_assessment).into_any(),
        Problem::InPast => t!(i18n, problem_in_past).into_any(),
        Problem::NotLater => t!(i18n, problem_not_later).into_any(),
        Problem::ReasonToOppose => t!(i18n, problem_reason_to_oppose).into_any(),
        Problem::NotOpen => t!(i18n, problem_not_open).into_any(),
        Problem::AlreadyOpen => t!(i18n, problem_already_open).into_any(),
        Problem::UnknownCountry { typed } => {
            t!(i18n, problem_unknown_country, typed = move || typed.clone()).into_any()
        }
        Problem::AmbiguousCountry { typed } => t!(
            i18n,
            problem_ambiguous_country,
            typed = move || typed.clone()
        )
        .into_any(),
        Problem::AmbiguousDate { typed } => {
            t!(i18n, problem_ambiguous_date, typed = move || typed.clone()).into_any()
        }
    }
}

/// A sentence for any error.
pub fn error_text(error: &AppError) -> AnyView {
    let i18n = use_i18n();
    match error.clone() {
        AppError::Validation { problem, .. } => problem_text(&problem),
        AppError::Invalid { problems } => {
            let count = problems.len();
            t!(i18n, error_several_problems, count = move || count).into_any()
        }
        AppError::NotFound => t!(i18n, error_not_found).into_any(),
        AppError::Unauthorized => t!(i18n, error_unauthorized).into_any(),
        AppError::Forbidden => t!(i18n, error_forbidden).into_any(),
        AppError::Conflict { .. } => t!(i18n, error_conflict).into_any(),
        AppError::OtherOrganisation => t!(i18n, error_other_organisation).into_any(),
        AppError::Published => t!(i18n, error_published).into_any(),
        AppError::TooLarge => t!(i18n, error_too_large).into_any(),
        AppError::RateLimited { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            t!(i18n, error_rate_limited, minutes = move || minutes).into_any()
        }
        AppError::Internal => t!(i18n, error_internal).into_any(),
        AppError::WarmingUp => t!(i18n, error_warming_up).into_any(),
        AppError::Request => t!(i18n, error_request).into_any(),
    }
}

/// The error to show on a form: the action's (JavaScript) or the query string's (after a
/// plain form post came back).
pub fn form_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || match value.get() {
        Some(Err(error)) => Some(error),
        Some(Ok(_)) => None,
        None => query.with(|q| q.get("error").and_then(|e| AppError::from_query_value(&e))),
    })
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
    label: Option<fn(&str) -> AnyView>,
) -> impl IntoView {
    let general = move || {
        error.get().filter(|e| match e {
            AppError::Invalid { .. } => true,
            _ => e.field().is_none_or(|f| !fields.contains(&f)),
        })
    };
    view! {
        <Show when=move || general().is_some()>
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
        </Show>
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
