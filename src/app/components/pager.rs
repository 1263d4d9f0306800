//! Previous and next page links for long lists (the evidence library, an assessment's findings).
use crate::i18n::*;
use leptos::prelude::*;

/// Previous / next links that keep the filters.
#[component]
pub fn Pager(
    base: String,
    query: Box<dyn Fn(u32) -> String + Send + Sync>,
    page: u32,
    pages: u32,
) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |p: u32| {
        let q = query(p);
        if q.is_empty() {
            base.clone()
        } else {
            format!("{base}?{q}")
        }
    };
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pager_label)>
            {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>{t!(i18n, pager_previous)}</a> })}
            <span>{t!(i18n, pager_position, page = move || page, pages = move || pages)}</span>
            {(page < pages).then(|| view! { <a rel="next" href=link(page + 1)>{t!(i18n, pager_next)}</a> })}
        </nav>
    }
}
