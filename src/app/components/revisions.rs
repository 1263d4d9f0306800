//! A block's saved texts, newest first, each with what changed from the one before. Members
//! read them on the block's discussion page (what they commented on may be an earlier text);
//! editors see the same list in the block editor, with actions to restore a text.
use crate::api::blocks::RevisionChange;
use crate::app::components::labels::{block_kind_name, display_time};
use crate::domain::coverage::BlockKind;
use crate::domain::papers::{DiffPart, RevisionView};
use crate::i18n::*;
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// A word diff as text: removed words struck through, added words marked.
pub fn diff_view(parts: Vec<DiffPart>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| match part {
            DiffPart::Same(t) => EitherOf3::A(view! { <span>{t}</span> }),
            DiffPart::Removed(t) => EitherOf3::B(view! { <del>{t}</del> }),
            DiffPart::Added(t) => EitherOf3::C(view! { <ins>{t}</ins> }),
        })
        .collect_view()
}

/// "rev 3 · Ana Kovač · 2026-11-20 09:14 UTC · Recommendation".
pub fn revision_line(revision: &RevisionView) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let author = if revision.author.is_empty() {
        t_string!(i18n, history_demo).to_string()
    } else {
        revision.author.clone()
    };
    let kind = revision
        .kind
        .parse::<BlockKind>()
        .map(block_kind_name)
        .unwrap_or_else(|_| revision.kind.clone());
    view! {
        <p>
            <strong>{format!("rev {}", revision.rev)}</strong> " · " {author} " · "
            <time datetime=revision.at.clone()>{display_time(&revision.at)}</time> " · " {kind}
        </p>
    }
}

/// The read-only history: folded away under its count, the newest change open inside.
#[component]
pub fn TextHistory(revisions: Vec<RevisionChange>) -> impl IntoView {
    let i18n = use_i18n();
    let count = revisions.len();
    view! {
        <section class="card text-history" aria-labelledby="text-history-heading">
            <h2 id="text-history-heading">{t_string!(i18n, text_history_heading)}</h2>
            {if revisions.is_empty() {
                leptos::either::Either::Left(view! { <p class="muted">{t_string!(i18n, history_empty)}</p> })
            } else {
                leptos::either::Either::Right(view! {
                    <details id="text-history">
                        <summary>{t_string!(i18n, revisions_heading, count = count)}</summary>
                        <ol class="history-list">
                            {revisions.into_iter().enumerate().map(|(index, change)| view! {
                                <li>
                                    {revision_line(&change.revision)}
                                    <details open=index == 0>
                                        <summary>{t_string!(i18n, revisions_changes)}</summary>
                                        <p class="diff">{diff_view(change.diff)}</p>
                                    </details>
                                </li>
                            }).collect_view()}
                        </ol>
                    </details>
                })
            }}
        </section>
    }
}
