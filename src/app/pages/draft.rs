//! The draft workspace: the paper's blocks with their evidence, coverage and warnings; who is
//! here and what each is editing; changes by others appear live (server-sent events).
//! Every action is a form, so the page works without JavaScript (with plain reloads).
use crate::api::blocks::{AddBlock, BlockAction, MoveBlock};
use crate::api::papers::draft_workspace;
use crate::app::components::coverage_meter::CoverageMeter;
use crate::app::components::fields::textarea_text;
use crate::app::components::labels::{
    block_kind_name, country_label, display_time, evidence_kind_name, paper_status_name,
    stance_name, warning_text,
};
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::coverage::{BlockKind, Warning};
use crate::domain::papers::{BlockView, PartLink, PresenceView, Workspace};
use crate::i18n::*;
use browser::{dragged_block, live_updates, lower_half, started_dragging};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Serious warnings (the claim is not backed, or cites what it must not) read as errors.
fn is_serious(warning: &Warning) -> bool {
    matches!(
        warning,
        Warning::Unsupported
            | Warning::ConsentWithdrawn { .. }
            | Warning::UnknownKeys { .. }
            | Warning::OnlyContradicts
    )
}

#[component]
pub fn DraftPage() -> impl IntoView {
    let i18n = use_i18n();
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    // Long papers are shown a part at a time: `from` (a block index) or `at` (a block id).
    let query = use_query_map();
    let part = move || {
        query.with(|q| {
            let from = q
                .get("from")
                .and_then(|f| f.parse::<usize>().ok())
                .unwrap_or(0);
            (from, q.get("at").unwrap_or_default())
        })
    };
    let workspace = {
        let slug = slug.clone();
        Resource::new(part, move |(from, at)| {
            draft_workspace(slug.clone(), from, at)
        })
    };
    let adder = ServerAction::<AddBlock>::new();
    let mover = ServerAction::<MoveBlock>::new();
    let actor = ServerAction::<BlockAction>::new();
    // The block being dragged lives here, not in the workspace's view: others' changes
    // re-render that view, and a drag under way must survive it.
    let dragged = RwSignal::new(None::<String>);
    // Any change made here refreshes the page's data (others' changes arrive as events).
    Effect::new(move |_| {
        let (a, m, b) = (
            adder.version().get(),
            mover.version().get(),
            actor.version().get(),
        );
        if a + m + b > 0 {
            workspace.refetch();
        }
    });
    live_updates(slug.clone(), workspace);
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match workspace.await {
                    Err(error) => view! { <h1>{t!(i18n, paper_unavailable)}</h1> <LoadError error /> }.into_any(),
                    Ok(w) => view! { <WorkspaceView w adder mover actor dragged /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the draft does only with JavaScript: follow others' changes, and tell where a dragged
/// block was dropped. Without it (and while rendering on the server) the page works by plain
/// reloads and forms, so there these do nothing.
#[cfg(feature = "hydrate")]
mod browser {
    use crate::domain::papers::Workspace;
    use crate::error::AppError;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Listens to the draft's event stream and reloads the data when someone changes it
    /// (changes in quick succession cause one reload).
    pub fn live_updates(slug: String, workspace: Resource<Result<Workspace, AppError>>) {
        let Ok(source) = web_sys::EventSource::new(&format!("/papers/{slug}/events")) else {
            return;
        };
        let scheduled = RwSignal::new(false);
        let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            if scheduled.get_untracked() {
                return;
            }
            scheduled.set(true);
            set_timeout(
                move || {
                    scheduled.set(false);
                    workspace.refetch();
                },
                std::time::Duration::from_millis(120),
            );
        });
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        let _ =
            source.add_event_listener_with_callback("reload", on_change.as_ref().unchecked_ref());
        on_change.forget();
        // Closed when the page goes (the browser would otherwise keep it open).
        let source = StoredValue::new_local(source);
        on_cleanup(move || source.with_value(|s| s.close()));
    }

    /// Puts the dragged block's id on the drag itself (some browsers start no drag without
    /// data), so the drop finds it whatever was re-rendered in between.
    pub fn started_dragging(ev: &leptos::ev::DragEvent, block: &str) {
        if let Some(data) = ev.data_transfer() {
            let _ = data.set_data(DRAG_TYPE, block);
            data.set_effect_allowed("move");
        }
    }

    /// The id of the block dropped, if the drag came from this page.
    pub fn dragged_block(ev: &leptos::ev::DragEvent) -> Option<String> {
        ev.data_transfer()
            .and_then(|data| data.get_data(DRAG_TYPE).ok())
            .filter(|id| !id.is_empty())
    }

    const DRAG_TYPE: &str = "application/x-groundwork-block";

    /// Was the drop in the lower half of the element it landed on?
    pub fn lower_half(ev: &leptos::ev::DragEvent) -> bool {
        // Leptos delegates events to the document: the block is found from the drop's target.
        if let Some(element) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("li.block").ok().flatten())
        {
            let rect = element.get_bounding_client_rect();
            return f64::from(ev.client_y()) > rect.top() + rect.height() / 2.0;
        }
        false
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use crate::domain::papers::Workspace;
    use crate::error::AppError;
    use leptos::prelude::*;

    pub fn live_updates(_: String, _: Resource<Result<Workspace, AppError>>) {}

    pub fn lower_half(_: &leptos::ev::DragEvent) -> bool {
        false
    }

    pub fn started_dragging(_: &leptos::ev::DragEvent, _: &str) {}

    pub fn dragged_block(_: &leptos::ev::DragEvent) -> Option<String> {
        None
    }
}

#[component]
fn WorkspaceView(
    w: Workspace,
    adder: ServerAction<AddBlock>,
    mover: ServerAction<MoveBlock>,
    actor: ServerAction<BlockAction>,
    dragged: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The last deletion made here can be undone (until the next action).
    let deleted_here = move || {
        actor
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|done| done.op == "delete")
            .map(|done| done.block)
    };
    let deleted_by_form = query.with_untracked(|q| q.get("deleted"));
    let imported = query.with_untracked(|q| q.get("imported"));
    let slug = StoredValue::new(w.slug.clone());
    let can_edit = w.can_edit;
    let first = w.first;
    let before = StoredValue::new(w.before.clone());
    let order: Vec<String> = w.blocks.iter().map(|b| b.id.clone()).collect();
    let order = StoredValue::new(order);
    let presence = StoredValue::new(w.presence.clone());
    let undo = move |block: String| {
        view! {
            <div class="alert alert-ok toast" role="status">
                {t!(i18n, block_deleted)} " "
                <ActionForm action=actor attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug.get_value() />
                    <input type="hidden" name="block" value=block />
                    <button type="submit" name="op" value="restore" class="button button-small">{t!(i18n, block_undo)}</button>
                </ActionForm>
            </div>
        }
    };
    view! {
        <Title text=w.title.clone() />
        <p class="breadcrumb"><a href="/papers">{t!(i18n, papers_back)}</a></p>
        <header class="draft-head">
            <p class="eyebrow"><span class=format!("badge status-{}", w.status)>{paper_status_name(&w.status)}</span></p>
            <h1>{w.title.clone()}</h1>
            <div class="prose" inner_html=w.summary_html.clone()></div>
            <div class="draft-meta">
                <CoverageMeter supported=w.supported total=w.needing_support />
                <Presence people=w.presence.clone() />
            </div>
            <p class="actions">
                <a class="button button-quiet" href=format!("/papers/{}/draft.md", w.slug) download>{t!(i18n, draft_export)}</a>
                {can_edit.then(|| view! {
                    <a class="button button-quiet" href=format!("/papers/{}/draft/import", w.slug)>{t!(i18n, draft_import)}</a>
                })}
                {can_edit.then(|| view! { <a class="button button-quiet" href=format!("/papers/{}/editors", w.slug)>{t!(i18n, draft_editors)}</a> })}
                <a class="button button-quiet" href=format!("/papers/{}/consultation", w.slug)>{t!(i18n, draft_consultation)}</a>
                {can_edit.then(|| view! { <a class="button button-quiet" href=format!("/papers/{}/publish", w.slug)>{t!(i18n, publish_link)}</a> })}
                {(w.status == "published").then(|| view! { <a class="button button-quiet" href=format!("/papers/{}", w.slug) rel="external">{t!(i18n, publish_read)}</a> })}
            </p>
        </header>
        {imported.map(|n| view! { <div class="alert alert-ok" role="status">{t!(i18n, draft_imported, count = move || n.clone())}</div> })}
        {move || deleted_here().or_else(|| deleted_by_form.clone()).filter(|_| can_edit).map(undo)}
        {(can_edit && first == 0).then(|| view! { <AddBlockForm slug=w.slug.clone() after=String::new() adder choose_kind=true /> })}
        <PartsNav slug=w.slug.clone() parts=w.parts.clone() first total=w.total shown=w.blocks.len() />
        <ol class="blocks" start=first + 1>
            {w.blocks.into_iter().enumerate().map(|(index, block)| {
                let id = block.id.clone();
                let editing: Vec<String> = presence.with_value(|p| p.iter().filter(|x| x.block == id).map(|x| x.name.clone()).collect());
                let drop_target = id.clone();
                let on_drop = move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some(moving) = dragged_block(&ev).or_else(|| dragged.get_untracked()) {
                        dragged.set(None);
                        if moving == drop_target {
                            return;
                        }
                        // Dropped on a block's upper half: goes just before it; lower half: after.
                        let below = lower_half(&ev);
                        let after = order.with_value(|o| {
                            let at = o.iter().position(|b| *b == drop_target).unwrap_or(0);
                            if below {
                                return drop_target.clone();
                            }
                            o.iter()
                                .take(at)
                                .rfind(|b| **b != moving)
                                .cloned()
                                .unwrap_or_else(|| before.get_value())
                        });
                        mover.dispatch(MoveBlock { slug: slug.get_value(), block: moving, direction: String::new(), after });
                    }
                };
                let drag_id = id.clone();
                let kind_class = format!("block block-{}", block.kind.as_str());
                view! {
                    <li id=format!("block-{id}") class=kind_class
                        draggable=if can_edit { "true" } else { "false" }
                        on:dragstart=move |ev: leptos::ev::DragEvent| {
                            started_dragging(&ev, &drag_id);
                            dragged.set(Some(drag_id.clone()));
                        }
                        on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                        on:drop=on_drop>
                        <BlockItem block editing can_edit slug=slug.get_value() first=first + index == 0 actor />
                    </li>
                }
            }).collect_view()}
        </ol>
        <PartsNav slug=slug.get_value() parts=w.parts first total=w.total shown=order.with_value(Vec::len) at_end=true />
    }
}

/// Where the reader is in a long paper and the way to its other parts (nothing for a paper
/// that fits in one part). Links, so they work without JavaScript; with it, the router fetches
/// the part without reloading the page.
#[component]
fn PartsNav(
    slug: String,
    parts: Vec<PartLink>,
    first: usize,
    total: usize,
    shown: usize,
    #[prop(optional)] at_end: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if parts.is_empty() {
        return ().into_any();
    }
    let to = first + shown;
    let here = parts.iter().position(|p| p.from == first).unwrap_or(0);
    let next = parts.get(here + 1).cloned();
    let previous = here.checked_sub(1).and_then(|i| parts.get(i)).cloned();
    let (from_label, to_label) = (first + 1, to);
    let label = if at_end { "parts-end" } else { "parts" };
    view! {
        <nav class="parts" aria-labelledby=label>
            <p id=label class="muted small">
                {t!(i18n, draft_part_showing, from = move || from_label, to = move || to_label, total = move || total)}
            </p>
            {if at_end {
                view! {
                    <p class="actions">
                        {previous.map(|p| {
                            let (a, b) = (p.from + 1, p.to);
                            view! { <a class="button button-quiet" href=format!("/papers/{slug}/draft?from={}", p.from)>{t!(i18n, draft_part_previous, from = move || a, to = move || b)}</a> }
                        })}
                        {next.map(|p| {
                            let (a, b) = (p.from + 1, p.to);
                            view! { <a class="button" href=format!("/papers/{slug}/draft?from={}", p.from)>{t!(i18n, draft_part_next, from = move || a, to = move || b)}</a> }
                        })}
                    </p>
                }.into_any()
            } else {
                view! {
                    <ol class="part-list">
                        {parts.into_iter().map(|p| {
                            let (a, b) = (p.from + 1, p.to);
                            let current = p.from == first;
                            view! {
                                <li>
                                    <a href=format!("/papers/{slug}/draft?from={}", p.from) aria-current=current.then_some("page")>
                                        {t!(i18n, draft_part_link, from = move || a, to = move || b)}
                                    </a>
                                    {(!p.heading.is_empty()).then(|| view! { " " <span class="muted">{p.heading}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </nav>
    }
    .into_any()
}

#[component]
fn Presence(people: Vec<PresenceView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="presence" aria-live="polite">
            {if people.is_empty() {
                ().into_any()
            } else {
                view! {
                    <span class="muted">{t!(i18n, presence_here)}</span> " "
                    {people.into_iter().map(|p| view! { <span class="person">{p.name}</span> }).collect_view()}
                }.into_any()
            }}
        </p>
    }
}

/// Adds a block after `after` (empty: at the top). At the top the kind is chosen here; after
/// a block it is a text block (the editor that opens can change its kind), which keeps the
/// page light for long papers.
#[component]
fn AddBlockForm(
    slug: String,
    after: String,
    adder: ServerAction<AddBlock>,
    #[prop(optional)] choose_kind: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=adder attr:class="add-block">
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="after" value=after />
            {if choose_kind {
                view! {
                    <label for="add-kind" class="visually-hidden">{t!(i18n, block_add_kind)}</label>
                    <select id="add-kind" name="kind">
                        {BlockKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=*k == BlockKind::Text>{block_kind_name(*k)}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button button-small button-quiet">{t!(i18n, block_add)}</button>
                }.into_any()
            } else {
                view! {
                    <input type="hidden" name="kind" value="text" />
                    <button type="submit" class="button button-small button-quiet">{t!(i18n, block_add_below)}</button>
                }.into_any()
            }}
        </ActionForm>
    }
}

#[component]
fn BlockItem(
    block: BlockView,
    editing: Vec<String>,
    can_edit: bool,
    slug: String,
    first: bool,
    actor: ServerAction<BlockAction>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = match block.number {
        Some(n) => format!("R{n}"),
        None => String::new(),
    };
    let edit_href = format!("/papers/{slug}/draft/blocks/{}", block.id);
    let cited_count = block.cited.len();
    let empty = block.empty;
    let id = block.id.clone();
    view! {
        <div class="block-head">
            <span class=format!("kind kind-{}", block.kind.as_str())>{block_kind_name(block.kind)}</span>
            {(!label.is_empty()).then(|| view! { <strong class="rec-number">{label.clone()}</strong> })}
            {(!editing.is_empty()).then(|| view! {
                <span class="badge editing">{t!(i18n, presence_editing, names = move || editing.join(", "))}</span>
            })}
            <span class="muted small block-by">{if block.author.is_empty() {
                display_time(&block.updated_at)
            } else {
                format!("{} · {}", block.author, display_time(&block.updated_at))
            }}</span>
        </div>
        {if empty {
            view! { <p class="muted">{t!(i18n, block_empty)}</p> }.into_any()
        } else {
            view! { <div class="block-body prose" inner_html=block.html.clone()></div> }.into_any()
        }}
        {(!block.warnings.is_empty()).then(|| view! {
            <ul class="warnings">
                {block.warnings.iter().map(|w| view! {
                    <li class=if is_serious(w) { "warning warning-serious" } else { "warning" }>{warning_text(w)}</li>
                }).collect_view()}
            </ul>
        })}
        {(cited_count > 0).then(|| view! {
            <details class="cited">
                <summary>{t!(i18n, block_cited, count = move || cited_count)}</summary>
                <ul>
                    {block.cited.into_iter().map(|c| view! {
                        <li class="cited-card">
                            <a href=format!("/evidence/{}", c.key)><code>{c.key.clone()}</code></a>
                            " · " {evidence_kind_name(&c.kind)} " · " {country_label(&c.country)} " · " {c.collected_on.clone()}
                            " · " {stance_name(c.stance)}
                            {(c.consent == "withdrawn").then(|| view! { " " <span class="badge badge-danger">{t!(i18n, consent_withdrawn)}</span> })}
                            {(c.visibility == "members").then(|| view! { " " <span class="badge">{t!(i18n, visibility_members)}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        })}
        // One form for the block's actions: the pressed button's value says which.
        {can_edit.then(|| view! {
            <div class="block-actions">
                <a class="button button-small" href=edit_href.clone()>{t!(i18n, block_edit)}</a>
                <ActionForm action=actor attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="block" value=id.clone() />
                    <button type="submit" name="op" value="up" class="button button-small button-quiet" disabled=first>{t!(i18n, block_move_up)}</button>
                    <button type="submit" name="op" value="down" class="button button-small button-quiet">{t!(i18n, block_move_down)}</button>
                    <button type="submit" name="op" value="delete" class="button button-small button-quiet">{t!(i18n, block_delete)}</button>
                    <button type="submit" name="op" value="add" class="button button-small button-quiet">{t!(i18n, block_add_below)}</button>
                </ActionForm>
            </div>
        })}
    }
}

/// Appends the blocks of a Markdown document (pasted) to the draft.
#[component]
pub fn DraftImportPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let import = ServerAction::<crate::api::blocks::ImportMarkdown>::new();
    let error = crate::app::components::alerts::form_error(import.value());
    let navigate = leptos_router::hooks::use_navigate();
    let back = format!("/papers/{slug}/draft");
    {
        let back = back.clone();
        Effect::new(move |_| {
            if let Some(Ok(n)) = import.value().get() {
                navigate(&format!("{back}?imported={n}"), Default::default());
            }
        });
    }
    let kept = crate::app::components::alerts::kept("markdown");
    view! {
        <Title text=move || t_string!(i18n, draft_import).to_string() />
        <p class="breadcrumb"><a href=back>{t!(i18n, block_back)}</a></p>
        <h1>{t!(i18n, draft_import)}</h1>
        <p class="lead">{t!(i18n, draft_import_intro)}</p>
        <crate::app::components::alerts::FormAlert error />
        <ActionForm action=import attr:class="form card">
            <input type="hidden" name="slug" value=slug />
            <div class="field">
                <label for="markdown">{t!(i18n, draft_import_label)}</label>
                <p class="hint" id="markdown-hint">{t!(i18n, draft_import_hint)}</p>
                <textarea id="markdown" name="markdown" rows="18" aria-describedby="markdown-hint">{textarea_text(kept)}</textarea>
            </div>
            <p class="actions">
                <button type="submit" class="button" disabled=move || import.pending().get()>{t!(i18n, draft_import_submit)}</button>
            </p>
        </ActionForm>
    }
    .into_any()
}
