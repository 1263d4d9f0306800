//! A consultation's window in a few lines: open or not, until when (in UTC, named, or in the
//! reader's zone where the page runs its islands; and "closes in 3 days" by the database's
//! clock), and the rules its editors set.
use crate::app::components::labels::{display_time, remaining_text, results_mode_name};
use crate::domain::consultations::{WindowState, WindowView};
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn WindowSummary(window: WindowView) -> impl IntoView {
    let i18n = use_i18n();
    let WindowView {
        opens_at,
        closes_at,
        state,
        remaining,
        quorum,
        reason_required,
        results,
        ..
    } = window;
    let opens = {
        let (at, text) = (opens_at.clone(), display_time(&opens_at));
        move || view! { <time datetime=at.clone()>{text.clone()}</time> }
    };
    let closes = {
        let (at, text) = (closes_at.clone(), display_time(&closes_at));
        move || view! { <time datetime=at.clone()>{text.clone()}</time> }
    };
    let when = match state {
        WindowState::Scheduled => view! {
            <p class="window-state">
                <span class="badge">{t!(i18n, window_scheduled)}</span> " "
                {t!(i18n, window_opens_on, at = opens.clone())} " "
                <span class="muted">"(" {t!(i18n, window_opens_in)} " " {remaining_text(remaining)} ")"</span>
            </p>
        }
        .into_any(),
        WindowState::Open => view! {
            <p class="window-state">
                <span class="badge badge-ok">{t!(i18n, window_open)}</span> " "
                {t!(i18n, window_closes_on, at = closes.clone())} " "
                <span class="muted">"(" {t!(i18n, window_closes_in)} " " {remaining_text(remaining)} ")"</span>
            </p>
        }
        .into_any(),
        WindowState::Closed => view! {
            <p class="window-state">
                <span class="badge">{t!(i18n, window_closed)}</span> " "
                {t!(i18n, window_closed_on, at = closes.clone())}
            </p>
        }
        .into_any(),
    };
    view! {
        {when}
        <dl class="facts">
            <dt>{t!(i18n, window_opened_at)}</dt>
            <dd><time datetime=opens_at.clone()>{display_time(&opens_at)}</time></dd>
            <dt>{t!(i18n, window_quorum)}</dt>
            <dd>
                {match quorum {
                    Some(n) => t!(i18n, window_quorum_value, count = move || n).into_any(),
                    None => t!(i18n, window_no_quorum).into_any(),
                }}
            </dd>
            <dt>{t!(i18n, window_reason_rule)}</dt>
            <dd>
                {if reason_required {
                    t!(i18n, window_reason_required).into_any()
                } else {
                    t!(i18n, window_reason_optional).into_any()
                }}
            </dd>
            <dt>{t!(i18n, consultation_results_mode)}</dt>
            <dd>{results_mode_name(results)}</dd>
        </dl>
    }
}
