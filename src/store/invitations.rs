//! One-time invitation links. The admin sees the token once; we keep its sha256.
use super::{Db, OrInternal};
use crate::domain::accounts::{PendingInvitation, Role};
use crate::error::AppError;
use surrealdb::types::SurrealValue;

#[derive(Debug, SurrealValue)]
struct PendingRow {
    id: String,
    email: String,
    role: String,
    organisation: String,
    expires_at: i64,
}

/// What accepting an invitation needs to know.
#[derive(Debug, Clone, SurrealValue)]
pub struct OpenInvitation {
    pub email: String,
    pub role: String,
    pub organisation_id: String,
    pub organisation: String,
}

pub struct NewInvitation<'a> {
    pub token_hash: &'a str,
    pub email: &'a str,
    pub organisation_id: &'a str,
    pub role: Role,
    pub invited_by: &'a str,
    pub days: i64,
}

/// Returns the expiry (unix seconds). A new invitation replaces any open one for the address.
pub async fn create(db: &Db, inv: NewInvitation<'_>) -> Result<i64, AppError> {
    let mut response = db
        .query("DELETE invitation WHERE email = $email AND used_at = NONE")
        .query(
            "CREATE ONLY type::record('invitation', $key) SET email = $email,
                organisation = type::record('organisation', $org), role = $role,
                invited_by = type::record('member', $by),
                expires_at = time::now() + type::duration($ttl)
             RETURN VALUE time::unix(expires_at)",
        )
        .bind(("key", inv.token_hash.to_string()))
        .bind(("email", inv.email.to_string()))
        .bind(("org", inv.organisation_id.to_string()))
        .bind(("role", inv.role.as_str().to_string()))
        .bind(("by", inv.invited_by.to_string()))
        .bind(("ttl", format!("{}d", inv.days)))
        .await
        .or_internal("create invitation")?;
    let expires: Option<i64> = response.take(1).or_internal("create invitation")?;
    expires.ok_or_else(|| AppError::internal("invitation answered no expiry"))
}

pub async fn pending(db: &Db) -> Result<Vec<PendingInvitation>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(id) AS id, email, role, organisation.name AS organisation,
                time::unix(expires_at) AS expires_at
             FROM invitation WHERE used_at = NONE AND expires_at > time::now()
             ORDER BY expires_at DESC",
        )
        .await
        .or_internal("list invitations")?;
    let rows: Vec<PendingRow> = response.take(0).or_internal("list invitations")?;
    Ok(rows
        .into_iter()
        .map(|r| PendingInvitation {
            id: r.id,
            email: r.email,
            role: r.role.parse().unwrap_or(Role::Member),
            organisation: r.organisation,
            expires_at: r.expires_at,
        })
        .collect())
}

/// An unused, unexpired invitation.
pub async fn open(db: &Db, token_hash: &str) -> Result<Option<OpenInvitation>, AppError> {
    let mut response = db
        .query(
            "SELECT email, role, record::id(organisation) AS organisation_id,
                organisation.name AS organisation
             FROM ONLY type::record('invitation', $key)
             WHERE used_at = NONE AND expires_at > time::now()",
        )
        .bind(("key", token_hash.to_string()))
        .await
        .or_internal("open invitation")?;
    response.take(0).or_internal("open invitation")
}

/// Marks the invitation used; false if someone used it first.
pub async fn mark_used(db: &Db, token_hash: &str) -> Result<bool, AppError> {
    let mut response = db
        .query(
            "UPDATE type::record('invitation', $key) SET used_at = time::now()
             WHERE used_at = NONE RETURN VALUE record::id(id)",
        )
        .bind(("key", token_hash.to_string()))
        .await
        .or_internal("use invitation")?;
    let updated: Vec<String> = response.take(0).or_internal("use invitation")?;
    Ok(!updated.is_empty())
}

/// Deletes an open invitation; NotFound if there is none with that id.
pub async fn revoke(db: &Db, id: &str) -> Result<(), AppError> {
    let mut response = db
        .query("DELETE type::record('invitation', $id) WHERE used_at = NONE RETURN BEFORE")
        .bind(("id", id.to_string()))
        .await
        .or_internal("revoke invitation")?;
    let deleted: Vec<surrealdb::types::Value> =
        response.take(0).or_internal("revoke invitation")?;
    if deleted.is_empty() {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}
