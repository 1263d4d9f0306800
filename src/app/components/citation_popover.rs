//! The card a citation (`a.cite`, in rendered block HTML) shows while hovered or focused,
//! with JavaScript: the finding in brief, fetched once per key and kept for the page's life.
//! One delegated listener set on the document serves every citation on every page, including
//! HTML inserted later (the editor's preview). Without JavaScript citations stay plain links.
use crate::api::evidence_card::EvidenceCardView;
use crate::app::components::evidence_card::{UsageFlags, format_value};
use crate::app::components::labels::{country_label, evidence_kind_name};
use crate::i18n::*;
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

/// The card's id: the citation it describes points at it with `aria-describedby`.
pub const CARD_ID: &str = "citation-card";

/// Room kept for the card at the right edge of the page, in CSS pixels (its width is 22rem).
#[cfg(feature = "hydrate")]
const CARD_ROOM: i32 = 360;

/// A short pause before the card goes once the pointer leaves, so it can move onto the card.
#[cfg(feature = "hydrate")]
const HIDE_AFTER_MS: u64 = 150;

// Built only by the browser's listeners; the server renders no card.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum CardState {
    Loading,
    Ready(Box<EvidenceCardView>),
    /// The finding does not exist, or this reader may not see it.
    Unavailable,
    /// The request failed (network): not kept, the next hover asks again.
    Failed,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    key: String,
    /// Where the card goes, in page coordinates (CSS pixels).
    top: i32,
    left: i32,
    state: CardState,
}

/// Placed once on each page that shows citations (the draft, the block editor, the
/// consultation); an island, so a page without citations loads no WASM for it.
#[island]
pub fn CitationCards(lang: Locale) -> impl IntoView {
    crate::app::islands::speak(lang);
    let shown = RwSignal::new(None::<Shown>);
    #[cfg(feature = "hydrate")]
    listen(shown);
    move || shown.get().map(|shown| view! { <CitationCard shown /> })
}

#[component]
fn CitationCard(shown: Shown) -> impl IntoView {
    let i18n = use_i18n();
    // Set property by property (through the CSSOM), not as a `style` attribute, which the
    // Content-Security-Policy (`style-src 'self'`) refuses.
    let (top, left) = (format!("{}px", shown.top), format!("{}px", shown.left));
    let body = match shown.state {
        CardState::Loading => {
            EitherOf4::A(view! { <p class="muted">{t!(i18n, citation_card_loading)}</p> })
        }
        CardState::Unavailable => {
            EitherOf4::B(view! { <p>{t!(i18n, citation_card_unavailable)}</p> })
        }
        CardState::Failed => EitherOf4::C(view! { <p>{t!(i18n, citation_card_failed)}</p> }),
        CardState::Ready(card) => {
            let value = card.value.map(|v| format_value(v, &card.unit));
            let quoted = card.kind == "testimony";
            EitherOf4::D(view! {
                <p class="citation-card-head">
                    <span class=format!("kind kind-{}", card.kind)>{evidence_kind_name(&card.kind)}</span>
                    <UsageFlags consent=card.consent.clone() visibility=card.visibility.clone() />
                </p>
                {value.map(|v| view! { <p class="evidence-value">{v}</p> })}
                <p class="citation-card-text">
                    {if quoted {
                        Either::Left(view! { <q>{card.text.clone()}</q> })
                    } else {
                        Either::Right(card.text.clone())
                    }}
                </p>
                <p class="small muted">
                    {country_label(&card.country)} " · " {card.collected_on.clone()} " · "
                    {t!(i18n, field_assessment)} ": " {card.assessment.clone()}
                </p>
            })
        }
    };
    view! {
        <div id=CARD_ID class="citation-card" role="tooltip" style:top=top style:left=left data-key=shown.key>
            {body}
        </div>
    }
}

/// The document-wide listeners: hover and keyboard focus show the card, leaving hides it,
/// Escape dismisses it. Removed again when the island goes.
#[cfg(feature = "hydrate")]
fn listen(shown: RwSignal<Option<Shown>>) {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Element, Event, EventTarget, HtmlElement, KeyboardEvent, MouseEvent};

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };

    /// What the listeners share (one browser thread, so plain `Rc`s).
    struct Popover {
        document: web_sys::Document,
        shown: RwSignal<Option<Shown>>,
        /// Per key, for the page's life: a card, "not available", or a request under way.
        cache: RefCell<HashMap<String, CardState>>,
        /// The citation the card describes now.
        anchor: RefCell<Option<Element>>,
        /// Bumped by every show and hide: a delayed hide only runs if nothing happened since.
        generation: Cell<u64>,
    }

    impl Popover {
        fn show(self: &Rc<Self>, link: Element) {
            self.generation.set(self.generation.get() + 1);
            let Some(key) = link
                .get_attribute("href")
                .and_then(|href| href.strip_prefix("/evidence/").map(str::to_string))
                .map(|key| key.split(['?', '#']).next().unwrap_or_default().to_string())
                .filter(|key| !key.is_empty())
            else {
                return;
            };
            let same = self.anchor.borrow().as_ref() == Some(&link);
            if same && self.shown.with_untracked(Option::is_some) {
                return;
            }
            self.forget_anchor();
            let _ = link.set_attribute("aria-describedby", CARD_ID);
            let (top, left) = self.place(&link);
            *self.anchor.borrow_mut() = Some(link);
            let cached = self.cache.borrow().get(&key).cloned();
            let state = match cached {
                Some(state) => state,
                None => {
                    self.fetch(key.clone());
                    CardState::Loading
                }
            };
            self.shown.set(Some(Shown {
                key,
                top,
                left,
                state,
            }));
        }

        /// Just below the citation, kept inside the page's width.
        fn place(&self, link: &Element) -> (i32, i32) {
            let Some(mut element) = link.dyn_ref::<HtmlElement>().cloned() else {
                return (0, 0);
            };
            let mut top = element.offset_top() + element.offset_height() + 4;
            let mut left = element.offset_left();
            while let Some(parent) = element
                .offset_parent()
                .and_then(|p| p.dyn_into::<HtmlElement>().ok())
            {
                top += parent.offset_top();
                left += parent.offset_left();
                element = parent;
            }
            let width = self
                .document
                .document_element()
                .map(|root| root.client_width())
                .unwrap_or(CARD_ROOM);
            (top, left.min(width - CARD_ROOM).max(8))
        }

        fn fetch(self: &Rc<Self>, key: String) {
            self.cache
                .borrow_mut()
                .insert(key.clone(), CardState::Loading);
            let this = Rc::clone(self);
            leptos::task::spawn_local(async move {
                use crate::error::AppError;
                let state = match crate::api::evidence_card::evidence_card(key.clone()).await {
                    Ok(card) => CardState::Ready(Box::new(card)),
                    Err(AppError::NotFound | AppError::Forbidden | AppError::Unauthorized) => {
                        CardState::Unavailable
                    }
                    Err(_) => CardState::Failed,
                };
                if state == CardState::Failed {
                    this.cache.borrow_mut().remove(&key);
                } else {
                    this.cache.borrow_mut().insert(key.clone(), state.clone());
                }
                let _ = this.shown.try_update(|shown| {
                    if let Some(shown) = shown.as_mut().filter(|s| s.key == key) {
                        shown.state = state;
                    }
                });
            });
        }

        fn forget_anchor(&self) {
            if let Some(link) = self.anchor.borrow_mut().take() {
                let _ = link.remove_attribute("aria-describedby");
            }
        }

        fn hide(&self) {
            self.generation.set(self.generation.get() + 1);
            self.forget_anchor();
            if self.shown.with_untracked(Option::is_some) {
                self.shown.set(None);
            }
        }

        fn hide_soon(self: &Rc<Self>) {
            let generation = self.generation.get() + 1;
            self.generation.set(generation);
            let this = Rc::clone(self);
            set_timeout(
                move || {
                    if this.generation.get() == generation {
                        this.hide();
                    }
                },
                std::time::Duration::from_millis(HIDE_AFTER_MS),
            );
        }

        fn is_anchor_focused(&self) -> bool {
            let anchor = self.anchor.borrow();
            anchor.is_some() && self.document.active_element().as_ref() == anchor.as_ref()
        }
    }

    fn element(target: Option<EventTarget>) -> Option<Element> {
        target.and_then(|t| t.dyn_into::<Element>().ok())
    }
    fn citation(target: Option<EventTarget>) -> Option<Element> {
        element(target).and_then(|e| e.closest("a.cite").ok().flatten())
    }
    fn in_card(target: Option<EventTarget>) -> bool {
        element(target)
            .and_then(|e| e.closest(&format!("#{CARD_ID}")).ok().flatten())
            .is_some()
    }

    let popover = Rc::new(Popover {
        document: document.clone(),
        shown,
        cache: RefCell::new(HashMap::new()),
        anchor: RefCell::new(None),
        generation: Cell::new(0),
    });

    type Listener = Closure<dyn FnMut(Event)>;
    let mut listeners: Vec<(&'static str, Listener)> = Vec::new();
    let p = Rc::clone(&popover);
    listeners.push((
        "mouseover",
        Closure::new(move |event: Event| {
            if in_card(event.target()) {
                // The pointer moved onto the card: it stays.
                p.generation.set(p.generation.get() + 1);
            } else if let Some(link) = citation(event.target()) {
                p.show(link);
            }
        }),
    ));
    let p = Rc::clone(&popover);
    listeners.push((
        "mouseout",
        Closure::new(move |event: Event| {
            if p.anchor.borrow().is_none() {
                return;
            }
            let from_ours = citation(event.target()).is_some() || in_card(event.target());
            let to = event
                .dyn_ref::<MouseEvent>()
                .and_then(|e| e.related_target());
            let to_ours = in_card(to.clone())
                || citation(to).is_some_and(|link| p.anchor.borrow().as_ref() == Some(&link));
            if from_ours && !to_ours && !p.is_anchor_focused() {
                p.hide_soon();
            }
        }),
    ));
    let p = Rc::clone(&popover);
    listeners.push((
        "focusin",
        Closure::new(move |event: Event| {
            if let Some(link) = citation(event.target()) {
                p.show(link);
            }
        }),
    ));
    let p = Rc::clone(&popover);
    listeners.push((
        "focusout",
        Closure::new(move |event: Event| {
            if citation(event.target()).is_some() {
                p.hide();
            }
        }),
    ));
    let p = Rc::clone(&popover);
    listeners.push((
        "keydown",
        Closure::new(move |event: Event| {
            let escape = event
                .dyn_ref::<KeyboardEvent>()
                .is_some_and(|e| e.key() == "Escape");
            if escape && p.shown.with_untracked(Option::is_some) {
                p.hide();
            }
        }),
    ));
    for (name, listener) in &listeners {
        let _ = document.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    }
    // Kept (and dropped) with the shell; taken off the document first.
    let listeners = StoredValue::new_local((document, listeners, popover));
    on_cleanup(move || {
        listeners.try_with_value(|(document, listeners, popover)| {
            for (name, listener) in listeners {
                let _ = document
                    .remove_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            }
            popover.forget_anchor();
        });
    });
}
