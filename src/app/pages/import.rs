//! Importing evidence from CSV: upload (a plain multipart form, so it works without
//! JavaScript), then a preview with every problem and its line, then confirm.
use crate::api::imports::{ConfirmImport, import_preview};
use crate::app::components::alerts::{FormAlert, error_text, form_error};
use crate::app::components::fields::field_label;
use crate::app::components::labels::{country_label, evidence_kind_name, import_done_text};
use crate::app::components::page_title::PageTitle;
use crate::app::components::status::{LoadError, editor_gate};
use crate::domain::evidence_csv_views::{
    FRENCH_COLUMNS, FileProblem, ImportState, Separator, TextEncoding,
};
use crate::i18n::*;
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The documented columns, shown on the upload page.
const COLUMN_HELP: &[(&str, bool)] = &[
    ("key", true),
    ("kind", true),
    ("swot_quadrant", false),
    ("text", true),
    ("value", false),
    ("unit", false),
    ("sample_size", false),
    ("baseline", false),
    ("country", true),
    ("region", false),
    ("collected_on", true),
    ("language", false),
    ("tags", false),
    ("consent", true),
    ("visibility", true),
];

fn file_problem_text(problem: &FileProblem) -> AnyView {
    let i18n = use_i18n();
    match problem.clone() {
        FileProblem::NotUtf8 => t!(i18n, import_not_utf8).into_any(),
        FileProblem::Empty => t!(i18n, import_empty).into_any(),
        FileProblem::MissingColumns(columns) => {
            let columns = columns.join(", ");
            t!(
                i18n,
                import_missing_columns,
                columns = move || columns.clone()
            )
            .into_any()
        }
        FileProblem::TooManyRows => t!(i18n, import_too_many_rows).into_any(),
        FileProblem::Malformed { line } => {
            t!(i18n, import_malformed, line = move || line).into_any()
        }
        FileProblem::Unreadable => t!(i18n, import_unreadable).into_any(),
    }
}

/// Where an upload sent by the page's script stands (without JavaScript the browser shows its
/// own progress).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Upload {
    Idle,
    Sending {
        loaded: f64,
        total: f64,
    },
    /// Sent; the server reads and checks the rows.
    Checking,
    Failed {
        status: u16,
    },
}

#[component]
fn UploadStatus(upload: ReadSignal<Upload>) -> impl IntoView {
    let i18n = use_i18n();
    let megabytes = |bytes: f64| format!("{:.1}", bytes / 1_048_576.0);
    view! {
        <div class="upload-progress" aria-live="polite">
            {move || match upload.get() {
                // Concrete types, no `AnyView`: this is island code, in the browser's bundle.
                Upload::Idle => EitherOf4::A(()),
                Upload::Sending { loaded, total } => {
                    let percent = if total > 0.0 { (loaded / total * 100.0).round() } else { 0.0 };
                    let (sent, size) = (megabytes(loaded), megabytes(total));
                    let text = t_string!(i18n, import_uploading, percent = percent, sent = sent, size = size).to_string();
                    EitherOf4::B(view! {
                        <progress max="100" value=percent aria-label=t_string!(i18n, import_uploading_label)></progress>
                        <p class="hint">{text}</p>
                    })
                }
                Upload::Checking => EitherOf4::C(view! {
                    <progress aria-label=t_string!(i18n, import_checking)></progress>
                    <p class="hint">{t_string!(i18n, import_checking)}</p>
                }),
                Upload::Failed { status } => {
                    let text = if status == 413 {
                        t_string!(i18n, error_too_large)
                    } else {
                        t_string!(i18n, import_upload_failed)
                    };
                    EitherOf4::D(view! { <div class="alert alert-error" role="alert">{text}</div> })
                }
            }}
        </div>
    }
}

/// Sends the form with `XMLHttpRequest` to show upload progress, then goes where the server
/// says (the preview, or back with the file's problem). Without WASM the form posts normally.
#[cfg(feature = "hydrate")]
fn upload_with_progress(ev: leptos::ev::SubmitEvent, set_upload: WriteSignal<Upload>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let (Ok(data), Ok(xhr)) = (
        web_sys::FormData::new_with_form(&form),
        web_sys::XmlHttpRequest::new(),
    ) else {
        return;
    };
    if xhr.open("POST", &form.action()).is_err()
        || xhr
            .set_request_header("accept", "application/json")
            .is_err()
    {
        return;
    }
    ev.prevent_default();
    set_upload.set(Upload::Sending {
        loaded: 0.0,
        total: 0.0,
    });
    if let Ok(upload) = xhr.upload() {
        let progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() {
                    set_upload.set(Upload::Sending {
                        loaded: e.loaded(),
                        total: e.total(),
                    });
                }
            });
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        progress.forget();
        let sent = Closure::<dyn FnMut()>::new(move || set_upload.set(Upload::Checking));
        upload.set_onload(Some(sent.as_ref().unchecked_ref()));
        sent.forget();
    }
    let answered = xhr.clone();
    let done = Closure::<dyn FnMut()>::new(move || {
        let status = answered.status().unwrap_or(0);
        let location = answered
            .response_text()
            .ok()
            .flatten()
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|v| v["location"].as_str().map(str::to_string))
            .filter(|l| l.starts_with('/') && !l.starts_with("//"));
        match (status, location) {
            (200, Some(location)) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().assign(&location);
                }
            }
            (status, _) => set_upload.set(Upload::Failed { status }),
        }
    });
    xhr.set_onload(Some(done.as_ref().unchecked_ref()));
    done.forget();
    // A dropped connection (or a server refusing a too-large body mid-upload).
    let failed = Closure::<dyn FnMut()>::new(move || set_upload.set(Upload::Failed { status: 0 }));
    xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
    failed.forget();
    if xhr.send_with_opt_form_data(Some(&data)).is_err() {
        set_upload.set(Upload::Failed { status: 0 });
    }
}

#[cfg(not(feature = "hydrate"))]
fn upload_with_progress(_: leptos::ev::SubmitEvent, _: WriteSignal<Upload>) {}

/// "Read as Windows-1252, fields separated by semicolons": how the file was decoded, so a
/// wrong guess (garbled accents, one long column) can be traced to its cause.
fn read_as_text(encoding: TextEncoding, separator: Separator) -> impl IntoView {
    let i18n = use_i18n();
    let separator = move || match separator {
        Separator::Comma => t_string!(i18n, import_separator_comma).to_string(),
        Separator::Semicolon => t_string!(i18n, import_separator_semicolon).to_string(),
        Separator::Tab => t_string!(i18n, import_separator_tab).to_string(),
    };
    t!(
        i18n,
        import_read_as,
        encoding = move || encoding.name(),
        separator = separator
    )
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let file_error = use_query_map()
        .with_untracked(|q| q.get("file_error"))
        .and_then(|e| serde_json::from_str::<FileProblem>(&e).ok());
    // The assessment, for someone who may add to it: anyone else is told so before choosing
    // a file (an empty id would mean a new assessment: there is none to import into).
    let assessment = {
        let id = id.clone();
        Resource::new(
            || (),
            move |_| {
                let id = id.clone();
                async move {
                    if id.is_empty() {
                        return Err(crate::error::AppError::NotFound);
                    }
                    crate::api::evidence_edit::assessment_form(id).await
                }
            },
        )
    };
    view! {
        <PageTitle text=t_string!(i18n, import_title).to_string() />
        <p class="breadcrumb"><a href=format!("/assessments/{id}")>{t!(i18n, import_back)}</a></p>
        <h1>{t!(i18n, import_heading)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let id = id.clone();
                let file_error = file_error.clone();
                Suspend::new(async move {
                    match assessment.await {
                        Err(error) => view! { <LoadError error /> }.into_any(),
                        Ok(form) => view! {
                            <p class="muted">{form.input.title}</p>
                            <p class="lead">{t!(i18n, import_intro)}</p>
                            {file_error.map(|p| view! { <div class="alert alert-error" role="alert">{file_problem_text(&p)}</div> })}
                            <UploadForm lang=crate::app::islands::page_locale() id />
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
        <section class="card" aria-labelledby="columns-heading">
            <h2 id="columns-heading">{t!(i18n, import_columns_heading)}</h2>
            <p>
                {t!(i18n, import_columns_intro)} " "
                <a href="/evidence/sample.csv" download="groundwork-evidence-sample.csv">{t!(i18n, import_sample)}</a>
            </p>
            <ul class="columns">
                {COLUMN_HELP.iter().map(|(name, required)| view! {
                    <li>
                        <code>{*name}</code>
                        {FRENCH_COLUMNS
                            .iter()
                            .find(|(english, _)| english == name)
                            .and_then(|(_, french)| french.first())
                            .map(|french| view! { " " <span lang="fr">"(" <code>{*french}</code> ")"</span> })}
                        {required.then(|| view! { " " <span class="badge">{t!(i18n, import_required)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <p class="muted small">{t!(i18n, import_columns_rules)}</p>
        </section>
    }
    .into_any()
}

/// The upload form: a plain multipart form; with JavaScript (an island) it shows the upload's
/// progress and then the preview.
#[island]
fn UploadForm(lang: Locale, id: String) -> impl IntoView {
    crate::app::islands::speak(lang);
    let i18n = use_i18n();
    let (upload, set_upload) = signal(Upload::Idle);
    view! {
        <form class="card form" method="post" enctype="multipart/form-data" action=format!("/assessments/{id}/import")
            on:submit=move |ev| upload_with_progress(ev, set_upload)>
            <div class="field">
                <label for="file">{t!(i18n, import_file_label)}</label>
                <input id="file" name="file" type="file" accept=".csv,text/csv,.txt,text/plain,.tsv,text/tab-separated-values" required aria-describedby="file-hint" />
                <p class="hint" id="file-hint">{t!(i18n, import_file_hint)}</p>
            </div>
            <div>
                <button type="submit" class="button" disabled=move || matches!(upload.get(), Upload::Sending { .. } | Upload::Checking)>
                    {t!(i18n, import_check)}
                </button>
            </div>
            <UploadStatus upload />
        </form>
    }
}

/// Where a confirmed import stands. While it runs, the page loads itself again every few
/// seconds (and says so), so it works without JavaScript; the import goes on if the editor
/// leaves.
fn import_state_view(
    state: ImportState,
    assessment_href: String,
    preview_href: String,
    rows: usize,
) -> AnyView {
    let i18n = use_i18n();
    match state {
        ImportState::Checked => ().into_any(),
        ImportState::Running { seconds, so_far } => {
            let done = so_far.rows();
            view! {
                <Meta http_equiv="refresh" content=IMPORT_REFRESH_SECS.to_string() />
                <div class="alert alert-info" role="status">
                    <p>
                        {t!(i18n, import_running_since, count = move || rows, done = move || done, seconds = move || seconds)}
                    </p>
                    <p>
                        {t!(i18n, import_refresh_note, seconds = move || IMPORT_REFRESH_SECS)} " "
                        <a href=preview_href>{t!(i18n, import_check_now)}</a>
                    </p>
                </div>
            }
            .into_any()
        }
        ImportState::Done { counts } => view! {
            <div class="alert alert-ok" role="status">
                {import_done_text(counts)} " "
                <a href=assessment_href>{t!(i18n, import_see_assessment)}</a>
            </div>
        }
        .into_any(),
        ImportState::Failed { error, so_far } if so_far.rows() == 0 => view! {
            <div class="alert alert-error" role="alert">
                {t!(i18n, import_failed)} " " {error_text(&error)}
            </div>
        }
        .into_any(),
        ImportState::Failed { error, so_far } => {
            let done = so_far.rows();
            view! {
                <div class="alert alert-error" role="alert">
                    <p>{t!(i18n, import_failed_part, done = move || done)} " " {error_text(&error)}</p>
                    <p>{t!(i18n, import_finish_again)}</p>
                </div>
            }
            .into_any()
        }
        ImportState::Interrupted { so_far } => {
            let done = so_far.rows();
            view! {
                <div class="alert alert-error" role="alert">
                    <p>{t!(i18n, import_interrupted, done = move || done)}</p>
                    <p>{t!(i18n, import_finish_again)}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// How often the preview page of a running import loads itself again.
const IMPORT_REFRESH_SECS: u64 = 5;

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    if let Some(gate) = editor_gate() {
        return gate;
    }
    let batch = use_params_map().with_untracked(|p| p.get("batch").unwrap_or_default());
    let preview = {
        let batch = batch.clone();
        Resource::new(|| (), move |_| import_preview(batch.clone()))
    };
    let confirm = ServerAction::<ConfirmImport>::new();
    let error = form_error(confirm.value());
    view! {
        <PageTitle text=t_string!(i18n, import_preview_title).to_string() />
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let batch = batch.clone();
                Suspend::new(async move {
                    match preview.await {
                        Err(error) => view! { <h1>{t!(i18n, import_preview_title)}</h1> <LoadError error /> }.into_any(),
                        Ok(p) => {
                            let assessment_href = format!("/assessments/{}", p.assessment_id);
                            let import_href = format!("/assessments/{}/import", p.assessment_id);
                            let problems = p.problems.len();
                            let valid = p.valid_rows;
                            let total = p.total_rows;
                            let file_name = p.file_name.clone();
                            let import_state = p.state.clone();
                            let may_start = import_state.may_start();
                            let preview_href = format!("/assessments/{}/import/{batch}", p.assessment_id);
                            view! {
                                <p class="breadcrumb"><a href=assessment_href.clone()>{p.assessment.clone()}</a></p>
                                <h1>{t!(i18n, import_preview_title)}</h1>
                                <p class="lead">
                                    {t!(i18n, import_summary, file = move || file_name.clone(), total = move || total, valid = move || valid)}
                                </p>
                                <p class="muted read-as">{read_as_text(p.encoding, p.separator)}</p>
                                {import_state_view(import_state, assessment_href.clone(), preview_href, valid)}
                                {if problems > 0 && may_start {
                                    view! {
                                        <div class="alert alert-error" role="alert">
                                            {t!(i18n, import_has_problems, count = move || problems)} " "
                                            <a href=import_href.clone()>{t!(i18n, import_upload_again)}</a>
                                        </div>
                                        <div class="table-wrap">
                                            <table>
                                                <caption class="visually-hidden">{t!(i18n, import_problems_caption)}</caption>
                                                <thead>
                                                    <tr>
                                                        <th scope="col" class="num">{t!(i18n, import_line)}</th>
                                                        <th scope="col">{t!(i18n, import_key)}</th>
                                                        <th scope="col">{t!(i18n, import_column)}</th>
                                                        <th scope="col">{t!(i18n, import_problem)}</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {p.problems.iter().map(|row| view! {
                                                        <tr>
                                                            <td class="num">{row.line}</td>
                                                            <td><code>{row.key.clone()}</code></td>
                                                            <td>{row.column.clone()}</td>
                                                            <td>{error_text(&row.error)}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                } else if may_start {
                                    let batch = StoredValue::new(batch.clone());
                                    view! {
                                        <FormAlert error />
                                        <ActionForm action=confirm attr:class="confirm-import">
                                            <input type="hidden" name="batch" value=batch.get_value() />
                                            <button type="submit" class="button">
                                                {t!(i18n, import_confirm, count = move || valid)}
                                            </button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    ().into_any()
                                }}
                                {(p.changed_rows > 0).then(|| {
                                    let more = p.changed_rows.saturating_sub(p.changes.len());
                                    view! {
                                        <h2>{t!(i18n, import_changes_heading)}</h2>
                                        <p>{t!(i18n, import_changes_intro)}</p>
                                        <div class="table-wrap">
                                            <table class="import-changes">
                                                <thead>
                                                    <tr>
                                                        <th scope="col" class="num">{t!(i18n, import_line)}</th>
                                                        <th scope="col">{t!(i18n, import_key)}</th>
                                                        <th scope="col">{t!(i18n, import_field)}</th>
                                                        <th scope="col">{t!(i18n, import_before)}</th>
                                                        <th scope="col">{t!(i18n, import_after)}</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {p.changes.iter().flat_map(|row| row.changes.iter().map(move |c| {
                                                        let who_reads = c.field == "consent" || c.field == "visibility";
                                                        view! {
                                                            <tr class:change-access=who_reads>
                                                                <td class="num">{row.line}</td>
                                                                <td><code>{row.key.clone()}</code></td>
                                                                <th scope="row">{field_label(&c.field)}</th>
                                                                <td>{c.before.chars().take(140).collect::<String>()}</td>
                                                                <td>{c.after.chars().take(140).collect::<String>()}</td>
                                                            </tr>
                                                        }
                                                    })).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        {(more > 0).then(|| view! { <p class="muted">{t!(i18n, import_changes_more, count = move || more)}</p> })}
                                    }
                                })}
                                <h2>{t!(i18n, import_first_rows)}</h2>
                                <div class="table-wrap">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, import_key)}</th>
                                                <th scope="col">{t!(i18n, field_kind)}</th>
                                                <th scope="col">{t!(i18n, field_country)}</th>
                                                <th scope="col">{t!(i18n, field_collected_on)}</th>
                                                <th scope="col">{t!(i18n, import_text)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {p.sample.iter().map(|row| view! {
                                                <tr>
                                                    <td><code>{row.key.clone()}</code></td>
                                                    <td>{evidence_kind_name(row.kind.as_str())}</td>
                                                    <td>{country_label(&row.country)}</td>
                                                    <td>{row.collected_on.clone()}</td>
                                                    <td>{row.text.chars().take(140).collect::<String>()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}
