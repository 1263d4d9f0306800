//! Editing one block: its text with a live preview and citation checks, an evidence picker,
//! a conflict view when someone saved first (both texts side by side, nothing lost), and the
//! block's revisions, each compared with the one before and restorable. The editor is an
//! island (the preview, the picker and the conflict view need the browser); without
//! JavaScript it is a plain form.
use crate::api::blocks::{
    BlockVersion, RevisionChange, SaveBlock, block_revisions, current_block, preview_block,
};
use crate::api::evidence::evidence_to_cite;
use crate::app::components::alerts::{FieldError, FormAlert, action_error, posted_error};
use crate::app::components::citation_popover::CitationCards;
use crate::app::components::fields::{came_back_with_error, textarea_text};
use crate::app::components::labels::{block_kind_name, display_time, stance_name};
use crate::app::components::layout::reload_to;
use crate::app::components::page_title::PageTitle;
use crate::app::components::revisions::{diff_view, revision_line};
use crate::app::components::status::LoadError;
use crate::domain::coverage::{BlockKind, Stance};
use crate::domain::papers::BLOCK_TEXT_MAX;
use crate::error::AppError;
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use presence::announce_editing;

#[component]
pub fn BlockEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let (slug, block) = use_params_map().with_untracked(|p| {
        (
            p.get("slug").unwrap_or_default(),
            p.get("block").unwrap_or_default(),
        )
    });
    let current = {
        let (slug, block) = (slug.clone(), block.clone());
        Resource::new(|| (), move |_| current_block(slug.clone(), block.clone()))
    };
    let revisions = {
        let (slug, block) = (slug.clone(), block.clone());
        Resource::new(|| (), move |_| block_revisions(slug.clone(), block.clone()))
    };
    let draft_href = crate::domain::papers::draft_block_href(&slug, &block);
    view! {
        <PageTitle text=t_string!(i18n, block_edit_title).to_string() />
        <p class="breadcrumb"><a href=draft_href>{t!(i18n, block_back)}</a></p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match (current.await, revisions.await) {
                        (Ok(version), Ok(revisions)) => {
                            // After a plain form post came back (a conflict, a problem), what was
                            // typed is in the address: the island gets it, having no router.
                            let came_back = came_back_with_error();
                            let kept = |name: &str| use_query_map().with_untracked(|q| q.get(name));
                            let back = EditorReturn {
                                error: posted_error(),
                                text: came_back.then(|| kept("text").unwrap_or_default()),
                                kind: came_back.then(|| kept("kind")).flatten(),
                            };
                            let lang = crate::app::islands::page_locale();
                            view! {
                                <CitationCards lang />
                                <BlockEditor lang slug version revisions back />
                            }.into_any()
                        }
                        (Err(error), _) | (_, Err(error)) => view! {
                            <h1>{t!(i18n, block_edit_title)}</h1> <LoadError error />
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// What a plain form post that came back with an error left in the page's address.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct EditorReturn {
    error: Option<AppError>,
    text: Option<String>,
    kind: Option<String>,
}

#[island]
fn BlockEditor(
    lang: Locale,
    slug: String,
    version: BlockVersion,
    revisions: Vec<RevisionChange>,
    back: EditorReturn,
) -> impl IntoView {
    crate::app::islands::speak(lang);
    let i18n = use_i18n();
    let save = ServerAction::<SaveBlock>::new();
    let error = action_error(save.value(), back.error);
    // After a conflict (with or without JavaScript) the typed text is shown, not the stored one.
    let text = RwSignal::new(back.text.unwrap_or_else(|| version.text.clone()));
    let kind = RwSignal::new(back.kind.unwrap_or_else(|| version.kind.clone()));
    let conflict = move || matches!(error.get(), Some(AppError::Conflict { .. }));
    // The stored version the next save is based on: after a conflict, the one now stored.
    let base = RwSignal::new(version.clone());
    let stances = RwSignal::new(String::new());
    let slug = StoredValue::new(slug);
    let block_id = StoredValue::new(version.id.clone());
    // With JavaScript the page stays: fetch the version that won, to show it and to base the
    // next save on it (without JavaScript the page reloads with it).
    Effect::new(move |_| {
        if conflict() {
            leptos::task::spawn_local(async move {
                if let Ok(latest) = current_block(slug.get_value(), block_id.get_value()).await {
                    base.try_set(latest);
                }
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            reload_to(&crate::domain::papers::draft_block_href(
                &slug.get_value(),
                &block_id.get_value(),
            ));
        }
    });
    announce_editing(slug.get_value(), block_id.get_value());
    let preview = live_preview(text);
    let textarea: NodeRef<leptos::html::Textarea> = NodeRef::new();
    let author = if version.author.is_empty() {
        t_string!(i18n, history_demo).to_string()
    } else {
        version.author.clone()
    };

    view! {
        <h1>{t!(i18n, block_edit_title)}</h1>
        <p class="muted">{t!(i18n, block_edit_meta, rev = move || version.rev, author = move || author.clone(), at = move || display_time(&version.updated_at))}</p>
        // A conflict has its own explanation below, with both versions.
        {move || (!conflict()).then(|| view! { <FormAlert error fields=&["text"] /> })}
        {move || conflict().then(|| view! {
            <section class="conflict card" aria-labelledby="conflict-heading">
                <h2 id="conflict-heading">{t!(i18n, conflict_heading)}</h2>
                <p>{t!(i18n, conflict_explain)}</p>
                <div class="grid-2">
                    <div>
                        <h3>{move || {
                            let theirs = base.get();
                            t_string!(i18n, conflict_theirs, author = theirs.author, rev = theirs.rev).to_string()
                        }}</h3>
                        <pre class="conflict-text">{move || base.get().text}</pre>
                        <button type="button" class="button button-quiet" on:click=move |_| text.set(base.get_untracked().text)>
                            {t!(i18n, conflict_use_theirs)}
                        </button>
                    </div>
                    <div>
                        <h3>{t!(i18n, conflict_yours)}</h3>
                        <p class="hint">{t!(i18n, conflict_yours_hint)}</p>
                    </div>
                </div>
            </section>
        })}
        <div class="editor-grid">
            <ActionForm action=save attr:class="form card block-form">
                <input type="hidden" name="slug" value=slug.get_value() />
                <input type="hidden" name="block" value=block_id.get_value() />
                <input type="hidden" name="rev" value=move || base.get().rev.to_string() />
                <input type="hidden" name="stances" value=move || stances.get() />
                <div class="field">
                    <label for="kind">{t!(i18n, block_kind)}</label>
                    <select id="kind" name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {BlockKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=kind.get_untracked() == k.as_str()>{block_kind_name(*k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="text">{t!(i18n, block_text_label)}</label>
                    <p class="hint" id="text-hint">{t!(i18n, block_text_hint)}</p>
                    <textarea id="text" name="text" rows="12" maxlength=BLOCK_TEXT_MAX.to_string()
                        node_ref=textarea
                        aria-describedby="text-hint text-error"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))>
                        {textarea_text(text.get_untracked())}
                    </textarea>
                    <FieldError error field="text" />
                </div>
                <p class="actions">
                    <button type="submit" class="button" disabled=move || save.pending().get()>{t!(i18n, block_save)}</button>
                </p>
            </ActionForm>
            <aside class="editor-side">
                <section class="card preview" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">{t!(i18n, block_preview)}</h2>
                    {move || match preview.get() {
                        None => Either::Left(view! { <p class="muted small">{t!(i18n, block_preview_js)}</p> }),
                        Some(p) => Either::Right(view! {
                            {(!p.unknown.is_empty()).then(|| {
                                let keys = p.unknown.join(", ");
                                view! { <p class="field-error" role="alert">{t!(i18n, warning_unknown_keys, keys = move || keys.clone())}</p> }
                            })}
                            {(!p.malformed.is_empty()).then(|| {
                                let at = p.malformed.join("; ");
                                view! { <p class="field-error" role="alert">{t!(i18n, citation_malformed, at = move || at.clone())}</p> }
                            })}
                            <div class="prose" inner_html=p.html></div>
                        }),
                    }}
                </section>
                <EvidencePicker text stances textarea />
            </aside>
        </div>
        <Revisions revisions slug=slug.get_value() block=block_id.get_value() base text />
    }
}

/// Tells the others which block this member is editing, and that they left it. Only with
/// JavaScript: a page rendered on the server has no one to leave it.
#[cfg(feature = "hydrate")]
mod presence {
    use leptos::prelude::*;

    pub fn announce_editing(slug: String, block: String) {
        let (s, b) = (slug.clone(), block);
        leptos::task::spawn_local(async move {
            let _ = crate::api::blocks::set_editing(s, b).await;
        });
        on_cleanup(move || {
            leptos::task::spawn_local(async move {
                let _ = crate::api::blocks::set_editing(slug, String::new()).await;
            });
        });
    }
}

#[cfg(not(feature = "hydrate"))]
mod presence {
    pub fn announce_editing(_: String, _: String) {}
}

/// The rendered text and its citation problems, fetched a moment after typing stops.
fn live_preview(text: RwSignal<String>) -> RwSignal<Option<crate::api::blocks::Preview>> {
    let preview = RwSignal::new(None);
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let current = text.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                // The page may have gone meanwhile (then the values are disposed).
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(p) = preview_block(current).await
                        && generation.try_get_value() == Some(mine)
                    {
                        preview.try_set(Some(p));
                    }
                });
            },
            std::time::Duration::from_millis(350),
        );
    });
    preview
}

/// Search the library and insert a citation at the cursor, with a stance.
#[component]
fn EvidencePicker(
    text: RwSignal<String>,
    stances: RwSignal<String>,
    textarea: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let stance = RwSignal::new(Stance::Supports);
    // Searched in the browser only (effects do not run on the server).
    let results = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        let q = query.get();
        if q.trim().chars().count() < 2 {
            results.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(found) = evidence_to_cite(q).await {
                results.set(found);
            }
        });
    });
    let insert = move |key: String| {
        let citation = format!("[@{key}]");
        let current = text.get_untracked();
        let at = textarea
            .get_untracked()
            .and_then(|t| t.selection_start().ok().flatten())
            .map(|utf16| utf16_to_byte(&current, utf16 as usize))
            .unwrap_or(current.len());
        let mut updated = current.clone();
        updated.insert_str(at, &citation);
        text.set(updated);
        let chosen = stance.get_untracked();
        if chosen != Stance::Supports {
            stances.update(|s| {
                if !s.is_empty() {
                    s.push(',');
                }
                s.push_str(&format!("{key}={}", chosen.as_str()));
            });
        }
    };
    view! {
        <section class="card picker" aria-labelledby="picker-heading">
            <h2 id="picker-heading">{t!(i18n, picker_heading)}</h2>
            <div class="field">
                <label for="picker-q">{t!(i18n, picker_search)}</label>
                <input id="picker-q" type="search" maxlength="200"
                    on:input=move |ev| query.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="picker-stance">{t!(i18n, picker_stance)}</label>
                <select id="picker-stance" on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() { stance.set(s) }
                }>
                    {Stance::ALL.iter().map(|s| view! { <option value=s.as_str()>{stance_name(*s)}</option> }).collect_view()}
                </select>
            </div>
            <p class="hint">{t!(i18n, picker_hint)}</p>
            <ul class="picker-results" aria-live="polite">
                {move || results.get().into_iter().map(|item| {
                    let key = item.key.clone();
                    let snippet = item.snippet;
                    view! {
                        <li>
                            <code>{item.key.clone()}</code> " " <span class="muted small">{snippet}</span>
                            <button type="button" class="button button-small" on:click=move |_| insert(key.clone())>
                                {t!(i18n, picker_insert)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A textarea's cursor (UTF-16 units) as a byte offset into the Rust string.
fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= utf16 {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[component]
fn Revisions(
    revisions: Vec<RevisionChange>,
    slug: String,
    block: String,
    base: RwSignal<BlockVersion>,
    text: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let restore = ServerAction::<SaveBlock>::new();
    let back = crate::domain::papers::draft_block_href(&slug, &block);
    Effect::new(move |_| {
        if let Some(Ok(_)) = restore.value().get() {
            reload_to(&back);
        }
    });
    let count = revisions.len();
    view! {
        <section class="revisions" aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">{t!(i18n, revisions_heading, count = move || count)}</h2>
            <ol class="history-list">
                {revisions.into_iter().enumerate().map(|(index, change)| {
                    let (slug, block) = (slug.clone(), block.clone());
                    let r = change.revision;
                    let old_text = r.text.clone();
                    let fill = old_text.clone();
                    view! {
                        <li>
                            {revision_line(&r)}
                            <details open=index == 0>
                                <summary>{t!(i18n, revisions_changes)}</summary>
                                <p class="diff">{diff_view(change.diff)}</p>
                            </details>
                            {(index > 0).then(|| view! {
                                <div class="actions">
                                    <button type="button" class="button button-small button-quiet"
                                        on:click=move |_| text.set(fill.clone())>{t!(i18n, revisions_load)}</button>
                                    <ActionForm action=restore attr:class="inline-form">
                                        <input type="hidden" name="slug" value=slug.clone() />
                                        <input type="hidden" name="block" value=block.clone() />
                                        <input type="hidden" name="rev" value=move || base.get().rev.to_string() />
                                        <input type="hidden" name="kind" value=r.kind.clone() />
                                        <input type="hidden" name="text" value=old_text.clone() />
                                        <button type="submit" class="button button-small">{t!(i18n, revisions_restore)}</button>
                                    </ActionForm>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
