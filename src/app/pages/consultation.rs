//! A paper's consultation: its window (when it opens and closes, by the database's clock), the
//! rules the editors set, its logged changes, and a vote on each recommendation and on the
//! paper as a whole. Every form works without JavaScript (the page reloads with the outcome
//! or the error and what was typed in its address) and with it.
use crate::api::consultations::{
    CloseConsultation, ExtendConsultation, OpenConsultation, consultation,
};
use crate::api::votes::CastVote;
use crate::app::components::alerts::{
    FieldError, FormAlert, Notice, action_error, invalid, kept, posted_error, problem_text,
};
use crate::app::components::consultation_window::WindowSummary;
use crate::app::components::fields::textarea_text;
use crate::app::components::labels::{choice_name, display_time, paper_status_name};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, NotFound, SignInFirst, role_gate};
use crate::app::islands::{LocalTimes, page_locale};
use crate::domain::accounts::Role;
use crate::domain::consultations::{
    Choice, ConsultationPage as Page, Due, MyVote, PAPER_TARGET, REASON_MAX, VoteTarget,
    WindowState, WindowView,
};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ConsultationPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Err(gate) = role_gate(Role::Member) {
        return gate;
    }
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let open = ServerAction::<OpenConsultation>::new();
    let extend = ServerAction::<ExtendConsultation>::new();
    let close = ServerAction::<CloseConsultation>::new();
    let page = {
        let slug = slug.clone();
        Resource::new(
            move || {
                (
                    open.version().get(),
                    extend.version().get(),
                    close.version().get(),
                )
            },
            move |_| consultation(slug.clone()),
        )
    };
    let draft_href = format!("/papers/{slug}/draft");
    view! {
        <PageTitle text=t_string!(i18n, consultation_title).to_string() />
        <p class="breadcrumb"><a href=draft_href>{t!(i18n, block_back)}</a></p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <ConsultationView data open extend close /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <h1>{t!(i18n, consultation_heading)}</h1> <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn ConsultationView(
    data: Page,
    open: ServerAction<OpenConsultation>,
    extend: ServerAction<ExtendConsultation>,
    close: ServerAction<CloseConsultation>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let done = move || query.with(|q| q.get("error").is_none().then(|| q.get("done")).flatten());
    let Page {
        slug,
        title,
        status,
        window,
        can_manage,
        targets,
    } = data;
    let is_open = window
        .as_ref()
        .is_some_and(|w| w.state == WindowState::Open);
    let running = window
        .as_ref()
        .is_some_and(|w| w.state != WindowState::Closed);
    let results_href = format!("/papers/{slug}/consultation/results");
    view! {
        <p class="eyebrow"><span class=format!("badge status-{status}")>{paper_status_name(&status)}</span></p>
        <h1>{t!(i18n, consultation_heading)}</h1>
        <p class="lead">{title}</p>
        {move || done().map(|done| view! {
            <Notice>
                {match done.as_str() {
                    "opened" => t!(i18n, consultation_opened).into_any(),
                    "extended" => t!(i18n, consultation_extended).into_any(),
                    "closed" => t!(i18n, consultation_closed_early).into_any(),
                    _ => t!(i18n, vote_recorded).into_any(),
                }}
            </Notice>
        })}
        <section class="card" aria-labelledby="window-heading">
            <h2 id="window-heading">{t!(i18n, consultation_window)}</h2>
            {match window.clone() {
                Some(w) => view! {
                    <WindowSummary window=w.clone() />
                    <p><a class="button button-quiet" href=results_href>{t!(i18n, consultation_results_link)}</a></p>
                    <WindowHistory window=w />
                }.into_any(),
                None => view! { <p class="empty-state">{t!(i18n, consultation_none)}</p> }.into_any(),
            }}
        </section>
        // Times shown, and typed, in the reader's zone.
        <LocalTimes lang=page_locale() />
        {can_manage.then(|| if running {
            view! { <ManageWindow slug=slug.clone() extend close /> }.into_any()
        } else {
            view! { <OpenForm slug=slug.clone() open /> }.into_any()
        })}
        {(!targets.is_empty()).then(|| view! {
            <section aria-labelledby="votes-heading">
                <h2 id="votes-heading">{t!(i18n, vote_heading)}</h2>
                {(!is_open).then(|| view! { <p class="alert alert-info">{t!(i18n, vote_outside_window)}</p> })}
                {targets
                    .into_iter()
                    .map(|target| view! {
                        <TargetCard target slug=slug.clone() is_open window=window.clone() />
                    })
                    .collect_view()}
            </section>
        })}
    }
}

#[component]
fn WindowHistory(window: WindowView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="history">
            <summary>{t!(i18n, consultation_history)}</summary>
            <ul>
                {window.changes.into_iter().map(|c| {
                    let at = display_time(&c.at);
                    let closes = display_time(&c.closes_at);
                    let who = c.member_name.clone();
                    let what = match c.action.as_str() {
                        "opened" => t!(i18n, consultation_change_opened, closes = move || closes.clone()).into_any(),
                        "extended" => t!(i18n, consultation_change_extended, closes = move || closes.clone()).into_any(),
                        _ => t!(i18n, consultation_change_closed).into_any(),
                    };
                    view! { <li><time datetime=c.at.clone()>{at}</time> " · " {who} " · " {what}</li> }
                }).collect_view()}
            </ul>
        </details>
    }
}

/// Extending and closing early, for the paper's editors while the consultation runs.
#[component]
fn ManageWindow(
    slug: String,
    extend: ServerAction<ExtendConsultation>,
    close: ServerAction<CloseConsultation>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = window_error(extend.value());
    // The address carries one error; the extend form above shows it.
    let close_error = Signal::derive(move || close.value().get().and_then(Result::err));
    let kept_closes = kept("closes_at");
    let close_slug = slug.clone();
    view! {
        <section class="card" aria-labelledby="manage-heading">
            <h2 id="manage-heading">{t!(i18n, consultation_manage)}</h2>
            <FormAlert error fields=&["closes_at"] />
            <ActionForm action=extend attr:class="form form-inline">
                <input type="hidden" name="slug" value=slug />
                <div class="field">
                    <label for="closes_at">{t!(i18n, consultation_new_close)}</label>
                    <p class="hint zone-hint" id="closes_at-hint">{t!(i18n, consultation_time_hint)}</p>
                    <input type="datetime-local" id="closes_at" name="closes_at" required value=kept_closes
                        aria-invalid=invalid(error, "closes_at") aria-describedby="closes_at-hint closes_at-error" />
                    <FieldError error field="closes_at" />
                </div>
                <button type="submit" class="button" disabled=move || extend.pending().get()>{t!(i18n, consultation_extend)}</button>
            </ActionForm>
            <FormAlert error=close_error />
            <ActionForm action=close attr:class="row-form">
                <input type="hidden" name="slug" value=close_slug />
                <button type="submit" class="button button-quiet" disabled=move || close.pending().get()>{t!(i18n, consultation_close_now)}</button>
            </ActionForm>
        </section>
    }
}

/// Opening a consultation, for the paper's editors when none runs.
#[component]
fn OpenForm(slug: String, open: ServerAction<OpenConsultation>) -> impl IntoView {
    let i18n = use_i18n();
    let error = window_error(open.value());
    let came_back = use_query_map().with_untracked(|q| q.get("error").is_some());
    let results = kept("consultation[results]");
    let reason_required = came_back && !kept("consultation[reason_required]").is_empty();
    view! {
        <section class="card" aria-labelledby="open-heading">
            <h2 id="open-heading">{t!(i18n, consultation_open_heading)}</h2>
            <FormAlert error fields=&["opens_at", "closes_at", "quorum"] />
            <ActionForm action=open attr:class="form">
                <input type="hidden" name="slug" value=slug />
                <p class="hint zone-hint">{t!(i18n, consultation_time_hint)}</p>
                <div class="field-row">
                    <div class="field">
                        <label for="opens_at">{t!(i18n, consultation_opens_at)}</label>
                        <p class="hint" id="opens_at-hint">{t!(i18n, consultation_opens_hint)}</p>
                        <input type="datetime-local" id="opens_at" name="consultation[opens_at]" value=kept("consultation[opens_at]")
                            aria-invalid=invalid(error, "opens_at") aria-describedby="opens_at-hint opens_at-error" />
                        <FieldError error field="opens_at" />
                    </div>
                    <div class="field">
                        <label for="closes_at">{t!(i18n, consultation_closes_at)}</label>
                        <input type="datetime-local" id="closes_at" name="consultation[closes_at]" required value=kept("consultation[closes_at]")
                            aria-invalid=invalid(error, "closes_at") aria-describedby="closes_at-error" />
                        <FieldError error field="closes_at" />
                    </div>
                    <div class="field">
                        <label for="quorum">{t!(i18n, consultation_quorum)}</label>
                        <p class="hint" id="quorum-hint">{t!(i18n, consultation_quorum_hint)}</p>
                        <input type="number" id="quorum" name="consultation[quorum]" min="1" max="10000" value=kept("consultation[quorum]")
                            aria-invalid=invalid(error, "quorum") aria-describedby="quorum-hint quorum-error" />
                        <FieldError error field="quorum" />
                    </div>
                </div>
                <div class="field">
                    <label>
                        <input type="checkbox" name="consultation[reason_required]" value="on" checked=reason_required />
                        " " {t!(i18n, consultation_reason_rule)}
                    </label>
                </div>
                <div class="field">
                    <label for="results">{t!(i18n, consultation_results_mode)}</label>
                    <select id="results" name="consultation[results]">
                        <option value="anonymised" selected=results != "named">{t!(i18n, results_anonymised)}</option>
                        <option value="named" selected=results == "named">{t!(i18n, results_named)}</option>
                    </select>
                </div>
                <button type="submit" class="button" disabled=move || open.pending().get()>{t!(i18n, consultation_open)}</button>
            </ActionForm>
        </section>
    }
}

/// One recommendation (or the paper as a whole), the member's vote on it, and the form.
#[component]
fn TargetCard(
    target: VoteTarget,
    slug: String,
    is_open: bool,
    window: Option<WindowView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let VoteTarget {
        id,
        number,
        html,
        rev,
        mine,
    } = target;
    // After a plain form post came back with an error, the form it came from shows it and
    // what was typed; the other forms do not.
    let mine_was_posted =
        use_query_map().with_untracked(|q| q.get("target").as_deref() == Some(id.as_str()));
    let (posted, kept_choice, kept_reason) = if mine_was_posted {
        (posted_error(), kept("choice"), kept("reason"))
    } else {
        (None, String::new(), String::new())
    };
    let reason_required = window.as_ref().is_some_and(|w| w.reason_required);
    let is_paper = id == PAPER_TARGET;
    // The rev the member reads, sent with the vote: a text changed meanwhile is not voted on.
    let seen_rev = if is_paper {
        String::new()
    } else {
        rev.to_string()
    };
    let heading_id = format!("target-{id}-heading");
    let labelled_by = heading_id.clone();
    let anchor = format!("target-{id}");
    view! {
        <article class="card vote-target" id=anchor aria-labelledby=labelled_by>
            <h3 id=heading_id>
                {if is_paper {
                    t!(i18n, vote_on_paper).into_any()
                } else {
                    let n = number.unwrap_or(0);
                    t!(i18n, vote_on_recommendation, number = move || n).into_any()
                }}
            </h3>
            {(!is_paper).then(|| view! { <div class="block-body" inner_html=html></div> })}
            {if is_open {
                let form = VoteSetup {
                    slug,
                    target: id,
                    seen_rev,
                    reason_required,
                    posted,
                    kept_choice,
                    kept_reason,
                };
                view! { <VoteForm lang=crate::app::islands::page_locale() mine form /> }.into_any()
            } else {
                view! { <MyVoteLine mine=mine.map(|m| (m.choice, m.due)) is_open=false /> }.into_any()
            }}
        </article>
    }
}

/// The member's vote on a target, if they voted.
#[component]
fn MyVoteLine(mine: Option<(Choice, Due)>, is_open: bool) -> impl IntoView {
    let i18n = use_i18n();
    mine.map(|(choice, due)| {
        view! {
            <p class="my-vote">
                {t!(i18n, vote_yours)} " " <strong>{choice_name(choice)}</strong>
                {(due == Due::Reconfirm).then(|| view! {
                    " " <span class="badge badge-danger">{t!(i18n, vote_earlier_text)}</span>
                })}
            </p>
            {(due == Due::Reconfirm && is_open).then(|| view! { <p class="hint">{t!(i18n, vote_reconfirm_hint)}</p> })}
        }
    })
}

/// What the vote form of one target needs from the page (an island's props are serialised).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct VoteSetup {
    slug: String,
    target: String,
    seen_rev: String,
    reason_required: bool,
    posted: Option<AppError>,
    kept_choice: String,
    kept_reason: String,
}

/// The vote form of one target. With JavaScript the vote is sent by the page's own request and
/// the member's vote shows at once; without it the form posts and the page comes back.
#[island]
fn VoteForm(lang: Locale, mine: Option<MyVote>, form: VoteSetup) -> impl IntoView {
    crate::app::islands::speak(lang);
    let i18n = use_i18n();
    let VoteSetup {
        slug,
        target: id,
        seen_rev,
        reason_required,
        posted,
        kept_choice,
        kept_reason,
    } = form;
    let action = ServerAction::<CastVote>::new();
    let error = action_error(action.value(), posted);
    let initial = if !kept_choice.is_empty() {
        kept_choice.parse::<Choice>().ok()
    } else {
        mine.as_ref().map(|m| m.choice)
    };
    let reason = if !kept_reason.is_empty() {
        kept_reason
    } else {
        mine.as_ref().map(|m| m.reason.clone()).unwrap_or_default()
    };
    let chosen = RwSignal::new(initial);
    let shown = RwSignal::new(mine.as_ref().map(|m| (m.choice, m.due)));
    // A vote that went through is now the member's vote on the current text.
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(())))
            && let Some(choice) = chosen.get_untracked()
        {
            shown.set(Some((choice, Due::Nothing)));
        }
    });
    let due = mine.as_ref().map(|m| m.due);
    let reason_id = format!("reason-{id}");
    view! {
        {move || view! { <MyVoteLine mine=shown.get() is_open=true /> }}
        <FormAlert error fields=&["choice", "reason"] />
        <ActionForm action attr:class="form vote-form">
            <input type="hidden" name="slug" value=slug.clone() />
            <input type="hidden" name="target" value=id.clone() />
            <input type="hidden" name="rev" value=seen_rev.clone() />
            <fieldset>
                <legend>{t!(i18n, vote_choice)}</legend>
                {Choice::ALL.iter().map(|&c| {
                    let input_id = format!("choice-{id}-{}", c.as_str());
                    let label_for = input_id.clone();
                    view! {
                        <label for=label_for class="radio">
                            <input type="radio" id=input_id name="choice" value=c.as_str() required
                                checked=initial == Some(c)
                                on:change=move |_| chosen.set(Some(c)) />
                            " " {choice_name(c)}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" aria-live="polite">
                    {move || error.get().and_then(|e| e.problem_for("choice").cloned()).map(|p| problem_text(&p))}
                </p>
            </fieldset>
            <div class="field">
                <label for=reason_id.clone()>{t!(i18n, vote_reason)}</label>
                <p class="hint" id=format!("{reason_id}-hint")>
                    {if reason_required {
                        t_string!(i18n, vote_reason_hint_required, max = REASON_MAX).to_string()
                    } else {
                        t_string!(i18n, vote_reason_hint, max = REASON_MAX).to_string()
                    }}
                </p>
                <textarea id=reason_id.clone() name="reason" rows="3" maxlength=REASON_MAX.to_string()
                    aria-invalid=invalid(error, "reason")
                    aria-describedby=format!("{reason_id}-hint {reason_id}-error")>{textarea_text(reason)}</textarea>
                <p class="field-error" id=format!("{reason_id}-error") aria-live="polite">
                    {move || error.get().and_then(|e| e.problem_for("reason").cloned()).map(|p| problem_text(&p))}
                </p>
            </div>
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {match due {
                    None => t_string!(i18n, vote_submit),
                    Some(Due::Reconfirm) => t_string!(i18n, vote_reconfirm),
                    Some(_) => t_string!(i18n, vote_change),
                }}
            </button>
        </ActionForm>
    }
}

/// The error to show on a window form: its action's, or the address's after a plain form
/// post came back, unless that post was a vote (its card shows it).
fn window_error<S>(value: S) -> Signal<Option<AppError>>
where
    S: Get<Value = Option<Result<(), AppError>>> + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || match value.get() {
        Some(result) => result.err(),
        None => query.with(|q| {
            q.get("target")
                .is_none()
                .then(|| q.get("error").and_then(|e| AppError::from_query_value(&e)))
                .flatten()
        }),
    })
}
