//! Sign-in sessions. The cookie holds a random token; the database holds only its sha256,
//! as the record key, so a leaked database does not leak live sessions.
use super::{Db, OrInternal, members};
use crate::domain::accounts::SessionMember;
use crate::error::AppError;

pub async fn create(db: &Db, token_hash: &str, member_id: &str, days: i64) -> Result<(), AppError> {
    db.query(
        "CREATE type::record('session', $key) SET member = type::record('member', $member),
            expires_at = time::now() + type::duration($ttl)",
    )
    .bind(("key", token_hash.to_string()))
    .bind(("member", member_id.to_string()))
    .bind(("ttl", format!("{days}d")))
    .await
    .and_then(|r| r.check())
    .or_internal("create session")?;
    Ok(())
}

/// The active member behind a session that has not expired: one query per request.
pub async fn member(db: &Db, token_hash: &str) -> Result<Option<SessionMember>, AppError> {
    let mut response = db
        .query(
            "SELECT record::id(member) AS id, member.name AS name, member.email AS email,
                member.role AS role, member.active AS active, member.organisation.name AS organisation,
                record::id(member.organisation) AS organisation_id
             FROM ONLY type::record('session', $key)
             WHERE expires_at > time::now()",
        )
        .bind(("key", token_hash.to_string()))
        .await
        .or_internal("find session")?;
    let row: Option<members::MemberRow> = response.take(0).or_internal("find session")?;
    Ok(row
        .map(members::into_listing)
        .filter(|m| m.active)
        .map(members::to_session_member))
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), AppError> {
    db.query("DELETE type::record('session', $key)")
        .bind(("key", token_hash.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("delete session")?;
    Ok(())
}

/// Ends every other session of a member (after a password change).
pub async fn delete_others(db: &Db, member_id: &str, keep: &str) -> Result<(), AppError> {
    db.query("DELETE session WHERE member = type::record('member', $member) AND id != type::record('session', $keep)")
        .bind(("member", member_id.to_string()))
        .bind(("keep", keep.to_string()))
        .await
        .and_then(|r| r.check())
        .or_internal("delete sessions")?;
    Ok(())
}

pub async fn purge_expired(db: &Db) -> Result<(), AppError> {
    db.query("DELETE session WHERE expires_at < time::now()")
        .await
        .and_then(|r| r.check())
        .or_internal("purge sessions")?;
    Ok(())
}
