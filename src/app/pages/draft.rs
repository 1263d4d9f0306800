//! The draft workspace: the paper's blocks with their evidence, coverage and warnings; who is
//! here and what each is editing; changes by others appear live (server-sent events).
//! Every action is a form, so the page works without JavaScript (with plain reloads). The page
//! is rendered on the server only; the `DraftLive` island follows the draft's events and
//! replaces the workspace with a fresh rendering, moves blocks dropped by drag and drop, and
//! fetches the parts of a long paper without leaving the page.
use crate::api::blocks::{AddBlock, BlockAction};
use crate::api::papers::workspace_page;
use crate::app::components::coverage_meter::CoverageMeter;
use crate::app::components::fields::textarea_text;
use crate::app::components::labels::{
    block_kind_name, country_label, display_time, evidence_kind_name, paper_status_name,
    stance_name, warning_text,
};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::comments::OpenCount;
use crate::domain::coverage::{BlockKind, Warning};
use crate::domain::papers::{BlockView, PartLink, PresenceView, Workspace, discussion_href};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
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
            let only_open = q.get("open_comments").is_some_and(|v| v == "1");
            (from, q.get("at").unwrap_or_default(), only_open)
        })
    };
    let workspace = {
        let slug = slug.clone();
        Resource::new(part, move |(from, at, only_open)| {
            workspace_with_counts(slug.clone(), from, at, only_open)
        })
    };
    let adder = ServerAction::<AddBlock>::new();
    let actor = ServerAction::<BlockAction>::new();
    let lang = crate::app::islands::page_locale();
    // Who is viewing: the page does not refresh for its own arrival.
    let me = crate::app::components::session::use_session()
        .member()
        .map(|m| m.id)
        .unwrap_or_default();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let (slug, me) = (slug.clone(), me.clone());
                Suspend::new(async move {
                    match workspace.await {
                        Err(error) => view! { <h1>{t!(i18n, paper_unavailable)}</h1> <LoadError error /> }.into_any(),
                        Ok((w, counts, only_open)) => {
                            // The block shown before this part: where a drop at the very top goes.
                            let before = w.before.clone();
                            view! {
                                <crate::app::components::citation_popover::CitationCards lang />
                                <DraftLive slug me />
                                // Filled in by a drag and drop the server refused (the live
                                // part's `dropped`); the words come from here, in the page's language.
                                <div id="move-failed" class="alert alert-error" role="alert" hidden data-message=t_string!(i18n, draft_move_failed)></div>
                                <div id="workspace" data-before=before><WorkspaceView w counts only_open adder actor /></div>
                            }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// The workspace and each block's count of open comment threads (one call for the whole
/// page). With `only_open`, the blocks with open threads, all of them in one list.
async fn workspace_with_counts(
    slug: String,
    from: usize,
    at: String,
    only_open: bool,
) -> Result<(Workspace, Vec<OpenCount>, bool), AppError> {
    let (w, counts) = workspace_page(slug, from, at, only_open).await?;
    Ok((w, counts, only_open))
}

/// The draft's live parts. Renders nothing: it works on the server-rendered workspace (see
/// the module's comment), which is why a page without JavaScript loses nothing but liveness.
#[island]
fn DraftLive(slug: String, me: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    live::start(slug, me);
    #[cfg(not(feature = "hydrate"))]
    let _ = (slug, me);
}

#[cfg(feature = "hydrate")]
mod live {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{DragEvent, Element, Event, MouseEvent};

    const DRAG_TYPE: &str = "application/x-groundwork-block";

    thread_local! {
        /// Bumped by every refresh: an answer that arrives after a newer request is dropped.
        static GENERATION: Cell<u64> = const { Cell::new(0) };
        /// The workspace as the server last rendered it, detached. Fresh renderings are
        /// compared with this, not with the shown elements, which carry what the reader is
        /// doing (a citation's card, a drag): a block changes only when its rendering does.
        static RENDERED: RefCell<Option<Element>> = const { RefCell::new(None) };
    }

    /// A detached deep copy of `element`.
    fn copy(element: &Element) -> Result<Element, JsValue> {
        Ok(element.clone_node_with_deep(true)?.unchecked_into())
    }

    pub fn start(slug: String, me: String) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(shown) = document.get_element_by_id("workspace") {
            RENDERED.with(|r| *r.borrow_mut() = copy(&shown).ok());
        }
        follow_events(&slug, me);
        let dragged = Rc::new(RefCell::new(None::<String>));
        listen(&document, "click", parts_navigation);
        {
            let dragged = Rc::clone(&dragged);
            listen(&document, "dragstart", move |ev| {
                started_dragging(ev, &dragged)
            });
        }
        listen(&document, "dragover", |ev: Event| {
            if closest(&ev, "#workspace li.block").is_some() {
                ev.prevent_default();
            }
        });
        listen(&document, "drop", move |ev| dropped(ev, &slug, &dragged));
        if let Some(window) = web_sys::window() {
            let back = Closure::<dyn FnMut(Event)>::new(|_| refresh(None));
            let _ =
                window.add_event_listener_with_callback("popstate", back.as_ref().unchecked_ref());
            back.forget();
        }
    }

    /// Listens for the page's life (the island lives as long as the page).
    fn listen(document: &web_sys::Document, name: &str, f: impl FnMut(Event) + 'static) {
        let listener = Closure::<dyn FnMut(Event)>::new(f);
        let _ = document.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
        listener.forget();
    }

    fn closest(ev: &Event, selector: &str) -> Option<Element> {
        ev.target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest(selector).ok().flatten())
    }

    /// Others' changes (and presence) come as events; changes in quick succession cause one
    /// refresh.
    fn follow_events(slug: &str, me: String) {
        let Ok(source) = web_sys::EventSource::new(&format!("/papers/{slug}/events")) else {
            return;
        };
        let scheduled = Rc::new(Cell::new(false));
        let on_change =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                // Votes show on the consultation's pages, not in the draft; the viewer's own
                // arrival (the stream announces it as it opens) changes nothing they see, and
                // fetching the whole page again for it cost a slow connection a second page.
                let nothing_to_show = ev
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                    .is_some_and(|e| {
                        e["kind"] == "vote"
                            || (e["kind"] == "presence" && !me.is_empty() && e["member"] == me)
                    });
                if nothing_to_show || scheduled.replace(true) {
                    return;
                }
                let scheduled = Rc::clone(&scheduled);
                leptos::prelude::set_timeout(
                    move || {
                        scheduled.set(false);
                        refresh(None);
                    },
                    std::time::Duration::from_millis(120),
                );
            });
        for name in ["change", "reload"] {
            let _ =
                source.add_event_listener_with_callback(name, on_change.as_ref().unchecked_ref());
        }
        on_change.forget();
        // Open for the page's life; the browser closes it when the page goes.
        std::mem::forget(source);
    }

    /// A link between the parts of a long paper: fetched and shown in place, with the address.
    fn parts_navigation(ev: Event) {
        let Some(link) = closest(&ev, "#workspace nav.parts a") else {
            return;
        };
        let plain_click = ev.dyn_ref::<MouseEvent>().is_some_and(|m| {
            m.button() == 0 && !(m.ctrl_key() || m.meta_key() || m.shift_key() || m.alt_key())
        });
        let Some(href) = link
            .dyn_ref::<web_sys::HtmlAnchorElement>()
            .map(|a| a.href())
        else {
            return;
        };
        if !plain_click {
            return;
        }
        ev.prevent_default();
        refresh(Some(href));
    }

    /// Fetches the page again (or `to`, a part, which then becomes the address) and puts its
    /// workspace in place of this one.
    fn refresh(to: Option<String>) {
        let generation = GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = replace_workspace(to, generation).await {
                web_sys::console::warn_2(
                    &JsValue::from_str("the draft could not be refreshed"),
                    &error,
                );
            }
        });
    }

    async fn replace_workspace(to: Option<String>, generation: u64) -> Result<(), JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let href = match &to {
            Some(href) => href.clone(),
            None => window.location().href()?,
        };
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href))
            .await?
            .dyn_into()?;
        if !response.ok() {
            // Signed out, or the paper is gone: the page itself says what happened.
            return window.location().assign(&href);
        }
        let html = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        if GENERATION.with(Cell::get) != generation {
            return Ok(());
        }
        let fresh = web_sys::DomParser::new()?
            .parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
        let (Some(new), Some(old)) = (
            fresh.get_element_by_id("workspace"),
            document.get_element_by_id("workspace"),
        ) else {
            return window.location().assign(&href);
        };
        // Keep the keyboard where it was when the focused control is still there: found again
        // by its id, or by its block and what it does (a block's buttons have no id, and a
        // refresh may replace the block's element, taking the focus with it).
        let focused = document.active_element().and_then(|e| Focus::of(&e));
        let rendered = RENDERED
            .with(|r| r.borrow_mut().take())
            .unwrap_or_else(|| old.clone());
        let next = copy(&new)?;
        update_workspace(&old, &rendered, &new)?;
        RENDERED.with(|r| *r.borrow_mut() = Some(next));
        if let Some(element) = focused.and_then(|focus| focus.find(&document))
            && let Some(element) = element.dyn_ref::<web_sys::HtmlElement>()
            && document.active_element().as_ref() != Some(element.as_ref())
        {
            let _ = element.focus();
        }
        if to.is_some() {
            window
                .history()?
                .push_state_with_url(&JsValue::NULL, "", Some(&href))?;
            document.set_title(&fresh.title());
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
        Ok(())
    }

    /// Where the keyboard was, found again after the workspace is refreshed: a control by its
    /// id, or a block's button (they have no id) by its block and what it does.
    enum Focus {
        Id(String),
        Button {
            block: String,
            name: String,
            value: String,
        },
    }

    impl Focus {
        fn of(element: &Element) -> Option<Focus> {
            let id = element.id();
            if !id.is_empty() {
                return Some(Focus::Id(id));
            }
            if element.tag_name() != "BUTTON" {
                return None;
            }
            let block = element.closest("li[id^='block-']").ok().flatten()?;
            Some(Focus::Button {
                block: block.id(),
                name: element.get_attribute("name")?,
                value: element.get_attribute("value").unwrap_or_default(),
            })
        }

        fn find(&self, document: &web_sys::Document) -> Option<Element> {
            match self {
                Focus::Id(id) => document.get_element_by_id(id),
                Focus::Button { block, name, value } => {
                    let buttons = document
                        .get_element_by_id(block)?
                        .get_elements_by_tag_name("button");
                    (0..buttons.length())
                        .filter_map(|i| buttons.item(i))
                        .find(|button| {
                            button.get_attribute("name").as_deref() == Some(name.as_str())
                                && button.get_attribute("value").unwrap_or_default() == *value
                        })
                }
            }
        }
    }

    /// The element children of `parent`, in order.
    fn element_children(parent: &Element) -> Vec<Element> {
        let children = parent.children();
        (0..children.length())
            .filter_map(|i| children.item(i))
            .collect()
    }

    /// Brings the shown workspace up to the fresh rendering, touching only what changed since
    /// the last one (`rendered`): a part that differs is replaced, and the blocks are matched
    /// by id, so an unchanged block keeps its element (and whatever the reader is pointing at,
    /// focusing or dragging).
    fn update_workspace(shown: &Element, rendered: &Element, new: &Element) -> Result<(), JsValue> {
        if rendered.outer_html() == new.outer_html() {
            return Ok(());
        }
        shown.set_attribute(
            "data-before",
            &new.get_attribute("data-before").unwrap_or_default(),
        )?;
        let (shown_parts, rendered_parts, new_parts) = (
            element_children(shown),
            element_children(rendered),
            element_children(new),
        );
        if shown_parts.len() != new_parts.len() || rendered_parts.len() != new_parts.len() {
            // Something appeared or went (a notice, the parts of a long paper): all anew.
            shown.set_inner_html(&new.inner_html());
            return Ok(());
        }
        let is_block_list = |e: &Element| e.tag_name() == "OL" && e.class_name() == "blocks";
        for ((shown_part, rendered_part), new_part) in
            shown_parts.iter().zip(&rendered_parts).zip(new_parts)
        {
            if rendered_part.outer_html() == new_part.outer_html() {
                continue;
            }
            if is_block_list(shown_part) && is_block_list(rendered_part) && is_block_list(&new_part)
            {
                update_blocks(shown_part, rendered_part, &new_part)?;
            } else {
                shown_part.replace_with_with_node_1(&new_part)?;
            }
        }
        Ok(())
    }

    /// The blocks, matched by their element's id: unchanged ones stay (moved into place if the
    /// order changed), changed ones are brought up to date in place ([`morph`]), new ones come
    /// from the fresh rendering, gone ones go.
    fn update_blocks(shown: &Element, rendered: &Element, new: &Element) -> Result<(), JsValue> {
        if let Some(start) = new.get_attribute("start") {
            shown.set_attribute("start", &start)?;
        }
        let rendered: std::collections::HashMap<String, Element> = element_children(rendered)
            .into_iter()
            .map(|e| (e.id(), e))
            .collect();
        let mut current: std::collections::HashMap<String, Element> = element_children(shown)
            .into_iter()
            .map(|e| (e.id(), e))
            .collect();
        for (at, fresh) in element_children(new).into_iter().enumerate() {
            let keep = match (current.remove(&fresh.id()), rendered.get(&fresh.id())) {
                (Some(element), Some(before)) => morph(&element, before, &fresh)?,
                (Some(element), None) => {
                    element.remove();
                    fresh
                }
                (None, _) => fresh,
            };
            let here = shown.children().item(at as u32);
            if here.as_ref() != Some(&keep) {
                shown.insert_before(&keep, here.as_ref().map(AsRef::as_ref))?;
            }
        }
        for gone in current.into_values() {
            gone.remove();
        }
        Ok(())
    }

    /// Brings `shown` (rendered as `rendered`) up to `new`, replacing only the smallest parts
    /// that changed, and answers the element now in its place. An element whose tag,
    /// attributes and text are unchanged keeps its node, and its child elements are brought up
    /// to date the same way; anything else that changed is replaced whole. So when someone
    /// starts editing a block, its badge appears while its Edit link, which the reader may be
    /// clicking at that instant, stays the same node (replacing the whole block lost the click).
    fn morph(shown: &Element, rendered: &Element, new: &Element) -> Result<Element, JsValue> {
        if rendered.outer_html() == new.outer_html() {
            return Ok(shown.clone());
        }
        let (shown_nodes, rendered_nodes, new_nodes) =
            (child_nodes(shown), child_nodes(rendered), child_nodes(new));
        let shell = |e: &Element| -> Result<String, JsValue> {
            Ok(e.clone_node()?.unchecked_into::<Element>().outer_html())
        };
        let same_text = |a: &web_sys::Node, b: &web_sys::Node| {
            a.node_type() == b.node_type()
                && (a.node_type() == web_sys::Node::ELEMENT_NODE
                    || a.text_content() == b.text_content())
        };
        let in_place = shell(rendered)? == shell(new)?
            && shown_nodes.len() == new_nodes.len()
            && rendered_nodes.len() == new_nodes.len()
            && rendered_nodes
                .iter()
                .zip(&new_nodes)
                .all(|(r, n)| same_text(r, n))
            && shown_nodes
                .iter()
                .zip(&new_nodes)
                .all(|(s, n)| s.node_type() == n.node_type());
        if !in_place {
            shown.replace_with_with_node_1(new)?;
            return Ok(new.clone());
        }
        for ((shown_child, rendered_child), new_child) in
            shown_nodes.iter().zip(&rendered_nodes).zip(&new_nodes)
        {
            if let (Some(s), Some(r), Some(n)) = (
                shown_child.dyn_ref::<Element>(),
                rendered_child.dyn_ref::<Element>(),
                new_child.dyn_ref::<Element>(),
            ) {
                morph(s, r, n)?;
            }
        }
        Ok(shown.clone())
    }

    /// Every child node of `parent` (elements, text, comments), in order.
    fn child_nodes(parent: &Element) -> Vec<web_sys::Node> {
        let nodes = parent.child_nodes();
        (0..nodes.length()).filter_map(|i| nodes.item(i)).collect()
    }

    /// Puts the dragged block's id on the drag itself (some browsers start no drag without
    /// data), and keeps it here too.
    fn started_dragging(ev: Event, dragged: &RefCell<Option<String>>) {
        let Some(block) = closest(&ev, "#workspace li.block[draggable=true]") else {
            return;
        };
        let id = block.id().trim_start_matches("block-").to_string();
        if let Some(data) = ev.dyn_ref::<DragEvent>().and_then(DragEvent::data_transfer) {
            let _ = data.set_data(DRAG_TYPE, &id);
            data.set_effect_allowed("move");
        }
        *dragged.borrow_mut() = Some(id);
    }

    /// Dropped on a block's upper half: the dragged block goes just before it; lower half:
    /// just after it.
    fn dropped(ev: Event, slug: &str, dragged: &RefCell<Option<String>>) {
        let Some(target) = closest(&ev, "#workspace li.block") else {
            return;
        };
        ev.prevent_default();
        let Some(drag) = ev.dyn_ref::<DragEvent>() else {
            return;
        };
        let moving = drag
            .data_transfer()
            .and_then(|d| d.get_data(DRAG_TYPE).ok())
            .filter(|id| !id.is_empty())
            .or_else(|| dragged.borrow_mut().take());
        let Some(moving) = moving else {
            return;
        };
        let onto = target.id().trim_start_matches("block-").to_string();
        if moving == onto {
            return;
        }
        let rect = target.get_bounding_client_rect();
        let below = f64::from(drag.client_y()) > rect.top() + rect.height() / 2.0;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let order: Vec<String> = document
            .query_selector_all("#workspace li.block")
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i))
                    .filter_map(|n| n.dyn_into::<Element>().ok())
                    .map(|e| e.id().trim_start_matches("block-").to_string())
                    .collect()
            })
            .unwrap_or_default();
        // The block shown before this part of a long paper, for a drop at the very top.
        let before = document
            .get_element_by_id("workspace")
            .and_then(|workspace| workspace.get_attribute("data-before"))
            .unwrap_or_default();
        let after = crate::domain::order::after_for_drop(&order, &moving, &onto, below, &before);
        let slug = slug.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            let moved = crate::api::blocks::move_block(slug, moving, String::new(), after).await;
            show_move_failed(&document, moved.is_err());
            // Refused or not, the workspace shows the order the server has.
            refresh(None);
        });
    }

    /// Says (or stops saying) that a dropped block could not be moved: before this, a refused
    /// drop (signed out, no longer an editor, the block gone) looked like nothing happened.
    fn show_move_failed(document: &web_sys::Document, failed: bool) {
        let Some(alert) = document.get_element_by_id("move-failed") else {
            return;
        };
        // Emptied first and filled a moment later, so a second refusal in a row is announced
        // again (a live region that gets the same text it has says nothing).
        alert.set_text_content(None);
        let _ = alert.toggle_attribute_with_force("hidden", !failed);
        if !failed {
            return;
        }
        let message = alert.get_attribute("data-message").unwrap_or_default();
        let fill = Closure::once_into_js(move || alert.set_text_content(Some(&message)));
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(fill.unchecked_ref(), 50);
        }
    }
}

#[component]
fn WorkspaceView(
    w: Workspace,
    counts: Vec<OpenCount>,
    only_open: bool,
    adder: ServerAction<AddBlock>,
    actor: ServerAction<BlockAction>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The last deletion made here can be undone (until the next action).
    let deleted_by_form = query.with_untracked(|q| q.get("deleted"));
    let imported = query.with_untracked(|q| q.get("imported"));
    let slug = StoredValue::new(w.slug.clone());
    let can_edit = w.can_edit;
    let first = w.first;
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
        <PageTitle text=w.title.clone() />
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
        {deleted_by_form.filter(|_| can_edit).map(undo)}
        {(can_edit && first == 0).then(|| view! { <AddBlockForm slug=w.slug.clone() after=String::new() adder choose_kind=true /> })}
        <p class="filter">
            {if only_open {
                view! { <a href=format!("/papers/{}/draft", w.slug)>{t_string!(i18n, draft_filter_all)}</a> }
            } else {
                view! { <a href=format!("/papers/{}/draft?open_comments=1", w.slug)>{t_string!(i18n, draft_filter_open)}</a> }
            }}
        </p>
        <PartsNav slug=w.slug.clone() parts=w.parts.clone() first total=w.total shown=w.blocks.len() />
        <ol class="blocks" start=first + 1>
            {w.blocks.into_iter().enumerate().map(|(index, block)| {
                let id = block.id.clone();
                let editing: Vec<String> = presence.with_value(|p| p.iter().filter(|x| x.block == id).map(|x| x.name.clone()).collect());
                let kind_class = format!("block block-{}", block.kind.as_str());
                let open = counts.iter().find(|c| c.block == id).map_or(0, |c| c.open);
                view! {
                    <li id=format!("block-{id}") class=kind_class draggable=if can_edit { "true" } else { "false" }>
                        <BlockItem block editing open can_edit slug=slug.get_value() first=first + index == 0 actor />
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
    /// How many open comment threads the block has.
    open: usize,
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
    let discuss_href = discussion_href(&slug, &block.id);
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
        <p class="block-discussion">
            <a href=discuss_href>
                {if open == 0 {
                    t_string!(i18n, draft_discuss).to_string()
                } else {
                    t_string!(i18n, draft_open_comments, count = open).to_string()
                }}
            </a>
        </p>
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

/// Appends the blocks of a Markdown document (pasted) to the draft. Only for those who may
/// change this paper: the form is not shown to anyone whose import would be refused.
#[component]
pub fn DraftImportPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let paper = {
        let slug = slug.clone();
        Resource::new(
            || (),
            move |_| crate::api::blocks::draft_import_form(slug.clone()),
        )
    };
    let import = ServerAction::<crate::api::blocks::ImportMarkdown>::new();
    let error = crate::app::components::alerts::form_error(import.value());
    // A plain form: the server sends the browser back to the draft with the count.
    let back = format!("/papers/{slug}/draft");
    let kept = crate::app::components::alerts::kept("markdown");
    view! {
        <PageTitle text=t_string!(i18n, draft_import).to_string() />
        <p class="breadcrumb"><a href=back>{t!(i18n, block_back)}</a></p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let (slug, kept) = (slug.clone(), kept.clone());
                Suspend::new(async move {
                    match paper.await {
                        Err(error) => view! { <h1>{t!(i18n, draft_import)}</h1> <LoadError error /> }.into_any(),
                        Ok(title) => view! {
                            <h1>{t!(i18n, draft_import)}</h1>
                            <p class="muted">{title}</p>
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
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}
