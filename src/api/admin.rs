//! Administration: organisations, members, roles, invitations. Every function checks the
//! admin role itself; the UI hiding a button is not a check.
use crate::domain::accounts::{IssuedInvitation, MemberListing, Organisation, PendingInvitation};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::door,
    crate::auth::{self, token},
    crate::domain::accounts::{self as rules, NewOrganisation, Role},
    crate::store,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminData {
    pub organisations: Vec<Organisation>,
    pub members: Vec<MemberListing>,
    pub invitations: Vec<PendingInvitation>,
    /// An invitation just created by a form posted without JavaScript, shown once.
    pub fresh_invitation: Option<IssuedInvitation>,
}

#[cfg(feature = "ssr")]
const FRESH_INVITATION_COOKIE: &str = "gw_fresh_invitation";

#[cfg(feature = "ssr")]
fn require_admin() -> Result<
    (
        crate::state::AppState,
        crate::domain::accounts::SessionMember,
    ),
    AppError,
> {
    let parts = door::parts()?;
    let member = auth::require_role(&parts, Role::Admin)?;
    Ok((door::state()?, member))
}

#[server(prefix = "/fn", endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<AdminData, AppError> {
    let result = async {
        let (state, _) = require_admin()?;
        let (organisations, members, invitations) = tokio::try_join!(
            store::organisations::list(&state.db),
            store::members::list(&state.db),
            store::invitations::pending(&state.db),
        )?;
        let secure = state.config.secure_cookies;
        let cookie = auth::cookie_name(FRESH_INVITATION_COOKIE, secure);
        let fresh_invitation = door::parts()
            .ok()
            .and_then(|p| auth::cookie_value(&p.headers, &cookie).map(str::to_string))
            .and_then(|v| serde_json::from_str::<IssuedInvitation>(&percent_decode(&v)).ok());
        if fresh_invitation.is_some() {
            door::set_cookie(&auth::site_cookie(
                FRESH_INVITATION_COOKIE,
                "",
                "Strict",
                0,
                secure,
            ));
        }
        Ok(AdminData {
            organisations,
            members,
            invitations,
            fresh_invitation,
        })
    }
    .await;
    door::finish(result, &[])
}

#[cfg(feature = "ssr")]
fn percent_decode(v: &str) -> String {
    form_urlencoded::parse(format!("v={v}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[server(prefix = "/fn", endpoint = "create_organisation")]
pub async fn create_organisation(
    name: String,
    short_name: String,
    country: String,
    kind: String,
) -> Result<String, AppError> {
    let result = async {
        let (state, _) = require_admin()?;
        let org = NewOrganisation::parse(&name, &short_name, &country, &kind)?;
        store::organisations::create(&state.db, &org).await
    }
    .await;
    if result.is_ok() {
        door::redirect_plain_form("/admin?done=organisation");
    }
    door::finish(
        result,
        &[
            ("name", &name),
            ("short_name", &short_name),
            ("country", &country),
            ("kind", &kind),
        ],
    )
}

#[server(prefix = "/fn", endpoint = "invite_member")]
pub async fn invite_member(
    email: String,
    organisation: String,
    role: String,
) -> Result<IssuedInvitation, AppError> {
    let result = async {
        let (state, admin) = require_admin()?;
        let email = rules::normalise_email(&email)?;
        let role: Role = role.parse()?;
        if !store::organisations::exists(&state.db, &organisation).await? {
            return Err(AppError::invalid(
                "organisation",
                crate::error::Problem::InvalidChoice,
            ));
        }
        if store::members::email_taken(&state.db, &email).await? {
            return Err(AppError::invalid(
                "email",
                crate::error::Problem::AlreadyTaken,
            ));
        }
        let invitation_token = token::new_token();
        let expires_at = store::invitations::create(
            &state.db,
            store::invitations::NewInvitation {
                token_hash: &token::digest(&invitation_token),
                email: &email,
                organisation_id: &organisation,
                role,
                invited_by: &admin.id,
                days: state.config.invitation_days,
            },
        )
        .await?;
        let parts = door::parts()?;
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let scheme = if state.config.secure_cookies {
            "https"
        } else {
            "http"
        };
        Ok(IssuedInvitation {
            email,
            url: format!("{scheme}://{host}/invite/{invitation_token}"),
            expires_at,
        })
    }
    .await;
    if let Ok(issued) = &result
        && door::is_plain_form_post()
    {
        // Without JavaScript the page reloads: hand the link over in a short-lived cookie
        // rather than the URL, so it stays out of history and access logs.
        let value: String = form_urlencoded::byte_serialize(
            serde_json::to_string(issued).unwrap_or_default().as_bytes(),
        )
        .collect();
        if let Ok(state) = door::state() {
            door::set_cookie(&auth::site_cookie(
                FRESH_INVITATION_COOKIE,
                &value,
                "Strict",
                300,
                state.config.secure_cookies,
            ));
        }
        door::redirect_plain_form("/admin#invitations");
    }
    door::finish(
        result,
        &[
            ("email", &email),
            ("organisation", &organisation),
            ("role", &role),
        ],
    )
}

#[server(prefix = "/fn", endpoint = "change_role")]
pub async fn change_role(member: String, role: String) -> Result<(), AppError> {
    let result = async {
        let (state, admin) = require_admin()?;
        rules::may_manage_member(&admin, &member)?;
        let role: Role = role.parse()?;
        store::members::set_role(&state.db, &member, role).await?;
        state.sessions_changed();
        Ok(())
    }
    .await;
    if result.is_ok() {
        door::redirect_plain_form("/admin?done=role#members");
    }
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "set_member_active")]
pub async fn set_member_active(member: String, active: bool) -> Result<(), AppError> {
    let result = async {
        let (state, admin) = require_admin()?;
        rules::may_manage_member(&admin, &member)?;
        store::members::set_active(&state.db, &member, active).await?;
        state.sessions_changed();
        Ok(())
    }
    .await;
    if result.is_ok() {
        door::redirect_plain_form("/admin?done=active#members");
    }
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation: String) -> Result<(), AppError> {
    let result = async {
        let (state, _) = require_admin()?;
        if invitation.len() > 128 {
            return Err(AppError::NotFound);
        }
        store::invitations::revoke(&state.db, &invitation).await
    }
    .await;
    if result.is_ok() {
        door::redirect_plain_form("/admin?done=revoked#invitations");
    }
    door::finish(result, &[])
}
