//! A tally as a bar chart drawn in SVG by the server (no JavaScript needed), with the same
//! numbers in a table beside it for screen readers and for anyone who prefers numbers.
use crate::app::components::labels::choice_name;
use crate::domain::consultations::{Choice, Counts, bars};
use crate::i18n::*;
use leptos::prelude::*;

const WIDTH: u32 = 320;
const BAR_HEIGHT: u32 = 22;
const GAP: u32 = 10;
/// Room on the left of the bars for the choice's name.
const LABEL_WIDTH: u32 = 90;

fn colour(choice: Choice) -> &'static str {
    match choice {
        Choice::Support => "#2f7d4f",
        Choice::Oppose => "#b3261e",
        Choice::Abstain => "#7a7468",
    }
}

#[component]
pub fn TallyChart(
    counts: Counts,
    /// Unique on the page: ties the chart to its title.
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = bars(&counts);
    let height = rows.len() as u32 * (BAR_HEIGHT + GAP);
    let span = WIDTH - LABEL_WIDTH - 60;
    let title_id = format!("chart-{id}-title");
    let labelled_by = title_id.clone();
    let total = counts.total();
    view! {
        <div class="tally">
            <svg class="tally-chart" role="img" aria-labelledby=labelled_by
                viewBox=format!("0 0 {WIDTH} {height}") width=WIDTH.to_string() height=height.to_string()>
                <title id=title_id>{t!(i18n, results_chart_title, total = move || total)}</title>
                {rows.into_iter().enumerate().map(|(i, bar)| {
                    let y = i as u32 * (BAR_HEIGHT + GAP);
                    let length = (span * bar.length / 100).max(u32::from(bar.count > 0));
                    view! {
                        <g>
                            <text x="0" y=(y + BAR_HEIGHT - 6).to_string() font-size="13">{choice_name(bar.choice)}</text>
                            <rect x=LABEL_WIDTH.to_string() y=y.to_string() width=length.to_string()
                                height=BAR_HEIGHT.to_string() fill=colour(bar.choice) rx="3" />
                            <text x=(LABEL_WIDTH + length + 6).to_string() y=(y + BAR_HEIGHT - 6).to_string() font-size="13">
                                {format!("{} · {}%", bar.count, bar.share)}
                            </text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <table class="tally-table">
                <caption class="visually-hidden">{t!(i18n, results_table_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, results_choice)}</th>
                        <th scope="col">{t!(i18n, results_votes)}</th>
                        <th scope="col">{t!(i18n, results_share)}</th>
                    </tr>
                </thead>
                <tbody>
                    {Choice::ALL.iter().map(|&c| view! {
                        <tr>
                            <th scope="row">{choice_name(c)}</th>
                            <td>{counts.of(c)}</td>
                            <td>{format!("{}%", counts.share(c))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
