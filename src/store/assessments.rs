//! Impact assessments: the studies evidence comes from.
use super::{Db, internal};
use crate::domain::evidence::Audience;
use crate::domain::evidence_views::{AssessmentDetail, AssessmentSummary};
use crate::error::AppError;

fn visible_items(audience: Audience) -> String {
    let mut clauses = vec!["assessment = $parent.id".to_string()];
    if !audience.include_members_only {
        clauses.push("visibility = 'public'".into());
    }
    if !audience.include_withdrawn {
        clauses.push("consent != 'withdrawn'".into());
    }
    format!(
        "count(SELECT id FROM evidence WHERE {})",
        clauses.join(" AND ")
    )
}

pub async fn list(db: &Db, audience: Audience) -> Result<Vec<AssessmentSummary>, AppError> {
    let query = format!(
        "SELECT record::id(id) AS id, title, method, period_from, period_to,
            organisation.name AS organisation, {} AS items
         FROM assessment ORDER BY period_from DESC, title",
        visible_items(audience)
    );
    let mut response = db
        .query(query)
        .await
        .map_err(|e| internal("list assessments", e))?;
    response
        .take(0)
        .map_err(|e| internal("list assessments", e))
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
        .map_err(|e| internal("get assessment", e))?;
    response.take(0).map_err(|e| internal("get assessment", e))
}

pub struct NewAssessment<'a> {
    pub title: &'a str,
    pub programme: &'a str,
    pub method: &'a str,
    pub period_from: &'a str,
    pub period_to: &'a str,
    pub countries: Vec<String>,
    pub summary: &'a str,
    pub link: &'a str,
    pub organisation_id: &'a str,
}

pub async fn create(db: &Db, a: NewAssessment<'_>) -> Result<String, AppError> {
    let mut response = db
        .query(
            "CREATE ONLY assessment SET title = $title, programme = $programme, method = $method,
                period_from = $from, period_to = $to, countries = $countries, summary = $summary,
                link = $link, organisation = type::record('organisation', $org)
             RETURN VALUE record::id(id)",
        )
        .bind(("title", a.title.to_string()))
        .bind(("programme", a.programme.to_string()))
        .bind(("method", a.method.to_string()))
        .bind(("from", a.period_from.to_string()))
        .bind(("to", a.period_to.to_string()))
        .bind(("countries", a.countries))
        .bind(("summary", a.summary.to_string()))
        .bind(("link", a.link.to_string()))
        .bind(("org", a.organisation_id.to_string()))
        .await
        .map_err(|e| internal("create assessment", e))?;
    let id: Option<String> = response
        .take(0)
        .map_err(|e| internal("create assessment", e))?;
    id.ok_or(AppError::Internal)
}
