//! How much of a paper's claims are backed by evidence, at a glance.
use crate::i18n::*;
use leptos::prelude::*;

/// "12 of 15 supported": a meter with its numbers in words beside it.
#[component]
pub fn CoverageMeter(supported: usize, total: usize) -> impl IntoView {
    let i18n = use_i18n();
    let percent = (supported * 100).checked_div(total).unwrap_or(0);
    let level = match percent {
        _ if total == 0 => "none",
        0..=49 => "low",
        50..=89 => "mid",
        _ => "high",
    };
    view! {
        <span class=format!("coverage coverage-{level}")>
            <meter min="0" max=total.max(1).to_string() value=supported.to_string()
                aria-label=move || t_string!(i18n, coverage_label).to_string()></meter>
            <span>
                {if total == 0 {
                    t!(i18n, coverage_none).into_any()
                } else {
                    t!(i18n, coverage_text, supported = move || supported, total = move || total, percent = move || percent).into_any()
                }}
            </span>
        </span>
    }
}
