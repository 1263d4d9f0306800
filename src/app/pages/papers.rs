//! The papers index (status and evidence coverage at a glance) and the form for a new paper.
use crate::api::front::front_page;
use crate::api::papers::{CreatePaper, papers_index};
use crate::app::components::alerts::{FieldError, FormAlert, form_error, invalid};
use crate::app::components::coverage_meter::CoverageMeter;
use crate::app::components::fields::{came_back_with_error, field_label, initial, textarea_text};
use crate::app::components::labels::paper_status_name;
use crate::app::components::page_title::PageTitle;
use crate::app::components::published::PublishedPapers;
use crate::app::components::session::use_session;
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::accounts::Role;
use crate::domain::papers::PaperSummary;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn PapersPage() -> impl IntoView {
    if use_session().member().is_none() {
        return view! { <PublishedPapersPage /> }.into_any();
    }
    let i18n = use_i18n();
    let papers = Resource::new(|| (), |_| papers_index());
    let is_editor = use_session()
        .member()
        .is_some_and(|m| m.role.at_least(Role::Editor));
    view! {
        <PageTitle text=t_string!(i18n, papers_title).to_string() />
        <h1>{t!(i18n, papers_heading)}</h1>
        <p class="lead">{t!(i18n, papers_lead)}</p>
        {is_editor.then(|| view! { <p class="actions"><a class="button" href="/papers/new">{t!(i18n, paper_new_heading)}</a></p> })}
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match papers.await {
                    Err(error) => view! { <LoadError error /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty-state">{t!(i18n, papers_none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="paper-list">
                            {list.into_iter().map(|p| view! { <PaperRow paper=p /> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The papers page for a visitor: the published papers, as the front page lists them.
#[component]
fn PublishedPapersPage() -> impl IntoView {
    let i18n = use_i18n();
    let front = Resource::new(|| (), |_| front_page(String::new()));
    view! {
        <PageTitle text=t_string!(i18n, papers_title).to_string() />
        <h1>{t!(i18n, papers_heading)}</h1>
        <p class="lead">{t!(i18n, papers_lead_visitor)}</p>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match front.await {
                    Err(error) => view! { <LoadError error /> }.into_any(),
                    Ok(page) => view! { <PublishedPapers papers=page.papers /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PaperRow(paper: PaperSummary) -> impl IntoView {
    let i18n = use_i18n();
    // Members work on the draft; the published version has its own link below.
    let href = format!("/papers/{}/draft", paper.slug);
    let blocks = paper.blocks;
    view! {
        <li class="card paper-row">
            <h2><a href=href>{paper.title.clone()}</a></h2>
            <p class="eyebrow">
                <span class=format!("badge status-{}", paper.status)>{paper_status_name(&paper.status)}</span>
                " " {t!(i18n, papers_blocks, count = move || blocks)}
            </p>
            <CoverageMeter supported=paper.supported total=paper.needing_support />
            {paper.published.map(|number| view! {
                <p><a href=format!("/papers/{}", paper.slug)>{t!(i18n, papers_read_published, number = move || number)}</a></p>
            })}
        </li>
    }
}

#[component]
pub fn NewPaperPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let create = ServerAction::<CreatePaper>::new();
    let error = form_error(create.value());
    // A plain form: the server sends the browser to the new draft.
    let came_back = came_back_with_error();
    view! {
        <PageTitle text=t_string!(i18n, paper_new_heading).to_string() />
        <p class="breadcrumb"><a href="/papers">{t!(i18n, papers_back)}</a></p>
        <h1>{t!(i18n, paper_new_heading)}</h1>
        <FormAlert error label=field_label fields=&[] />
        <ActionForm action=create attr:class="form card" attr:novalidate=true>
            <div class="field">
                <label for="title">{t!(i18n, field_title)}</label>
                <input id="title" name="paper[title]" type="text" required maxlength="200"
                    value=initial("paper[title]", "", came_back)
                    aria-invalid=invalid(error, "title") aria-describedby="title-error" />
                <FieldError error field="title" />
            </div>
            <div class="field">
                <label for="slug">{t!(i18n, field_slug)}</label>
                <p class="hint" id="slug-hint">{t!(i18n, paper_slug_hint)}</p>
                <input id="slug" name="paper[slug]" type="text" maxlength="80" spellcheck="false"
                    value=initial("paper[slug]", "", came_back)
                    aria-invalid=invalid(error, "slug") aria-describedby="slug-hint slug-error" />
                <FieldError error field="slug" />
            </div>
            <div class="field">
                <label for="summary">{t!(i18n, field_summary)}</label>
                <p class="hint" id="summary-hint">{t!(i18n, markdown_hint)}</p>
                <textarea id="summary" name="paper[summary]" rows="5" maxlength="20000"
                    aria-invalid=invalid(error, "summary") aria-describedby="summary-hint summary-error">
                    {textarea_text(initial("paper[summary]", "", came_back))}
                </textarea>
                <FieldError error field="summary" />
            </div>
            <p class="actions">
                <button type="submit" class="button" disabled=move || create.pending().get()>{t!(i18n, paper_create)}</button>
            </p>
        </ActionForm>
    }
    .into_any()
}
