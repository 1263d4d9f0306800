//! The moderation queue (`/moderation`): the open reports on comments that the reader may act
//! on (an admin every paper's, an editor those of their papers), oldest first, each with the
//! comment, the reason and a link to its discussion, where it is hidden or its reports
//! dismissed. Rendered on the server.
use crate::api::moderation::moderation_queue;
use crate::app::components::labels::display_time;
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{Forbidden, LoadError, SignInFirst, role_gate};
use crate::domain::accounts::Role;
use crate::domain::comments::ReportView;
use crate::domain::papers::discussion_href;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn ModerationPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Err(gate) = role_gate(Role::Editor) {
        return gate;
    }
    let queue = Resource::new(|| (), |_| moderation_queue());
    view! {
        <PageTitle text=t_string!(i18n, moderation_title).to_string() />
        <h1>{t_string!(i18n, moderation_heading)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t_string!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(reports) if reports.is_empty() => view! {
                        <p class="empty-state">{t_string!(i18n, moderation_empty)}</p>
                    }.into_any(),
                    Ok(reports) => view! {
                        <ol class="reports">{reports.into_iter().map(report_view).collect_view()}</ol>
                    }.into_any(),
                    Err(AppError::Forbidden) => view! { <Forbidden /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn report_view(report: ReportView) -> impl IntoView {
    let i18n = use_i18n();
    let ReportView {
        reason,
        reporter,
        at,
        comment,
        comment_html,
        comment_author,
        paper_slug,
        paper_title,
        block,
    } = report;
    let href = format!("{}#comment-{comment}", discussion_href(&paper_slug, &block));
    view! {
        <li class="card report">
            <h2 class="h3">{paper_title}</h2>
            <p class="muted small">
                {t_string!(i18n, moderation_reported_by)} " " {reporter} " · "
                <time datetime=at.clone()>{display_time(&at)}</time>
            </p>
            <p><strong>{t_string!(i18n, comment_reason)}</strong> " " {reason}</p>
            <blockquote>
                <p class="muted small">{comment_author}</p>
                {if comment_html.is_empty() {
                    Either::Left(())
                } else {
                    Either::Right(view! { <div class="prose" inner_html=comment_html></div> })
                }}
            </blockquote>
            <p><a class="button button-small" href=href>{t_string!(i18n, moderation_open)}</a></p>
        </li>
    }
}
