//! A block's discussion (`/papers/{slug}/draft/blocks/{block}/discussion`): its comment
//! threads, on the block or on a passage of it, and its amendments with their word diffs and
//! positions. Rendered on the server; every form is a plain POST to its server function, which
//! sends the browser back here (to the comment or amendment it changed), or back with the
//! error and what was typed, so it works the same with JavaScript off.
use crate::api::blocks::RevisionChange;
use crate::api::comments::block_discussion;
use crate::app::components::alerts::{error_text, posted_error};
use crate::app::components::fields::textarea_text;
use crate::app::components::labels::{block_kind_name, display_time};
use crate::app::components::page_title::PageTitle;
use crate::app::components::revisions::{TextHistory, diff_view};
use crate::app::components::status::{LoadError, NotFound, SignInFirst, role_gate};
use crate::app::islands::{LocalTimes, page_locale, speak};
use crate::domain::accounts::Role;
use crate::domain::amendments::{AmendmentChoice, AmendmentStatus, AmendmentView, RATIONALE_MAX};
use crate::domain::anchors::{Anchoring, EXACT_MAX};
use crate::domain::comments::{COMMENT_MAX, CommentKind, CommentView, REASON_MAX, Thread};
use crate::domain::papers::BlockView;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Everything the page shows, fetched on the server.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Discussion {
    slug: String,
    title: String,
    block: BlockView,
    /// The block's Markdown, where a proposed amendment starts from.
    text: String,
    threads: Vec<Thread>,
    can_moderate: bool,
    /// The block's sentences, to quote one with the keyboard.
    sentences: Vec<String>,
    /// Each amendment with the threads about it.
    amendments: Vec<(AmendmentView, Vec<Thread>)>,
    /// The block's saved texts, newest first.
    revisions: Vec<RevisionChange>,
}

async fn discussion(slug: String, block: String) -> Result<Discussion, AppError> {
    let mut found = block_discussion(slug, block).await?;
    let discussed = found
        .amendments
        .into_iter()
        .map(|amendment| {
            let about = found
                .comments
                .on_amendments
                .iter()
                .position(|(id, _)| *id == amendment.id)
                .map(|at| found.comments.on_amendments.swap_remove(at).1)
                .unwrap_or_default();
            (amendment, about)
        })
        .collect();
    Ok(Discussion {
        slug: found.slug,
        title: found.title,
        block: found.block,
        text: found.text,
        threads: found.comments.threads,
        can_moderate: found.comments.can_moderate,
        sentences: found.comments.sentences,
        amendments: discussed,
        revisions: found.revisions,
    })
}

/// What a plain form post that came back with an error left in the address: which form (by
/// the comment, thread or amendment it named) and what was typed.
#[derive(Clone, Default)]
struct Back {
    error: Option<AppError>,
    fields: Vec<(String, String)>,
}

impl Back {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// What was typed in `name`, if the form that came back is the one `form` says.
    fn kept(&self, form: impl Fn(&Back) -> bool, name: &str) -> String {
        if self.error.is_some() && form(self) {
            self.get(name).unwrap_or_default().to_string()
        } else {
            String::new()
        }
    }

    fn is_new_comment(&self) -> bool {
        ["parent", "comment", "amendment", "rationale"]
            .iter()
            .all(|k| self.get(k).is_none())
    }
}

#[component]
pub fn DiscussionPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Err(gate) = role_gate(Role::Member) {
        return gate;
    }
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug").unwrap_or_default());
    let block = params.with_untracked(|p| p.get("block").unwrap_or_default());
    let page = Resource::new(|| (), move |_| discussion(slug.clone(), block.clone()));
    view! {
        <PageTitle text=t_string!(i18n, discussion_title).to_string() />
        <Suspense fallback=move || view! { <p class="muted">{t_string!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <DiscussionView data /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <h1>{t_string!(i18n, discussion_heading)}</h1> <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn DiscussionView(data: Discussion) -> impl IntoView {
    let i18n = use_i18n();
    let back = Back {
        error: posted_error(),
        fields: use_query_map().with_untracked(|q| {
            q.clone()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect()
        }),
    };
    let Discussion {
        slug,
        title,
        block,
        text,
        threads,
        can_moderate,
        sentences,
        amendments,
        revisions,
    } = data;
    let draft_href = format!("/papers/{slug}/draft?at={0}#block-{0}", block.id);
    let label = block.number.map(|n| format!("R{n} · ")).unwrap_or_default();
    let heading = format!("{label}{}", block_kind_name(block.kind));
    let ctx = Ctx {
        slug: slug.clone(),
        block: block.id.clone(),
        can_moderate,
        back: back.clone(),
    };
    view! {
        <p class="breadcrumb"><a href=draft_href>{t_string!(i18n, discussion_back)}</a></p>
        <p class="eyebrow">{title}</p>
        <h1>{t_string!(i18n, discussion_heading)} " · " {heading}</h1>
        {back.error.clone().map(|e| view! {
            <div class="alert alert-error" role="alert" id="form-error">{error_text(&e)}</div>
        })}
        <section class="card" aria-labelledby="block-heading">
            <h2 id="block-heading">{t_string!(i18n, discussion_block_text)}</h2>
            {if block.empty {
                Either::Left(view! { <p class="muted">{t_string!(i18n, block_empty)}</p> })
            } else {
                Either::Right(view! { <div class="block-body prose" id="block-text" inner_html=block.html.clone()></div> })
            }}
        </section>
        <TextHistory revisions />
        <section aria-labelledby="threads-heading">
            <h2 id="threads-heading">{t_string!(i18n, discussion_comments)} " (" {threads.len()} ")"</h2>
            <div id="discussion-threads">
                {if threads.is_empty() {
                    Either::Left(view! { <p class="empty-state">{t_string!(i18n, discussion_no_comments)}</p> })
                } else {
                    Either::Right(view! {
                        <ol class="threads">
                            {threads.into_iter().map(|thread| thread_view(thread, &ctx)).collect_view()}
                        </ol>
                    })
                }}
            </div>
            {comment_form(&ctx, sentences)}
        </section>
        <section aria-labelledby="amendments-heading">
            <h2 id="amendments-heading">{t_string!(i18n, amendments_heading)} " (" {amendments.len()} ")"</h2>
            <div id="discussion-amendments">
                {if amendments.is_empty() {
                    Either::Left(view! { <p class="empty-state">{t_string!(i18n, amendments_none)}</p> })
                } else {
                    Either::Right(view! {
                        <ol class="amendments">
                            {amendments.into_iter().map(|(a, threads)| amendment_view(a, threads, &ctx)).collect_view()}
                        </ol>
                    })
                }}
            </div>
            {propose_form(&ctx, text, block.rev)}
        </section>
        <LocalTimes lang=page_locale() />
        <DiscussionLive lang=page_locale() slug=slug.clone() block=block.id.clone() />
    }
}

/// What every form on the page needs.
#[derive(Clone)]
struct Ctx {
    slug: String,
    block: String,
    can_moderate: bool,
    back: Back,
}

fn kind_name(kind: CommentKind) -> String {
    let i18n = use_i18n();
    match kind {
        CommentKind::Comment => t_string!(i18n, comment_kind_comment).to_string(),
        CommentKind::Question => t_string!(i18n, comment_kind_question).to_string(),
        CommentKind::NeedsEvidence => t_string!(i18n, comment_kind_needs_evidence).to_string(),
    }
}

fn thread_view(thread: Thread, ctx: &Ctx) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let Thread { comment, replies } = thread;
    let id = comment.id.clone();
    let resolved = comment.resolved;
    let resolve = ctx.can_moderate.then(|| {
        view! {
            <form method="post" action="/fn/resolve_comment" class="inline-form">
                <input type="hidden" name="slug" value=ctx.slug.clone() />
                <input type="hidden" name="comment" value=id.clone() />
                {resolved.then(|| view! { <input type="hidden" name="reopen" value="true" /> })}
                <button type="submit" class="button button-small">
                    {if resolved { t_string!(i18n, comment_reopen) } else { t_string!(i18n, comment_resolve) }}
                </button>
            </form>
        }
    });
    let reply_field = format!("reply-{id}");
    let reply_text = ctx
        .back
        .kept(|b| b.get("parent") == Some(id.as_str()), "text");
    view! {
        <li class=if resolved { "thread thread-resolved" } else { "thread" }>
            {resolved.then(|| view! { <p class="badge">{t_string!(i18n, comment_resolved)}</p> })}
            {comment_view(comment, ctx)}
            {(!replies.is_empty()).then(|| view! {
                <ol class="replies">
                    {replies.into_iter().map(|r| view! { <li>{comment_view(r, ctx)}</li> }).collect_view()}
                </ol>
            })}
            {resolve}
            <details class="reply" open=!reply_text.is_empty()>
                <summary>{t_string!(i18n, comment_reply)}</summary>
                <form method="post" action="/fn/reply_comment" class="form">
                    <input type="hidden" name="slug" value=ctx.slug.clone() />
                    <input type="hidden" name="parent" value=id.clone() />
                    <div class="field">
                        <label for=reply_field.clone()>{t_string!(i18n, comment_reply_label)}</label>
                        <textarea id=reply_field name="text" rows="3" required maxlength=COMMENT_MAX.to_string()>{textarea_text(&reply_text)}</textarea>
                    </div>
                    <button type="submit" class="button button-small">{t_string!(i18n, comment_reply_submit)}</button>
                </form>
            </details>
        </li>
    }
}

fn comment_view(comment: CommentView, ctx: &Ctx) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let CommentView {
        id,
        kind,
        html,
        text,
        author,
        organisation,
        created_at,
        edited,
        hidden,
        passage,
        ..
    } = comment;
    let by = if organisation.is_empty() {
        author
    } else {
        format!("{author} · {organisation}")
    };
    let passage = passage.map(|p| {
        let outdated = p.anchoring == Anchoring::Outdated;
        view! {
            <blockquote class=if outdated { "passage passage-outdated" } else { "passage" }>
                <p>{p.quote.exact.clone()}</p>
                {outdated.then(|| view! { <footer class="badge">{t_string!(i18n, comment_outdated)}</footer> })}
            </blockquote>
        }
    });
    let is_hidden = hidden.is_some();
    let body = match hidden {
        Some(h) => EitherOf3::A(view! {
            <p class="comment-hidden">
                <strong>{t_string!(i18n, comment_hidden)}</strong> " " {t_string!(i18n, comment_hidden_reason)} " " {h.reason}
            </p>
            // Moderators still read what was hidden.
            {(!html.is_empty()).then(|| view! { <div class="prose muted" inner_html=html></div> })}
        }),
        None if html.is_empty() => EitherOf3::B(()),
        None => EitherOf3::C(view! { <div class="prose" inner_html=html></div> }),
    };
    let this = |b: &Back| b.get("comment") == Some(id.as_str());
    let edit = text.map(|stored| {
        let kept = ctx.back.kept(this, "text");
        let open = !kept.is_empty();
        let value = if open { kept } else { stored };
        let field = format!("edit-{id}");
        view! {
            <details class="comment-edit" open=open>
                <summary>{t_string!(i18n, comment_edit)}</summary>
                <form method="post" action="/fn/edit_comment" class="form">
                    <input type="hidden" name="slug" value=ctx.slug.clone() />
                    <input type="hidden" name="comment" value=id.clone() />
                    <div class="field">
                        <label for=field.clone()>{t_string!(i18n, comment_edit_label)}</label>
                        <textarea id=field name="text" rows="3" required maxlength=COMMENT_MAX.to_string()>{textarea_text(&value)}</textarea>
                    </div>
                    <button type="submit" class="button button-small">{t_string!(i18n, comment_edit_submit)}</button>
                </form>
            </details>
        }
    });
    let kept_reason = ctx.back.kept(this, "reason");
    let reason_form = |action: &'static str, summary: String, submit: String, prefix: &str| {
        let field = format!("{prefix}-{id}");
        view! {
            <details class="comment-moderate" open=!kept_reason.is_empty()>
                <summary>{summary}</summary>
                <form method="post" action=action class="form form-inline">
                    <input type="hidden" name="slug" value=ctx.slug.clone() />
                    <input type="hidden" name="comment" value=id.clone() />
                    <div class="field">
                        <label for=field.clone()>{t_string!(i18n, comment_reason)}</label>
                        <input type="text" id=field name="reason" required maxlength=REASON_MAX.to_string() value=kept_reason.clone() />
                    </div>
                    <button type="submit" class="button button-small button-quiet">{submit}</button>
                </form>
            </details>
        }
    };
    let report = (!is_hidden).then(|| {
        reason_form(
            "/fn/report_comment",
            t_string!(i18n, comment_report).to_string(),
            t_string!(i18n, comment_report_submit).to_string(),
            "report",
        )
    });
    let moderate = (ctx.can_moderate && !is_hidden).then(|| {
        view! {
            {reason_form(
                "/fn/hide_comment",
                t_string!(i18n, comment_hide).to_string(),
                t_string!(i18n, comment_hide_submit).to_string(),
                "hide",
            )}
            <form method="post" action="/fn/dismiss_reports" class="inline-form">
                <input type="hidden" name="slug" value=ctx.slug.clone() />
                <input type="hidden" name="comment" value=id.clone() />
                <button type="submit" class="button button-small button-quiet">{t_string!(i18n, comment_dismiss)}</button>
            </form>
        }
    });
    view! {
        <article class="comment" id=format!("comment-{id}")>
            <p class="comment-head">
                <span class=format!("badge kind-{}", kind.as_str())>{kind_name(kind)}</span> " "
                <span class="strong">{by}</span> " · "
                <time datetime=created_at.clone()>{display_time(&created_at)}</time>
                {edited.then(|| view! { " · " <span class="muted">{t_string!(i18n, comment_edited)}</span> })}
            </p>
            {passage}
            {body}
            <div class="comment-actions">{edit}{report}{moderate}</div>
        </article>
    }
}

fn comment_form(ctx: &Ctx, sentences: Vec<String>) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let new = |b: &Back| b.is_new_comment();
    let (kind, passage, sentence, text) = (
        ctx.back.kept(new, "kind"),
        ctx.back.kept(new, "passage"),
        ctx.back.kept(new, "sentence"),
        ctx.back.kept(new, "text"),
    );
    let kinds = [
        CommentKind::Comment,
        CommentKind::Question,
        CommentKind::NeedsEvidence,
    ];
    view! {
        <form method="post" action="/fn/post_comment" class="form card" id="new-comment">
            <h3>{t_string!(i18n, comment_new_heading)}</h3>
            <input type="hidden" name="slug" value=ctx.slug.clone() />
            <input type="hidden" name="block" value=ctx.block.clone() />
            <div class="field">
                <label for="comment-kind">{t_string!(i18n, comment_kind)}</label>
                <select id="comment-kind" name="kind">
                    {kinds.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=kind == k.as_str()>{kind_name(k)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="comment-passage">{t_string!(i18n, comment_passage)}</label>
                <p class="hint" id="comment-passage-hint">{t_string!(i18n, comment_passage_hint)}</p>
                <input type="text" id="comment-passage" name="passage" value=passage
                    maxlength=EXACT_MAX.to_string() aria-describedby="comment-passage-hint" />
                <QuoteSelection lang=page_locale() />
            </div>
            {(!sentences.is_empty()).then(|| view! {
                <div class="field">
                    <label for="comment-sentence">{t_string!(i18n, comment_sentence)}</label>
                    <select id="comment-sentence" name="sentence">
                        <option value="">{t_string!(i18n, comment_sentence_none)}</option>
                        {sentences.into_iter().map(|s| {
                            let chosen = s == sentence;
                            let shown = s.clone();
                            view! { <option value=s selected=chosen>{shown}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="comment-text">{t_string!(i18n, comment_text)}</label>
                <textarea id="comment-text" name="text" rows="4" required maxlength=COMMENT_MAX.to_string()>{textarea_text(&text)}</textarea>
            </div>
            <button type="submit" class="button">{t_string!(i18n, comment_submit)}</button>
        </form>
    }
}

fn status_name(status: AmendmentStatus) -> String {
    let i18n = use_i18n();
    match status {
        AmendmentStatus::Open => t_string!(i18n, amendment_open).to_string(),
        AmendmentStatus::Accepted => t_string!(i18n, amendment_accepted).to_string(),
        AmendmentStatus::Rejected => t_string!(i18n, amendment_rejected).to_string(),
        AmendmentStatus::Withdrawn => t_string!(i18n, amendment_withdrawn).to_string(),
    }
}

fn amendment_view(a: AmendmentView, threads: Vec<Thread>, ctx: &Ctx) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let outdated = a.outdated();
    let AmendmentView {
        id,
        status,
        proposer,
        organisation,
        rationale_html,
        diff,
        counts,
        mine,
        created_at,
        decision_reason,
        can_decide,
        can_withdraw,
        ..
    } = a;
    let open = status == AmendmentStatus::Open;
    let vote = |choice: AmendmentChoice, label: String, count: usize| {
        let pressed = mine == Some(choice);
        view! {
            <button type="submit" name="choice" value=choice.as_str() class="button button-small"
                aria-pressed=if pressed { "true" } else { "false" } disabled=!open>
                {label} " (" {count} ")"
            </button>
        }
    };
    let reject_field = format!("reject-{id}");
    let kept_reason = ctx
        .back
        .kept(|b| b.get("amendment") == Some(id.as_str()), "reason");
    view! {
        <li class="amendment" id=format!("amendment-{id}")>
            <p class="comment-head">
                <span class=format!("badge status-{}", status.as_str())>{status_name(status)}</span> " "
                <span class="strong">{if organisation.is_empty() { proposer } else { format!("{proposer} · {organisation}") }}</span> " · "
                <time datetime=created_at.clone()>{display_time(&created_at)}</time>
                {outdated.then(|| view! { " " <span class="badge">{t_string!(i18n, amendment_outdated)}</span> })}
            </p>
            <p class="diff">
                <span class="visually-hidden">{t_string!(i18n, amendment_diff)} ": "</span>
                {diff_view(diff)}
            </p>
            <div class="prose"><strong>{t_string!(i18n, amendment_rationale)}</strong> <div inner_html=rationale_html></div></div>
            {(!decision_reason.is_empty()).then(|| view! {
                <p><strong>{t_string!(i18n, amendment_rejection_reason)}</strong> " " {decision_reason}</p>
            })}
            <form method="post" action="/fn/vote_amendment" class="inline-form">
                <input type="hidden" name="slug" value=ctx.slug.clone() />
                <input type="hidden" name="amendment" value=id.clone() />
                {vote(AmendmentChoice::Support, t_string!(i18n, amendment_support).to_string(), counts.support)}
                " "
                {vote(AmendmentChoice::Oppose, t_string!(i18n, amendment_oppose).to_string(), counts.oppose)}
            </form>
            {can_decide.then(|| view! {
                <form method="post" action="/fn/accept_amendment" class="inline-form">
                    <input type="hidden" name="slug" value=ctx.slug.clone() />
                    <input type="hidden" name="amendment" value=id.clone() />
                    <button type="submit" class="button button-small">{t_string!(i18n, amendment_accept)}</button>
                </form>
                <form method="post" action="/fn/reject_amendment" class="form form-inline">
                    <input type="hidden" name="slug" value=ctx.slug.clone() />
                    <input type="hidden" name="amendment" value=id.clone() />
                    <div class="field">
                        <label for=reject_field.clone()>{t_string!(i18n, amendment_reject_reason)}</label>
                        <input type="text" id=reject_field name="reason" required maxlength=RATIONALE_MAX.to_string() value=kept_reason />
                    </div>
                    <button type="submit" class="button button-small button-quiet">{t_string!(i18n, amendment_reject)}</button>
                </form>
            })}
            {can_withdraw.then(|| view! {
                <form method="post" action="/fn/withdraw_amendment" class="inline-form">
                    <input type="hidden" name="slug" value=ctx.slug.clone() />
                    <input type="hidden" name="amendment" value=id.clone() />
                    <button type="submit" class="button button-small button-quiet">{t_string!(i18n, amendment_withdraw)}</button>
                </form>
            })}
            {amendment_comments(&id, threads, ctx)}
        </li>
    }
}

/// The threads about an amendment, and a form to start one (open when there is something to
/// read or a comment came back with an error).
fn amendment_comments(id: &str, threads: Vec<Thread>, ctx: &Ctx) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let this = |b: &Back| b.get("amendment") == Some(id) && b.get("reason").is_none();
    let kept = ctx.back.kept(this, "text");
    let open = !threads.is_empty() || !kept.is_empty();
    let count = threads.len();
    let field = format!("amendment-comment-{id}");
    view! {
        <details class="amendment-comments" open=open>
            <summary>{t_string!(i18n, amendment_comments)} " (" {count} ")"</summary>
            {(!threads.is_empty()).then(|| view! {
                <ol class="threads">
                    {threads.into_iter().map(|thread| thread_view(thread, ctx)).collect_view()}
                </ol>
            })}
            <form method="post" action="/fn/post_comment" class="form">
                <input type="hidden" name="slug" value=ctx.slug.clone() />
                <input type="hidden" name="block" value=ctx.block.clone() />
                <input type="hidden" name="amendment" value=id.to_string() />
                <div class="field">
                    <label for=field.clone()>{t_string!(i18n, amendment_comment_label)}</label>
                    <textarea id=field name="text" rows="3" required maxlength=COMMENT_MAX.to_string()>{textarea_text(&kept)}</textarea>
                </div>
                <button type="submit" class="button button-small">{t_string!(i18n, comment_submit)}</button>
            </form>
        </details>
    }
}

fn propose_form(ctx: &Ctx, current: String, rev: i64) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let this = |b: &Back| b.get("rationale").is_some();
    let kept_text = ctx.back.kept(this, "text");
    // Start from the block's text: an amendment is that text, changed.
    let text = if kept_text.is_empty() {
        current
    } else {
        kept_text
    };
    let rationale = ctx.back.kept(this, "rationale");
    view! {
        <form method="post" action="/fn/propose_amendment" class="form card" id="new-amendment">
            <h3>{t_string!(i18n, amendment_new_heading)}</h3>
            <input type="hidden" name="slug" value=ctx.slug.clone() />
            <input type="hidden" name="block" value=ctx.block.clone() />
            <input type="hidden" name="rev" value=rev.to_string() />
            <div class="field">
                <label for="amendment-text">{t_string!(i18n, amendment_text)}</label>
                <textarea id="amendment-text" name="text" rows="5" required>{textarea_text(&text)}</textarea>
            </div>
            <div class="field">
                <label for="amendment-rationale">{t_string!(i18n, amendment_rationale)}</label>
                <textarea id="amendment-rationale" name="rationale" rows="3" required maxlength=RATIONALE_MAX.to_string()>{textarea_text(&rationale)}</textarea>
            </div>
            <button type="submit" class="button">{t_string!(i18n, amendment_submit)}</button>
        </form>
    }
}

/// Quotes the words a person selected in the block's text (with the mouse, or the keyboard in
/// caret browsing): fills the passage field, and sends the text around the selection so the
/// server can tell a repeated phrase apart. Without JavaScript the passage is typed, or a
/// sentence chosen from the list below it.
#[island]
fn QuoteSelection(lang: Locale) -> impl IntoView {
    speak(lang);
    let i18n = use_i18n();
    let prefix = RwSignal::new(String::new());
    let suffix = RwSignal::new(String::new());
    let said = RwSignal::new(String::new());
    // Rendered hidden (a button that does nothing without JavaScript); shown once running.
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    #[cfg(feature = "hydrate")]
    let remembered = quote::remember_selections();
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        match remembered.borrow().clone() {
            Some(q) => {
                quote::fill_passage(&q.exact);
                prefix.set(q.prefix);
                suffix.set(q.suffix);
                said.set(t_string!(i18n, quote_done).to_string());
            }
            None => said.set(t_string!(i18n, quote_nothing_selected).to_string()),
        }
    };
    view! {
        <input type="hidden" name="prefix" prop:value=move || prefix.get() />
        <input type="hidden" name="suffix" prop:value=move || suffix.get() />
        <button type="button" class="button button-quiet quote-selection"
            hidden=move || !running.get() on:click=on_click>
            {t_string!(i18n, quote_selection)}
        </button>
        <span class="hint" role="status">{move || said.get()}</span>
    }
}

#[cfg(feature = "hydrate")]
mod quote {
    use crate::domain::anchors::{CONTEXT_CHARS, TextQuote, reading_form};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Keeps the last selection made inside the block's text (a click elsewhere may clear the
    /// selection before the button hears it).
    pub fn remember_selections() -> Rc<RefCell<Option<TextQuote>>> {
        let kept = Rc::new(RefCell::new(None));
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return kept;
        };
        let into = Rc::clone(&kept);
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(quote) = selected_in_block() {
                *into.borrow_mut() = Some(quote);
            }
        });
        let _ = document
            .add_event_listener_with_callback("selectionchange", listener.as_ref().unchecked_ref());
        listener.forget();
        kept
    }

    /// The selection, if it lies inside the block's text: its words and the text around them.
    fn selected_in_block() -> Option<TextQuote> {
        let document = web_sys::window()?.document()?;
        let body = document.get_element_by_id("block-text")?;
        let selection = document.get_selection().ok()??;
        if selection.is_collapsed() || selection.range_count() == 0 {
            return None;
        }
        let range = selection.get_range_at(0).ok()?;
        let inside = |node: Option<web_sys::Node>| body.contains(node.as_ref());
        if !inside(range.start_container().ok()) || !inside(range.end_container().ok()) {
            return None;
        }
        let exact = reading_form(&String::from(selection.to_string()));
        if exact.is_empty() {
            return None;
        }
        let around = document.create_range().ok()?;
        around.select_node_contents(&body).ok()?;
        around
            .set_end(&range.start_container().ok()?, range.start_offset().ok()?)
            .ok()?;
        let before = reading_form(&String::from(around.to_string()));
        around.select_node_contents(&body).ok()?;
        around
            .set_start(&range.end_container().ok()?, range.end_offset().ok()?)
            .ok()?;
        let after = reading_form(&String::from(around.to_string()));
        let prefix: Vec<char> = before.chars().collect();
        let prefix: String = prefix[prefix.len().saturating_sub(CONTEXT_CHARS)..]
            .iter()
            .collect();
        Some(TextQuote {
            exact,
            prefix,
            suffix: after.chars().take(CONTEXT_CHARS).collect(),
        })
    }

    pub fn fill_passage(exact: &str) {
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("comment-passage"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(field) = field {
            field.set_value(exact);
            let _ = field.focus();
        }
    }
}

/// Keeps the page current while others discuss the block: on an event about it (a comment,
/// a reply, a resolution, an amendment, a save) the page is fetched again and the block's
/// text, the threads and the amendments are put in place. A part someone is working in (the
/// keyboard is in it, or a field in it holds typed text) is left alone until the next event.
/// Renders nothing; without JavaScript the page is current when loaded.
#[island]
fn DiscussionLive(lang: Locale, slug: String, block: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    crate::app::islands::live::follow(
        lang,
        &slug,
        move |event| {
            event["block"] == block.as_str()
                && !matches!(event["kind"].as_str(), Some("presence" | "vote"))
        },
        &[
            "block-text",
            "threads-heading",
            "discussion-threads",
            "amendments-heading",
            "discussion-amendments",
        ],
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = (lang, slug, block);
}
