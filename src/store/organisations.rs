use super::{Db, OrInternal, internal, is_duplicate};
use crate::domain::accounts::{NewOrganisation, Organisation};
use crate::error::{AppError, Problem};
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
struct Row {
    id: String,
    name: String,
    short_name: String,
    country: String,
    kind: String,
    member_count: i64,
}

impl Row {
    fn into_organisation(self) -> Organisation {
        Organisation {
            id: self.id,
            name: self.name,
            short_name: self.short_name,
            country: self.country,
            kind: self
                .kind
                .parse()
                .unwrap_or(crate::domain::accounts::OrgKind::Member),
            member_count: self.member_count.max(0) as u32,
        }
    }
}

pub async fn list(db: &Db) -> Result<Vec<Organisation>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, name, short_name, country, kind,
                count(SELECT id FROM member WHERE organisation = $parent.id AND active = true) AS member_count
             FROM organisation ORDER BY name COLLATE ASC",
        )
        .await
        .or_internal("list organisations")?;
    let rows: Vec<Row> = response.take(0).or_internal("list organisations")?;
    Ok(rows.into_iter().map(Row::into_organisation).collect())
}

pub async fn exists(db: &Db, id: &str) -> Result<bool, AppError> {
    let mut response = db
        .query("SELECT VALUE id FROM ONLY type::record('organisation', $id)")
        .bind(("id", id.to_string()))
        .await
        .or_internal("find organisation")?;
    let found: Option<surrealdb::types::RecordId> =
        response.take(0).or_internal("find organisation")?;
    Ok(found.is_some())
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE record::id(id) FROM organisation WHERE string::lowercase(name) = string::lowercase($name) LIMIT 1")
        .bind(("name", name.to_string()))
        .await
        .or_internal("find organisation")?;
    let ids: Vec<String> = response.take(0).or_internal("find organisation")?;
    Ok(ids.into_iter().next())
}

/// Returns the new organisation's id.
pub async fn create(db: &Db, org: &NewOrganisation) -> Result<String, AppError> {
    if find_by_name(db, &org.name).await?.is_some() {
        return Err(AppError::invalid("name", Problem::AlreadyTaken));
    }
    let result = db
        .query(
            "CREATE ONLY organisation SET name = $name, short_name = $short_name,
                country = $country, kind = $kind RETURN VALUE record::id(id)",
        )
        .bind(("name", org.name.clone()))
        .bind(("short_name", org.short_name.clone()))
        .bind(("country", org.country.to_string()))
        .bind(("kind", org.kind.as_str().to_string()))
        .await
        .and_then(|mut r| r.take::<Option<String>>(0));
    match result {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(AppError::internal("create organisation answered no id")),
        Err(e) if is_duplicate(&e) => Err(AppError::invalid("name", Problem::AlreadyTaken)),
        Err(e) => Err(internal("create organisation", e)),
    }
}
