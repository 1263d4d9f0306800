use super::{Db, OrInternal, internal, is_duplicate};
use crate::domain::accounts::{MemberListing, Role, SessionMember};
use crate::error::{AppError, Problem};
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
pub struct LoginRow {
    pub id: String,
    pub password_hash: String,
    pub active: bool,
}

#[derive(Debug, SurrealValue)]
pub(super) struct MemberRow {
    id: String,
    name: String,
    email: String,
    role: String,
    active: bool,
    organisation: String,
    organisation_id: String,
}

fn role(s: &str) -> Role {
    // The schema only admits the three names; fall back to the least privilege regardless.
    s.parse().unwrap_or(Role::Member)
}

const MEMBER_FIELDS: &str = "record::id(id) AS id, name, email, role, active,
    organisation.name AS organisation, record::id(organisation) AS organisation_id";

pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<LoginRow>, AppError> {
    let mut response = db
        .query("SELECT record::id(id) AS id, password_hash, active FROM member WHERE email = $email LIMIT 1")
        .bind(("email", email.to_string()))
        .await
        .or_internal("find member for log-in")?;
    let rows: Vec<LoginRow> = response.take(0).or_internal("find member for log-in")?;
    Ok(rows.into_iter().next())
}

pub async fn get(db: &Db, id: &str) -> Result<Option<MemberListing>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {MEMBER_FIELDS} FROM ONLY type::record('member', $id)"
        ))
        .bind(("id", id.to_string()))
        .await
        .or_internal("get member")?;
    let row: Option<MemberRow> = response.take(0).or_internal("get member")?;
    Ok(row.map(into_listing))
}

pub(super) fn into_listing(r: MemberRow) -> MemberListing {
    MemberListing {
        role: role(&r.role),
        id: r.id,
        name: r.name,
        email: r.email,
        active: r.active,
        organisation: r.organisation,
        organisation_id: r.organisation_id,
    }
}

pub fn to_session_member(m: MemberListing) -> SessionMember {
    SessionMember {
        id: m.id,
        name: m.name,
        email: m.email,
        role: m.role,
        organisation: m.organisation,
        organisation_id: m.organisation_id,
    }
}

pub async fn list(db: &Db) -> Result<Vec<MemberListing>, AppError> {
    let mut response = db
        .query(format!(
            "SELECT {MEMBER_FIELDS} FROM member ORDER BY active DESC, name COLLATE ASC"
        ))
        .await
        .or_internal("list members")?;
    let rows: Vec<MemberRow> = response.take(0).or_internal("list members")?;
    Ok(rows.into_iter().map(into_listing).collect())
}

pub async fn count(db: &Db) -> Result<i64, AppError> {
    let mut response = db
        .query("RETURN count(SELECT id FROM member)")
        .await
        .or_internal("count members")?;
    let n: Option<i64> = response.take(0).or_internal("count members")?;
    Ok(n.unwrap_or(0))
}

/// Does a member with one of these addresses exist?
pub async fn any_with_email(db: &Db, emails: &[&str]) -> Result<bool, AppError> {
    let emails: Vec<String> = emails.iter().map(|e| e.to_string()).collect();
    let mut response = db
        .query("RETURN count(SELECT id FROM member WHERE email IN $emails) > 0")
        .bind(("emails", emails))
        .await
        .or_internal("find members")?;
    let found: Option<bool> = response.take(0).or_internal("find members")?;
    Ok(found.unwrap_or(false))
}

pub async fn email_taken(db: &Db, email: &str) -> Result<bool, AppError> {
    Ok(find_for_login(db, email).await?.is_some())
}

pub struct NewMember<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub organisation_id: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

pub async fn create(db: &Db, m: NewMember<'_>) -> Result<String, AppError> {
    let result = db
        .query(
            "CREATE ONLY member SET name = $name, email = $email,
                organisation = type::record('organisation', $org), role = $role,
                password_hash = $hash, active = true
             RETURN VALUE record::id(id)",
        )
        .bind(("name", m.name.to_string()))
        .bind(("email", m.email.to_string()))
        .bind(("org", m.organisation_id.to_string()))
        .bind(("role", m.role.as_str().to_string()))
        .bind(("hash", m.password_hash.to_string()))
        .await
        .and_then(|mut r| r.take::<Option<String>>(0));
    match result {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(AppError::internal("create member answered no id")),
        Err(e) if is_duplicate(&e) => Err(AppError::invalid("email", Problem::AlreadyTaken)),
        Err(e) => Err(internal("create member", e)),
    }
}

pub async fn set_role(db: &Db, id: &str, role: Role) -> Result<(), AppError> {
    let mut response = db
        .query("UPDATE type::record('member', $id) SET role = $role RETURN VALUE record::id(id)")
        .bind(("id", id.to_string()))
        .bind(("role", role.as_str().to_string()))
        .await
        .or_internal("set role")?;
    let updated: Vec<String> = response.take(0).or_internal("set role")?;
    if updated.is_empty() {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Deactivating also ends every session of that member. (Session look-ups check `active`
/// too, so a failure between the two statements cannot leave a deactivated member signed in.)
pub async fn set_active(db: &Db, id: &str, active: bool) -> Result<(), AppError> {
    let mut response = db
        .query(
            "UPDATE type::record('member', $id) SET active = $active RETURN VALUE record::id(id)",
        )
        .query("IF !$active { DELETE session WHERE member = type::record('member', $id) }")
        .bind(("id", id.to_string()))
        .bind(("active", active))
        .await
        .or_internal("set active")?;
    let updated: Vec<String> = response.take(0).or_internal("set active")?;
    if updated.is_empty() {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn set_password(db: &Db, id: &str, hash: &str) -> Result<(), AppError> {
    db.query("UPDATE type::record('member', $id) SET password_hash = $hash")
        .bind(("id", id.to_string()))
        .bind(("hash", hash.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("set password")?;
    Ok(())
}

pub async fn password_hash(db: &Db, id: &str) -> Result<Option<String>, AppError> {
    let mut response = db
        .query("SELECT VALUE password_hash FROM ONLY type::record('member', $id)")
        .bind(("id", id.to_string()))
        .await
        .or_internal("read password")?;
    response.take(0).or_internal("read password")
}
