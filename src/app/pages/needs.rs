//! What needs me (`/needs-me`): the consultations open now with what the reader has not voted
//! on or must reconfirm, and the replies to their comments. Rendered on the server; the
//! header shows how many things it lists.
use crate::api::needs::needs_me;
use crate::app::components::labels::{display_time, remaining_text};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, SignInFirst, role_gate};
use crate::domain::accounts::Role;
use crate::domain::consultations::Remaining;
use crate::domain::needs::{ConsultationNeed, Needs, ReplyNotice};
use crate::domain::papers::discussion_href;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn NeedsMePage() -> impl IntoView {
    let i18n = use_i18n();
    if let Err(gate) = role_gate(Role::Member) {
        return gate;
    }
    let needs = Resource::new(|| (), |_| needs_me());
    view! {
        <PageTitle text=t_string!(i18n, needs_title).to_string() />
        <h1>{t_string!(i18n, needs_heading)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t_string!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match needs.await {
                    Ok(needs) => view! { <NeedsView needs /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn NeedsView(needs: Needs) -> impl IntoView {
    let i18n = use_i18n();
    let Needs {
        consultations,
        replies,
    } = needs;
    view! {
        <section aria-labelledby="needs-votes">
            <h2 id="needs-votes">{t_string!(i18n, needs_consultations)}</h2>
            {if consultations.is_empty() {
                Either::Left(view! { <p class="empty-state">{t_string!(i18n, needs_no_consultations)}</p> })
            } else {
                Either::Right(view! {
                    <ul class="needs">{consultations.into_iter().map(consultation_view).collect_view()}</ul>
                })
            }}
        </section>
        <section aria-labelledby="needs-replies">
            <h2 id="needs-replies">{t_string!(i18n, needs_replies)}</h2>
            {if replies.is_empty() {
                Either::Left(view! { <p class="empty-state">{t_string!(i18n, needs_no_replies)}</p> })
            } else {
                Either::Right(view! {
                    <ul class="needs">{replies.into_iter().map(reply_view).collect_view()}</ul>
                })
            }}
        </section>
    }
}

fn consultation_view(c: ConsultationNeed) -> impl IntoView {
    let i18n = use_i18n();
    let done = c.is_done();
    let ConsultationNeed {
        slug,
        title,
        closes_at,
        closes_in,
        to_vote,
        to_reconfirm,
    } = c;
    let closes = display_time(&closes_at);
    let remaining = remaining_text(Remaining::of_seconds(closes_in));
    view! {
        <li class="card need">
            <h3 class="h3"><a href=format!("/papers/{slug}/consultation")>{title}</a></h3>
            <p class="muted small">
                {t_string!(i18n, needs_closes)} " " <time datetime=closes_at.clone()>{closes}</time>
                " (" {t_string!(i18n, window_closes_in)} " " {remaining} ")"
            </p>
            {if done {
                Either::Left(view! { <p class="need-done">{t_string!(i18n, needs_all_voted)}</p> })
            } else {
                Either::Right(view! {
                    <p>
                        {(to_vote > 0).then(|| view! {
                            <span class="badge">{t_string!(i18n, needs_to_vote, count = to_vote)}</span> " "
                        })}
                        {(to_reconfirm > 0).then(|| view! {
                            <span class="badge">{t_string!(i18n, needs_to_reconfirm, count = to_reconfirm)}</span>
                        })}
                    </p>
                })
            }}
        </li>
    }
}

fn reply_view(r: ReplyNotice) -> impl IntoView {
    let i18n = use_i18n();
    let ReplyNotice {
        slug,
        paper_title,
        block,
        comment,
        author,
        at,
        excerpt,
    } = r;
    let href = format!("{}#comment-{comment}", discussion_href(&slug, &block));
    view! {
        <li class="card need">
            <p class="muted small">
                <span class="strong">{author}</span> " " {t_string!(i18n, needs_replied_in)} " " {paper_title}
                " · " <time datetime=at.clone()>{display_time(&at)}</time>
            </p>
            <p>{excerpt}</p>
            <p><a class="button button-small" href=href>{t_string!(i18n, needs_open_reply)}</a></p>
        </li>
    }
}
