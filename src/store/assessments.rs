//! Impact assessments: the studies evidence comes from.
use super::{Db, OrInternal};
use crate::domain::assessments::AssessmentFields;
use crate::domain::evidence::Audience;
use crate::domain::evidence_views::{AssessmentDetail, AssessmentSummary, EvidenceFilter};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

fn visible_items(audience: Audience) -> String {
    let scope = super::evidence::evidence_where(
        &EvidenceFilter::default(),
        audience,
        &["assessment = $parent.id"],
    );
    format!("count(SELECT id FROM evidence {})", scope.clause)
}

/// Every assessment with the count of its findings the audience may see.
pub async fn list(db: &Db, audience: Audience) -> Result<Vec<AssessmentSummary>, AppError> {
    listed(db, &visible_items(audience)).await
}

/// Every assessment without counting its findings (the search engine counts them: see
/// `Engine::library_counts`); `items` is 0.
pub async fn list_uncounted(db: &Db) -> Result<Vec<AssessmentSummary>, AppError> {
    listed(db, "0").await
}

/// Every assessment, newest period first, with `items` as the expression says.
async fn listed(db: &Db, items: &str) -> Result<Vec<AssessmentSummary>, AppError> {
    let query = format!(
        "SELECT record::id(id) AS id, title, method, period_from, period_to,
            organisation.name AS organisation, {items} AS items
         FROM assessment ORDER BY period_from DESC, title"
    );
    let mut response = db.query(query).await.or_internal("list assessments")?;
    response.take(0).or_internal("list assessments")
}

pub async fn get(db: &Db, id: &str) -> Result<Option<AssessmentDetail>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, title, programme, method, period_from, period_to, countries,
                summary, link, organisation.name AS organisation
             FROM ONLY type::record('assessment', $id)",
        )
        .bind(("id", id.to_string()))
        .await
        .or_internal("get assessment")?;
    response.take(0).or_internal("get assessment")
}

/// An assessment's title and the organisation that owns it.
#[derive(Debug, Clone, SurrealValue)]
pub struct Owned {
    pub id: String,
    pub title: String,
    pub owner: String,
}

/// Every assessment's title and owner, by title (what an evidence form offers to choose
/// from, once the viewer's rights have filtered it).
pub async fn titles_and_owners(db: &Db) -> Result<Vec<Owned>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, title, record::id(organisation) AS owner
             FROM assessment ORDER BY title",
        )
        .await
        .or_internal("assessment owners")?;
    response.take(0).or_internal("assessment owners")
}

/// The id of the organisation that owns the assessment (None: no such assessment).
pub async fn owner(db: &Db, id: &str) -> Result<Option<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE record::id(organisation) FROM ONLY type::record('assessment', $id)")
        .bind(("id", id.to_string()))
        .await
        .or_internal("assessment owner")?;
    response.take(0).or_internal("assessment owner")
}

/// Who owns a new assessment: an organisation, or the organisation of the member creating it.
pub enum Owner<'a> {
    Organisation(&'a str),
    MemberOf(&'a str),
}

pub async fn create(db: &Db, a: &AssessmentFields, owner: Owner<'_>) -> Result<String, AppError> {
    let (owner_query, owner_id) = match owner {
        Owner::Organisation(id) => ("type::record('organisation', $owner)", id),
        Owner::MemberOf(id) => (
            "(SELECT VALUE organisation FROM ONLY type::record('member', $owner))",
            id,
        ),
    };
    let mut response = db
        .query(format!(
            "CREATE ONLY assessment CONTENT object::extend($fields, {{ organisation: {owner_query} }})
             RETURN VALUE record::id(id)"
        ))
        .bind(("fields", fields_object(a)))
        .bind(("owner", owner_id.to_string()))
        .await
        .or_internal("create assessment")?;
    let id: Option<String> = response.take(0).or_internal("create assessment")?;
    id.ok_or_else(|| AppError::internal("create assessment answered no id"))
}

/// Saves new values; the owner and creation time stay.
pub async fn update(db: &Db, id: &str, a: &AssessmentFields) -> Result<(), AppError> {
    let mut response = db
        .query("UPDATE type::record('assessment', $id) MERGE $fields RETURN VALUE record::id(id)")
        .bind(("id", id.to_string()))
        .bind(("fields", fields_object(a)))
        .await
        .or_internal("update assessment")?;
    let updated: Vec<String> = response.take(0).or_internal("update assessment")?;
    if updated.is_empty() {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

fn fields_object(a: &AssessmentFields) -> serde_json::Value {
    serde_json::json!({
        "title": a.title,
        "programme": a.programme,
        "method": a.method.as_str(),
        "period_from": a.period_from,
        "period_to": a.period_to,
        "countries": a.countries,
        "summary": a.summary,
        "link": a.link,
    })
}
