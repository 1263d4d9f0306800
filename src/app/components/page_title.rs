//! A page's `<title>`, always a plain string made while the page renders.
//!
//! leptos_meta reads a page's title *after* rendering (leptos_integration_utils 0.8.9,
//! `from_app` → `ServerMetaContextOutput::inject_meta_context`), outside the request's
//! sandboxed reactive arena. A title given as a closure that reads a signal (the language, a
//! resource) is then read through whatever arena the worker thread used last; when that
//! request has already ended, the read panics ("the `sandboxed-arenas` feature is active, but
//! no Arena is active") and the page answers 500. That was the intermittent 500 of the
//! end-to-end suite. A string taken when the component runs reads nothing later.
//! `tests/front.rs` keeps every page on this component.
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=text /> }
}
