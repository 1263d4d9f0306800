//! Confirming a CSV import. The import runs beside the request that confirms it, which
//! answers when it is done or after a few seconds (`Config::import_wait`), whichever comes
//! first; the preview page then follows it. Rows are written a step at a time, each step all
//! or nothing (see [`ImportState`]).
use crate::domain::evidence_csv_views::{ImportPreviewView, ImportState};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door, crate::auth, crate::domain::accounts::Role,
    crate::domain::evidence_csv_views::RowProblem, crate::domain::evidence_history::RowChanges,
    crate::store,
};

/// How many changed findings the preview lists, field by field.
pub const PREVIEW_CHANGES: usize = 50;

/// The file's rows compared with the findings stored under their keys: what each would
/// change, and the rows the import may not apply (a withdrawn consent given back, a finding of
/// another assessment), as row problems.
#[cfg(feature = "ssr")]
async fn compared_with_stored(
    state: &crate::state::AppState,
    assessment_id: &str,
    preview: &crate::domain::evidence_csv::CsvPreview,
) -> Result<(Vec<RowChanges>, Vec<RowProblem>, StoredByKey), AppError> {
    use crate::domain::evidence_history::review_import_row;
    let keys = preview.rows.iter().map(|r| r.key.clone()).collect();
    let stored = store::evidence::stored_by_keys(&state.db, keys).await?;
    let (mut changed, mut refused) = (Vec::new(), Vec::new());
    for (index, row) in preview.rows.iter().enumerate() {
        let Some(old) = stored.get(&row.key) else {
            continue;
        };
        let line = preview.lines.get(index).copied().unwrap_or(0);
        match review_import_row(row, &old.fields, &old.assessment_id, assessment_id) {
            Ok(changes) if changes.is_empty() => {}
            Ok(changes) => changed.push(RowChanges {
                line,
                key: row.key.clone(),
                changes,
            }),
            Err(refusal) => refused.push(RowProblem {
                line,
                key: row.key.clone(),
                column: refusal.column().to_string(),
                error: refusal.error(),
            }),
        }
    }
    // Rows that change who may read a finding come first.
    changed.sort_by_key(|r| {
        !r.changes
            .iter()
            .any(|c| c.field == "consent" || c.field == "visibility")
    });
    Ok((changed, refused, stored))
}

/// The findings stored under a file's keys, as read for the comparison.
#[cfg(feature = "ssr")]
type StoredByKey = std::collections::HashMap<String, store::evidence::Stored>;

/// The caller's own pending batch (an editor's upload is theirs alone to see and confirm).
#[cfg(feature = "ssr")]
async fn own_batch(
    batch: &str,
    rows: store::imports::Rows,
) -> Result<
    (
        crate::state::AppState,
        crate::domain::accounts::SessionMember,
        store::imports::Batch,
    ),
    AppError,
> {
    let parts = door::parts()?;
    let member = auth::require_role(&parts, Role::Editor)?;
    let state = door::state()?;
    if batch.len() > 64 {
        return Err(AppError::NotFound);
    }
    let found = store::imports::get(&state.db, batch, rows)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.member_id != member.id {
        return Err(AppError::NotFound);
    }
    // The upload checked this; an editor moved to another organisation since is refused too.
    // (The assessment imported into: a known key can only be one of its own findings, since a
    // row naming another assessment's finding is refused in the preview and the transaction.)
    super::evidence_edit::may_change(&state, &member, &found.assessment_id).await?;
    Ok((state, member, found))
}

#[server(prefix = "/fn", endpoint = "import_preview", input = leptos::server_fn::codec::GetUrl)]
pub async fn import_preview(batch: String) -> Result<ImportPreviewView, AppError> {
    let result = async {
        let (state, _, mut found) = own_batch(&batch, store::imports::Rows::Summary).await?;
        if found.state.may_start() {
            found = store::imports::get(&state.db, &batch, store::imports::Rows::All)
                .await?
                .ok_or(AppError::NotFound)?;
        }
        let assessment = store::assessments::get(&state.db, &found.assessment_id)
            .await?
            .ok_or(AppError::NotFound)?;
        // Once started, the file is no longer compared with what is stored (it is being, or
        // has been, written).
        let (changes, refused) = if found.state.may_start() {
            let (changes, refused, _) =
                compared_with_stored(&state, &found.assessment_id, &found.preview).await?;
            (changes, refused)
        } else {
            (Vec::new(), Vec::new())
        };
        let preview = found.preview;
        let mut problems = preview.problems;
        problems.extend(refused.iter().cloned());
        problems.sort_by_key(|p| p.line);
        Ok(ImportPreviewView {
            assessment_id: found.assessment_id,
            assessment: assessment.title,
            file_name: found.file_name,
            total_rows: preview.total_rows,
            valid_rows: found.rows - refused.len(),
            sample: preview
                .rows
                .into_iter()
                .take(crate::domain::evidence_csv_views::PREVIEW_ROWS)
                .collect(),
            problems: problems.into_iter().take(1000).collect(),
            changed_rows: changes.len(),
            changes: changes.into_iter().take(PREVIEW_CHANGES).collect(),
            encoding: preview.encoding,
            separator: preview.separator,
            state: found.state,
        })
    }
    .await;
    door::finish(result, &[])
}

/// Starts the import of a checked batch and answers when it is done or after
/// `Config::import_wait`, whichever comes first (then `Running`: the preview page follows
/// it). A batch already started or done answers its state; confirming twice imports once.
#[server(prefix = "/fn", endpoint = "confirm_import")]
pub async fn confirm_import(batch: String) -> Result<ImportState, AppError> {
    let result = async {
        let (state, _, found) = own_batch(&batch, store::imports::Rows::Summary).await?;
        let preview_page = format!("/assessments/{}/import/{batch}", found.assessment_id);
        if !found.state.may_start() {
            door::redirect_plain_form(&preview_page);
            return Ok(found.state);
        }
        let found = store::imports::get(&state.db, &batch, store::imports::Rows::All)
            .await?
            .ok_or(AppError::NotFound)?;
        if !found.preview.problems.is_empty() {
            return Err(AppError::Conflict {
                what: "the file has problems".into(),
            });
        }
        if !store::imports::claim(&state.db, &batch).await? {
            // Another tab or instance started it a moment ago.
            door::redirect_plain_form(&preview_page);
            return Ok(ImportState::Running {
                seconds: 0,
                so_far: Default::default(),
            });
        }
        let assessment_id = found.assessment_id.clone();
        let wait = state.config.import_wait;
        let job = tokio::spawn(run_import(state, batch, found));
        // (A zero wait answers at once, even if the import would be done by then.)
        let waited = if wait.is_zero() {
            Err(())
        } else {
            tokio::time::timeout(wait, job).await.map_err(|_| ())
        };
        match waited {
            Ok(Ok(Ok(counts))) => {
                door::redirect_plain_form(&format!(
                    "/assessments/{assessment_id}?created={}&updated={}&unchanged={}",
                    counts.created, counts.updated, counts.unchanged
                ));
                Ok(ImportState::Done { counts })
            }
            Ok(Ok(Err(error))) => Err(error),
            Ok(Err(stopped)) => {
                tracing::error!(?stopped, "an import stopped before it finished");
                Err(AppError::internal("the import stopped before it finished"))
            }
            Err(_) => {
                door::redirect_plain_form(&preview_page);
                Ok(ImportState::Running {
                    seconds: wait.as_secs(),
                    so_far: Default::default(),
                })
            }
        }
    }
    .await;
    door::finish(result, &[])
}

/// How many steps of an import are written at once: two transactions keep both cores of a
/// small server busy (one step at a time left one idle; 100,000 rows took 35 s to write).
#[cfg(feature = "ssr")]
const STEPS_AT_ONCE: usize = 2;

/// One step of an import: these rows of the batch's file written in one transaction, then
/// indexed by this instance's search engine (unless the step feeds every engine itself). What
/// it counted, and whether this engine indexed them.
///
/// A step that changed nothing is not indexed here: re-importing an unchanged file costs no
/// indexing. Its rows may have been written by an instance that stopped part-way and never
/// fed them, so the import then counts as not indexed here, and this instance reads the
/// assessment back like the others if the import wrote anything at all.
#[cfg(feature = "ssr")]
async fn import_step(
    state: &crate::state::AppState,
    found: &store::imports::Batch,
    stored: &StoredByKey,
    rows: std::ops::Range<usize>,
    feed: store::evidence::Feed,
) -> Result<(crate::domain::evidence_csv_views::ImportCounts, bool), AppError> {
    let author = store::evidence::Author {
        member_id: Some(&found.member_id),
        action: crate::domain::evidence_history::ChangeAction::Imported,
        source: &found.file_name,
    };
    let step = &found.preview.rows[rows];
    let imported =
        store::evidence::import_over(&state.db, &found.assessment_id, step, stored, author, feed)
            .await?;
    let wrote = imported.counts.created + imported.counts.updated > 0;
    let indexed = feed == store::evidence::Feed::Now
        || (wrote && state.search.add_imported(imported.indexed).await.is_ok());
    Ok((imported.counts, indexed))
}

/// The import of a claimed batch, compared again with what is stored, then written a step of
/// rows per transaction (each transaction checks again what must hold at its write; two at a
/// time), with the rows written so far recorded after each step; then searchable. Its
/// outcome is recorded on the batch for the preview page.
///
/// This instance's search engine indexes each step's rows as the step commits; the other
/// instances read the assessment's findings back when the last step is done.
#[cfg(feature = "ssr")]
async fn run_import(
    state: crate::state::AppState,
    batch: String,
    found: store::imports::Batch,
) -> Result<crate::domain::evidence_csv_views::ImportCounts, AppError> {
    use crate::domain::evidence_csv_views::{IMPORT_STEP, ImportCounts};
    let mut so_far = ImportCounts::default();
    // Whether every row written (or found unchanged) so far is indexed here.
    let mut indexed_here = true;
    let found = std::sync::Arc::new(found);
    let outcome = async {
        let (_, refused, stored) =
            compared_with_stored(&state, &found.assessment_id, &found.preview).await?;
        if !refused.is_empty() {
            return Err(AppError::Conflict {
                what: "the file has problems".into(),
            });
        }
        let stored = std::sync::Arc::new(stored);
        // A file of one step feeds the search engines finding by finding in its transaction;
        // a longer one names its assessment once, after its last step (or its failure).
        let rows = found.preview.rows.len();
        let feed = if rows <= IMPORT_STEP {
            store::evidence::Feed::Now
        } else {
            store::evidence::Feed::AfterTheLastStep
        };
        let mut starts = (0..rows).step_by(IMPORT_STEP);
        let mut running = tokio::task::JoinSet::new();
        let mut failed = None;
        loop {
            // After a failure, the steps already running finish (and are counted), and no
            // other starts.
            while failed.is_none() && running.len() < STEPS_AT_ONCE {
                let Some(start) = starts.next() else { break };
                let step = start..(start + IMPORT_STEP).min(rows);
                let (state, found, stored) = (state.clone(), found.clone(), stored.clone());
                running
                    .spawn(async move { import_step(&state, &found, &stored, step, feed).await });
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            match joined {
                Ok(Ok((counts, indexed))) => {
                    so_far = so_far.plus(counts);
                    indexed_here &= indexed;
                    // (Not `?`: the steps still running would be cut off mid-transaction.)
                    if let Err(error) = store::imports::progress(&state.db, &batch, &so_far).await {
                        failed.get_or_insert(error);
                    }
                }
                Ok(Err(error)) => {
                    failed.get_or_insert(error);
                }
                Err(stopped) => {
                    tracing::error!(?stopped, "an import step stopped before it finished");
                    failed.get_or_insert(AppError::internal("an import step stopped"));
                }
            }
        }
        match failed {
            Some(error) => Err(error),
            None => Ok(feed),
        }
    }
    .await;
    // Whatever was written is searchable, also after a failure part-way.
    if so_far.created + so_far.updated > 0 {
        let fed = match &outcome {
            Ok(store::evidence::Feed::Now) => Ok(()),
            _ => {
                let origin = if indexed_here && state.search.commit_imported().await.is_ok() {
                    Some(state.search.origin())
                } else {
                    None
                };
                store::evidence::feed_assessment(&state.db, &found.assessment_id, origin).await
            }
        };
        if let Err(error) = fed {
            tracing::error!(%batch, ?error, "an import's findings could not be fed to search");
        }
        state.evidence_changed().await;
    }
    let outcome = outcome.map(|_| so_far);
    if let Err(error) = store::imports::finish(&state.db, &batch, &outcome).await {
        tracing::error!(%batch, ?error, "an import's outcome could not be recorded");
    }
    outcome
}
