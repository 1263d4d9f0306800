//! A paper's editors: who may change its blocks. Its listed editors and admins add members
//! with the editor or admin role and take editors off; the list never becomes empty. Both
//! forms work without JavaScript (the page reloads with the outcome in its address).
use crate::api::paper_editors::{
    AddPaperEditor, EditorEntry, PaperEditorList, RemovePaperEditor, paper_editors,
};
use crate::app::components::alerts::{FormAlert, Notice, invalid, kept, problem_text};
use crate::app::components::labels::{role_name, role_text};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{Forbidden, LoadError, NotFound, SignInFirst};
use crate::domain::accounts::Role;
use crate::error::{AppError, Problem};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddPaperEditor>,
    remove: ServerAction<RemovePaperEditor>,
}

#[component]
pub fn PaperEditorsPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = match crate::app::components::status::role_gate(Role::Editor) {
        Ok(me) => me,
        Err(gate) => return gate,
    };
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let actions = Actions {
        add: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let editors = {
        let slug = slug.clone();
        Resource::new(
            move || (actions.add.version().get(), actions.remove.version().get()),
            move |_| paper_editors(slug.clone()),
        )
    };
    let draft_href = format!("/papers/{slug}/draft");
    let my_id = StoredValue::new(me.id.clone());

    view! {
        <PageTitle text=t_string!(i18n, editors_title).to_string() />
        <p class="breadcrumb"><a href=draft_href>{t!(i18n, block_back)}</a></p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match editors.await {
                    Ok(data) => view! { <EditorsView data actions my_id /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <Forbidden /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInFirst /> }.into_any(),
                    Err(error) => view! { <h1>{t!(i18n, editors_heading)}</h1> <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// The sentence for a problem on this page: the two rules of the editors list have their own.
fn editors_problem(field: &str, problem: &Problem) -> String {
    let i18n = use_i18n();
    match (field, problem) {
        ("editors", Problem::TooShort { .. }) => t_string!(i18n, editors_last).to_string(),
        ("member", Problem::InvalidChoice) => t_string!(i18n, editors_not_eligible).to_string(),
        _ => problem_text(problem),
    }
}

/// The message under one input (or the list), tied to it with `aria-describedby`.
#[component]
fn EditorsFieldError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.problem_for(field).cloned());
    view! {
        <p class="field-error" id=format!("{field}-error") aria-live="polite">
            {move || message().map(|p| editors_problem(field, &p))}
        </p>
    }
}

#[component]
fn EditorsView(
    data: PaperEditorList,
    actions: Actions,
    my_id: StoredValue<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The forms are plain posts: the page comes back with the outcome (`added`, `unchanged`,
    // `removed`) or the error in its address.
    let error = Signal::derive(move || {
        query.with(|q| q.get("error").and_then(|e| AppError::from_query_value(&e)))
    });
    let done = move || query.with(|q| q.get("error").is_none().then(|| q.get("done")).flatten());
    let PaperEditorList {
        slug,
        title,
        editors,
        candidates,
    } = data;
    let slug = StoredValue::new(slug);
    let kept_member = kept("member");
    view! {
        <h1>{t!(i18n, editors_heading)}</h1>
        <p class="lead">{t!(i18n, editors_lead, title = move || title.clone())}</p>
        {move || done().map(|done| view! {
            <Notice>
                {match done.as_str() {
                    "added" => t!(i18n, editors_added).into_any(),
                    "removed" => t!(i18n, editors_removed).into_any(),
                    _ => t!(i18n, editors_unchanged).into_any(),
                }}
            </Notice>
        })}
        <FormAlert error fields=&["member", "editors"] />
        <section class="card" aria-labelledby="listed-heading">
            <h2 id="listed-heading">{t!(i18n, editors_listed)}</h2>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, field_name)}</th>
                            <th scope="col">{t!(i18n, field_organisation)}</th>
                            <th scope="col">{t!(i18n, field_role)}</th>
                            <th scope="col">{t!(i18n, editors_action)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {editors
                            .into_iter()
                            .map(|editor| view! { <EditorRow editor actions slug=slug.get_value() my_id /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <EditorsFieldError error field="editors" />
        </section>
        <section class="card" aria-labelledby="add-heading">
            <h2 id="add-heading">{t!(i18n, editors_add_heading)}</h2>
            {if candidates.is_empty() {
                view! { <p class="empty-state">{t!(i18n, editors_none_to_add)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=actions.add attr:class="form form-inline">
                        <input type="hidden" name="slug" value=slug.get_value() />
                        <div class="field">
                            <label for="member">{t!(i18n, editors_add_label)}</label>
                            <p class="hint" id="member-hint">{t!(i18n, editors_add_hint)}</p>
                            <select id="member" name="member" required
                                aria-invalid=invalid(error, "member") aria-describedby="member-hint member-error">
                                <option value="">{t!(i18n, editors_choose)}</option>
                                {candidates
                                    .into_iter()
                                    .map(|c| {
                                        let selected = c.id == kept_member;
                                        let EditorEntry { id, name, organisation, role, .. } = c;
                                        // One text node per option: the role's name follows the language.
                                        let label = move || format!("{name} · {organisation} · {}", role_text(role));
                                        view! { <option value=id selected=selected>{label}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <EditorsFieldError error field="member" />
                        </div>
                        <button type="submit" class="button" disabled=move || actions.add.pending().get()>
                            {t!(i18n, editors_add_submit)}
                        </button>
                    </ActionForm>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn EditorRow(
    editor: EditorEntry,
    actions: Actions,
    slug: String,
    my_id: StoredValue<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_me = my_id.with_value(|id| *id == editor.id);
    // Listed, but their role or account does not let them edit any more.
    let can_edit = editor.active && editor.role.at_least(Role::Editor);
    let row_class = if editor.active { "" } else { "inactive" };
    let name = editor.name.clone();
    view! {
        <tr class=row_class>
            <td>
                <span class="strong">{editor.name.clone()}</span>
                {is_me.then(|| view! { " " <span class="muted small">{t!(i18n, admin_you)}</span> })}
                {editor.email.clone().map(|email| view! { <br /> <span class="muted small">{email}</span> })}
            </td>
            <td>{editor.organisation.clone()}</td>
            <td>
                {role_name(editor.role)}
                {(!can_edit).then(|| view! { " " <span class="badge">{t!(i18n, editors_cannot_edit)}</span> })}
            </td>
            <td>
                <ActionForm action=actions.remove attr:class="row-form">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="editor" value=editor.id.clone() />
                    <button type="submit" class="button button-small button-quiet" aria-describedby="editors-error"
                        disabled=move || actions.remove.pending().get()>
                        {t!(i18n, editors_remove)} <span class="visually-hidden">{format!(" {name}")}</span>
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
