//! Evidence items: filtered, full-text searched (BM25 through the FULLTEXT index), paginated.
use super::{Db, internal, is_duplicate};
use crate::domain::evidence::{Audience, EvidenceFields};
use crate::domain::evidence_views::{
    EvidenceDetail, EvidenceFilter, EvidenceListing, EvidencePage, Facets, MARK_CLOSE, MARK_OPEN,
    segments,
};
use crate::error::{AppError, Problem};
use surrealdb::types::SurrealValue;

use crate::domain::evidence_views::PAGE_SIZE;

#[derive(Debug, SurrealValue)]
struct ListingRow {
    key: String,
    kind: String,
    swot_quadrant: Option<String>,
    snippet: String,
    value: Option<f64>,
    unit: String,
    country: String,
    region: String,
    collected_on: String,
    consent: String,
    visibility: String,
    tags: Vec<String>,
    assessment_id: String,
    assessment: String,
}

/// The WHERE clause for a filter and audience; values travel as bound parameters.
fn conditions(filter: &EvidenceFilter, audience: Audience) -> Vec<&'static str> {
    let mut clauses = Vec::new();
    if !audience.include_members_only {
        clauses.push("visibility = 'public'");
    }
    if !audience.include_withdrawn {
        clauses.push("consent != 'withdrawn'");
    }
    let pairs: [(&str, &'static str); 7] = [
        (&filter.kind, "kind = $kind"),
        (&filter.country, "country = $country"),
        (&filter.region, "region = $region"),
        (
            &filter.assessment,
            "assessment = type::record('assessment', $assessment)",
        ),
        (&filter.tag, "$tag IN tags"),
        (&filter.consent, "consent = $consent"),
        (&filter.visibility, "visibility = $visibility"),
    ];
    for (value, clause) in pairs {
        if !value.is_empty() {
            clauses.push(clause);
        }
    }
    if !filter.q.trim().is_empty() {
        clauses.push("text @1@ $q");
    }
    clauses
}

/// The values `conditions` refers to, as query variables.
fn filter_variables(filter: &EvidenceFilter) -> std::collections::BTreeMap<String, String> {
    let mut variables: std::collections::BTreeMap<String, String> = filter
        .fields()
        .into_iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect();
    variables.insert("q".into(), filter.q.trim().to_string());
    variables
}

pub async fn search(
    db: &Db,
    filter: &EvidenceFilter,
    audience: Audience,
) -> Result<EvidencePage, AppError> {
    let clauses = conditions(filter, audience);
    let where_clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let searching = !filter.q.trim().is_empty();
    let (snippet, order) = if searching {
        (
            format!(
                "search::highlight('{MARK_OPEN}', '{MARK_CLOSE}', 1) AS snippet, search::score(1) AS score"
            ),
            "ORDER BY score DESC, key",
        )
    } else {
        (
            "text AS snippet".to_string(),
            "ORDER BY collected_on DESC, key",
        )
    };
    let page = filter.page.max(1);
    let start = (page - 1) * PAGE_SIZE;
    let list = format!(
        "SELECT key, kind, swot_quadrant, {snippet}, value, unit, country, region, collected_on, consent,
            visibility, tags, record::id(assessment) AS assessment_id, assessment.title AS assessment
         FROM evidence {where_clause} {order} LIMIT {PAGE_SIZE} START {start}"
    );
    let count = format!("SELECT count() AS n FROM evidence {where_clause} GROUP ALL");
    let mut response = db
        .query(list)
        .query(count)
        .bind(filter_variables(filter))
        .await
        .map_err(|e| internal("search evidence", e))?;
    let rows: Vec<ListingRow> = response
        .take(0)
        .map_err(|e| internal("search evidence", e))?;
    let total: Option<i64> = response
        .take((1, "n"))
        .map_err(|e| internal("count evidence", e))?;
    let total = total.unwrap_or(0).max(0) as u64;
    Ok(EvidencePage {
        items: rows
            .into_iter()
            .map(|r| EvidenceListing {
                snippet: segments(&r.snippet, 320),
                key: r.key,
                kind: r.kind,
                swot_quadrant: r.swot_quadrant,
                value: r.value,
                unit: r.unit,
                country: r.country,
                region: r.region,
                collected_on: r.collected_on,
                consent: r.consent,
                visibility: r.visibility,
                tags: r.tags,
                assessment_id: r.assessment_id,
                assessment: r.assessment,
            })
            .collect(),
        total,
        page,
        pages: total.div_ceil(u64::from(PAGE_SIZE)).max(1) as u32,
    })
}

pub async fn facets(db: &Db, audience: Audience) -> Result<Facets, AppError> {
    let clauses = conditions(&EvidenceFilter::default(), audience);
    let where_clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let query = format!(
        "LET $seen = SELECT country, region, tags FROM evidence {where_clause};
         RETURN {{
            countries: array::sort(array::distinct($seen.country)),
            regions: array::sort(array::distinct($seen.region)),
            tags: array::sort(array::distinct(array::flatten($seen.tags)))
         }};"
    );
    let mut response = db
        .query(query)
        .await
        .map_err(|e| internal("evidence facets", e))?;
    let facets: Option<Facets> = response
        .take(1)
        .map_err(|e| internal("evidence facets", e))?;
    Ok(facets.unwrap_or_default())
}

pub async fn get(
    db: &Db,
    key: &str,
    audience: Audience,
) -> Result<Option<EvidenceDetail>, AppError> {
    let mut clauses = conditions(&EvidenceFilter::default(), audience);
    clauses.push("key = $key");
    let query = format!(
        "SELECT key, kind, swot_quadrant, text, value, unit, sample_size, baseline, country, region,
            collected_on, language, tags, consent, visibility, record::id(assessment) AS assessment_id,
            assessment.title AS assessment, assessment.organisation.name AS organisation
         FROM evidence WHERE {} LIMIT 1",
        clauses.join(" AND ")
    );
    let mut response = db
        .query(query)
        .bind(("key", key.to_string()))
        .await
        .map_err(|e| internal("get evidence", e))?;
    let rows: Vec<EvidenceDetail> = response.take(0).map_err(|e| internal("get evidence", e))?;
    Ok(rows.into_iter().next())
}

/// Creates the item, or updates the one with the same key (re-imports update in place).
pub async fn upsert(db: &Db, assessment_id: &str, fields: &EvidenceFields) -> Result<(), AppError> {
    let result = db
        .query(UPSERT)
        .bind(("assessment", assessment_id.to_string()))
        .bind(("item", item_object(fields)))
        .await
        .and_then(|r| r.check());
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_duplicate(&e) => Err(AppError::invalid("key", Problem::AlreadyTaken)),
        Err(e) => Err(internal("save evidence", e)),
    }
}

/// The same, for many items in one transaction: all or nothing.
pub async fn upsert_all(
    db: &Db,
    assessment_id: &str,
    items: &[EvidenceFields],
) -> Result<(), AppError> {
    let objects: Vec<serde_json::Value> = items.iter().map(item_object).collect();
    db.query(format!(
        "BEGIN TRANSACTION;
         FOR $item IN $items {{ {UPSERT} }};
         COMMIT TRANSACTION;"
    ))
    .bind(("assessment", assessment_id.to_string()))
    .bind(("items", objects))
    .await
    .and_then(|r| r.check())
    .map_err(|e| internal("import evidence", e))?;
    Ok(())
}

const UPSERT: &str = "
    LET $fields = object::extend($item.fields, {
        assessment: type::record('assessment', $assessment),
        updated_at: time::now()
    });
    LET $existing = (SELECT VALUE id FROM evidence WHERE key = $item.key LIMIT 1)[0];
    IF $existing { UPDATE $existing CONTENT $fields } ELSE { CREATE evidence CONTENT $fields };";

/// The item as a SurrealDB object. Absent optional values are left out (JSON null would be
/// stored as NULL, which `option<float>` refuses); CONTENT then clears them on re-import.
fn item_object(fields: &EvidenceFields) -> serde_json::Value {
    let mut object = serde_json::json!({
            "key": fields.key,
            "kind": fields.kind.as_str(),
            "swot_quadrant": fields.swot_quadrant.map(|q| q.as_str()),
            "text": fields.text,
            "value": fields.value,
            "unit": fields.unit,
            "sample_size": fields.sample_size,
            "baseline": fields.baseline,
            "country": fields.country,
            "region": fields.region,
            "collected_on": fields.collected_on,
            "language": fields.language,
            "tags": fields.tags,
            "consent": fields.consent.as_str(),
            "visibility": fields.visibility.as_str(),
    });
    if let Some(map) = object.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    serde_json::json!({ "key": fields.key, "fields": object })
}

pub async fn existing_keys(db: &Db, prefix: &str) -> Result<Vec<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE key FROM evidence WHERE string::starts_with(key, $prefix)")
        .bind(("prefix", prefix.to_string()))
        .await
        .map_err(|e| internal("list keys", e))?;
    response.take(0).map_err(|e| internal("list keys", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_and_filters_make_the_conditions() {
        let public = Audience {
            include_members_only: false,
            include_withdrawn: false,
        };
        let editor = Audience {
            include_members_only: true,
            include_withdrawn: true,
        };
        assert_eq!(
            conditions(&EvidenceFilter::default(), public),
            ["visibility = 'public'", "consent != 'withdrawn'"]
        );
        assert!(conditions(&EvidenceFilter::default(), editor).is_empty());
        let filter = EvidenceFilter {
            q: "work".into(),
            country: "HU".into(),
            ..Default::default()
        };
        assert_eq!(
            conditions(&filter, editor),
            ["country = $country", "text @1@ $q"]
        );
    }
}

#[derive(Debug, SurrealValue)]
struct ExportRow {
    key: String,
    kind: String,
    swot_quadrant: Option<String>,
    text: String,
    value: Option<f64>,
    unit: String,
    sample_size: Option<i64>,
    baseline: Option<f64>,
    country: String,
    region: String,
    collected_on: String,
    language: String,
    tags: Vec<String>,
    consent: String,
    visibility: String,
}

/// Every item the filter and audience allow (no pages), for the CSV export.
pub async fn export(
    db: &Db,
    filter: &EvidenceFilter,
    audience: Audience,
) -> Result<Vec<EvidenceFields>, AppError> {
    let clauses = conditions(filter, audience);
    let where_clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let query = format!(
        "SELECT key, kind, swot_quadrant, text, value, unit, sample_size, baseline, country, region,
            collected_on, language, tags, consent, visibility
         FROM evidence {where_clause} ORDER BY key LIMIT {}",
        crate::domain::evidence_csv::MAX_ROWS
    );
    let mut response = db
        .query(query)
        .bind(filter_variables(filter))
        .await
        .map_err(|e| internal("export evidence", e))?;
    let rows: Vec<ExportRow> = response
        .take(0)
        .map_err(|e| internal("export evidence", e))?;
    rows.into_iter()
        .map(|r| {
            Ok(EvidenceFields {
                kind: r.kind.parse()?,
                swot_quadrant: r.swot_quadrant.map(|q| q.parse()).transpose()?,
                consent: r.consent.parse()?,
                visibility: r.visibility.parse()?,
                key: r.key,
                text: r.text,
                value: r.value,
                unit: r.unit,
                sample_size: r.sample_size,
                baseline: r.baseline,
                country: r.country,
                region: r.region,
                collected_on: r.collected_on,
                language: r.language,
                tags: r.tags,
            })
        })
        .collect()
}
