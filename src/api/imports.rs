//! Confirming a CSV import: all rows in one transaction, or none.
use crate::domain::evidence_csv_views::{ImportCounts, ImportPreviewView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::door, crate::auth, crate::domain::accounts::Role, crate::store};

/// How many rows the preview page lists (all problems are always listed).
pub const PREVIEW_ROWS: usize = 20;

/// The caller's own pending batch (an editor's upload is theirs alone to see and confirm).
#[cfg(feature = "ssr")]
async fn own_batch(
    batch: &str,
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
    let found = store::imports::get(&state.db, batch)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.member_id != member.id {
        return Err(AppError::NotFound);
    }
    Ok((state, member, found))
}

#[server(prefix = "/fn", endpoint = "import_preview", input = leptos::server_fn::codec::GetUrl)]
pub async fn import_preview(batch: String) -> Result<ImportPreviewView, AppError> {
    let result = async {
        let (state, _, found) = own_batch(&batch).await?;
        let assessment = store::assessments::get(&state.db, &found.assessment_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let preview = found.preview;
        Ok(ImportPreviewView {
            assessment_id: found.assessment_id,
            assessment: assessment.title,
            file_name: found.file_name,
            total_rows: preview.total_rows,
            valid_rows: preview.rows.len(),
            sample: preview.rows.into_iter().take(PREVIEW_ROWS).collect(),
            problems: preview.problems.into_iter().take(1000).collect(),
        })
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "confirm_import")]
pub async fn confirm_import(batch: String) -> Result<ImportCounts, AppError> {
    let result = async {
        let (state, member, found) = own_batch(&batch).await?;
        if !found.preview.problems.is_empty() {
            return Err(AppError::Conflict {
                what: "the file has problems".into(),
            });
        }
        // The assessment imported into, and every one whose findings a row would change
        // (a known key is updated in place and moved into this assessment).
        let target = store::assessments::owner(&state.db, &found.assessment_id)
            .await?
            .ok_or(AppError::NotFound)?;
        member.may_change_work_of(&target)?;
        let keys = found.preview.rows.iter().map(|r| r.key.clone()).collect();
        for owner in store::assessments::owners_of_findings(&state.db, keys).await? {
            member.may_change_work_of(&owner)?;
        }
        let author = store::evidence::Author {
            member_id: Some(&found.member_id),
            action: crate::domain::evidence_history::ChangeAction::Imported,
            source: &found.file_name,
        };
        let counts =
            store::evidence::import(&state.db, &found.assessment_id, &found.preview.rows, author)
                .await?;
        store::imports::delete(&state.db, &batch).await?;
        state.caches.evidence_changed();
        door::redirect_plain_form(&format!(
            "/assessments/{}?created={}&updated={}&unchanged={}",
            found.assessment_id, counts.created, counts.updated, counts.unchanged
        ));
        Ok(counts)
    }
    .await;
    door::finish(result, &[])
}
