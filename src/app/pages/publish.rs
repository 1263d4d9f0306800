//! The pre-publish check (`/papers/{slug}/publish`, the paper's editors): coverage, every
//! drafting warning and the consultation's results on one page, then the form that makes the
//! next version. Rendered on the server; the form is a plain POST to the server function, so
//! it works the same with JavaScript off, and an error brings back everything typed.
use crate::api::publishing::prepublish_check;
use crate::app::components::alerts::{error_text, problem_text};
use crate::app::components::coverage_meter::CoverageMeter;
use crate::app::components::labels::{block_kind_name, display_time, warning_text};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::publishing::{
    OVERRIDE_REASON_MAX, PublishCheck, RELEASE_NOTES_MAX, TallyView, WarnedBlock, override_field,
};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PublishPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let check = Resource::new(move || slug.clone(), prepublish_check);
    view! {
        <PageTitle text=t_string!(i18n, publish_title).to_string() />
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match check.await {
                    Err(error) => view! { <LoadError error /> }.into_any(),
                    Ok(check) => view! { <Check check /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// After a plain form post came back: its error, and what was typed in `field`.
fn came_back() -> (Option<AppError>, impl Fn(&str) -> Option<String>) {
    let query = use_query_map();
    let error =
        query.with_untracked(|q| q.get("error").and_then(|e| AppError::from_query_value(&e)));
    let typed = move |field: &str| query.with_untracked(|q| q.get(field));
    (error, typed)
}

#[component]
fn Check(check: PublishCheck) -> impl IntoView {
    let i18n = use_i18n();
    let (error, typed) = came_back();
    let next = check.next_number;
    let banner = error.as_ref().and_then(|e| match e {
        AppError::Conflict { what } if what == "version_published" => {
            Some(t_string!(i18n, publish_version_just_published).to_string())
        }
        AppError::Conflict { what } if what == "consultation_open" => {
            Some(t_string!(i18n, publish_consultation_open).to_string())
        }
        AppError::Invalid { .. } | AppError::Validation { .. } => None,
        other => Some(error_text(other)),
    });
    let problem = |field: &str| error.as_ref().and_then(|e| e.problem_for(field).cloned());
    let notes_problem = problem("release_notes");
    let notes = typed("release_notes").unwrap_or_default();
    let overrides = check
        .unsupported
        .iter()
        .enumerate()
        .map(|(i, block)| {
            let field = override_field(&block.id);
            let reason = typed(&field).unwrap_or_default();
            let problem = problem(&field);
            let number = block.number.unwrap_or(0);
            view! {
                <div class="field">
                    <div class="prose" inner_html=block.html.clone()></div>
                    <input type="hidden" name=format!("overrides[{i}][block]") value=block.id.clone() />
                    <label for=field.clone()>{t!(i18n, publish_override_label, number = move || number)}</label>
                    <textarea id=field.clone() name=format!("overrides[{i}][reason]") rows="3"
                        maxlength=OVERRIDE_REASON_MAX.to_string()
                        aria-invalid=problem.is_some().then_some("true")
                        aria-describedby=format!("{field}-error")>{reason}</textarea>
                    <p class="field-error" id=format!("{field}-error")>{problem.map(|p| problem_text(&p))}</p>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="breadcrumb"><a href=format!("/papers/{}/draft", check.slug)>{check.title.clone()}</a></p>
        <h1>{t!(i18n, publish_heading)}</h1>
        <p class="lead">{t!(i18n, publish_lead, number = move || next)}</p>
        {banner.map(|b| view! { <div class="alert alert-error" role="alert" tabindex="-1">{b}</div> })}
        <section class="card">
            <CoverageMeter supported=check.supported total=check.needing_support />
            <h2>{t!(i18n, publish_warnings_heading)}</h2>
            {if check.warned.is_empty() {
                view! { <p>{t!(i18n, publish_no_warnings)}</p> }.into_any()
            } else {
                view! { <ul class="publish-warnings">{check.warned.iter().map(warned_block).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card">
            <h2>{t!(i18n, publish_consultation_heading)}</h2>
            {match check.tallies.clone() {
                None => view! { <p>{t!(i18n, publish_no_consultation)}</p> }.into_any(),
                Some(tallies) => tally_table(tallies).into_any(),
            }}
        </section>
        <form method="post" action="/fn/publish_paper" class="form card" novalidate>
            <input type="hidden" name="slug" value=check.slug.clone() />
            <input type="hidden" name="number" value=next.to_string() />
            {(!check.unsupported.is_empty()).then(|| view! {
                <h2>{t!(i18n, publish_unsupported_heading)}</h2>
                <p class="hint">{t!(i18n, publish_unsupported_lead)}</p>
            })}
            {overrides}
            <div class="field">
                <label for="release_notes">{t!(i18n, publish_release_notes)}</label>
                <p class="hint" id="release_notes-hint">{t!(i18n, publish_release_notes_hint)}</p>
                <textarea id="release_notes" name="release_notes" rows="6" required
                    maxlength=RELEASE_NOTES_MAX.to_string()
                    aria-invalid=notes_problem.is_some().then_some("true")
                    aria-describedby="release_notes-hint release_notes-error">{notes}</textarea>
                <p class="field-error" id="release_notes-error">{notes_problem.map(|p| problem_text(&p))}</p>
            </div>
            <p class="actions">
                <button type="submit" class="button" disabled=check.consultation_open>
                    {t!(i18n, publish_submit, number = move || next)}
                </button>
            </p>
            {check.consultation_open.then(|| view! { <p class="hint">{t!(i18n, publish_consultation_open)}</p> })}
        </form>
        {(!check.versions.is_empty()).then(|| view! {
            <section class="card">
                <h2>{t!(i18n, publish_versions_heading)}</h2>
                <ul>
                    {check.versions.iter().rev().map(|v| view! {
                        <li>
                            <a href=format!("/papers/{}/v/{}", check.slug, v.number) rel="external">{format!("v{}", v.number)}</a>
                            " · " {display_time(&v.created_at)} " · " {v.release_notes.clone()}
                            " · " <code>{v.hash.get(..12).unwrap_or("").to_string()}</code>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

fn warned_block(block: &WarnedBlock) -> impl IntoView + use<> {
    let kind = block.kind;
    let number = block.number.map(|n| format!("R{n} "));
    view! {
        <li class="card">
            <p class="eyebrow">{number} {block_kind_name(kind)}</p>
            <div class="prose" inner_html=block.html.clone()></div>
            <ul>{block.warnings.iter().map(|w| view! { <li class="warning">{warning_text(w)}</li> }).collect_view()}</ul>
        </li>
    }
}

fn tally_table(tallies: Vec<TallyView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table>
            <thead><tr>
                <th scope="col">{t!(i18n, reading_target)}</th>
                <th scope="col">{t!(i18n, choice_support)}</th>
                <th scope="col">{t!(i18n, choice_oppose)}</th>
                <th scope="col">{t!(i18n, choice_abstain)}</th>
                <th scope="col">{t!(i18n, reading_organisations)}</th>
            </tr></thead>
            <tbody>
                {tallies.into_iter().map(|t| view! {
                    <tr>
                        <th scope="row">{match t.number {
                            Some(n) => format!("R{n}").into_any(),
                            None => t!(i18n, reading_whole_paper).into_any(),
                        }}</th>
                        <td>{t.support}</td><td>{t.oppose}</td><td>{t.abstain}</td><td>{t.organisations}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
