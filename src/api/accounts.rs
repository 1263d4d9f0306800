//! Signing in and out, accepting an invitation, changing one's password.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::door,
    crate::auth::{self, attempts::Attempt, token},
    crate::domain::accounts::{self as rules, Role},
    crate::store,
};

/// Where to go after signing in or switching language: only a path on this site, else `/`.
/// Only printable ASCII: browsers drop tabs and newlines inside a URL (so `/\t/evil.example`
/// would become `//evil.example`, another site), read `\` as `/`, and a control character
/// cannot go in a Location header at all. Paths this site links to are percent-encoded.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_same_site_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// A path on this site that no browser can read as another host, and of a sane length (the
/// rule `safe_next` explains).
pub fn is_same_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.bytes().all(|b| b.is_ascii_graphic())
        && path.len() <= 512
}

#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let result = login_inner(&email, &password).await;
    if result.is_ok() {
        door::redirect_plain_form(&safe_next(next.as_deref()));
    }
    let keep = [
        ("email", email.as_str()),
        ("next", next.as_deref().unwrap_or("")),
    ];
    door::finish(result, &keep)
}

#[cfg(feature = "ssr")]
async fn login_inner(email: &str, password_typed: &str) -> Result<(), AppError> {
    let state = door::state()?;
    let address = door::client_address();
    // Whatever is wrong with the email, say only "not accepted": never whether it exists.
    let email = rules::normalise_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let email: String = email.chars().take(rules::EMAIL_MAX).collect();
    if password_typed.is_empty() || password_typed.len() > rules::PASSWORD_MAX {
        return Err(AppError::Unauthorized);
    }

    let attempt = Attempt::begin(&state.db, &address, &email).await?;
    let account = store::members::find_for_login(&state.db, &email).await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let matches = match state
        .hashing
        .verify(password_typed, stored.as_deref())
        .await
    {
        Ok(matches) => matches,
        Err(busy) => {
            attempt.abandon(&state.db).await?;
            return Err(busy);
        }
    };
    match account {
        Some(account) if matches && account.active => {
            attempt.succeeded(&state.db).await?;
            start_session(&state, &account.id).await
        }
        // The attempt stays on the record as a failure.
        _ => Err(AppError::Unauthorized),
    }
}

#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = door::state()?;
    if let Some(hash) = door::session().token_hash {
        store::sessions::delete(&state.db, &hash).await?;
        state.sessions_changed();
    }
    door::set_cookie(&auth::clear_session_cookie(state.config.secure_cookies));
    door::redirect_plain_form("/");
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub email: String,
    pub organisation: String,
    pub role: crate::domain::accounts::Role,
}

/// What an invitation link offers, or NotFound if it is unknown, used or expired.
#[server(prefix = "/fn", endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationDetails, AppError> {
    let result = async {
        if !token::looks_valid(&token) {
            return Err(AppError::NotFound);
        }
        let state = door::state()?;
        let open = store::invitations::open(&state.db, &token::digest(&token))
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(InvitationDetails {
            email: open.email,
            organisation: open.organisation,
            role: open.role.parse().unwrap_or(Role::Member),
        })
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let result = accept_inner(&token, &name, &password, &password_confirm).await;
    if result.is_ok() {
        door::redirect_plain_form("/account?welcome=1");
    }
    door::finish(result, &[("name", name.as_str())])
}

#[cfg(feature = "ssr")]
async fn accept_inner(
    token_text: &str,
    name: &str,
    password_typed: &str,
    confirm: &str,
) -> Result<(), AppError> {
    use crate::error::Problem;
    let state = door::state()?;
    if !token::looks_valid(token_text) {
        return Err(AppError::invalid("token", Problem::InvitationInvalid));
    }
    let name = rules::clean_text("name", name, rules::NAME_MAX)?;
    rules::check_new_password(password_typed, confirm)?;
    let key = token::digest(token_text);
    let open = store::invitations::open(&state.db, &key)
        .await?
        .ok_or_else(|| AppError::invalid("token", Problem::InvitationInvalid))?;
    if store::members::email_taken(&state.db, &open.email).await? {
        return Err(AppError::invalid("email", Problem::AlreadyTaken));
    }
    let hash = state.hashing.hash(password_typed).await?;
    if !store::invitations::mark_used(&state.db, &key).await? {
        return Err(AppError::invalid("token", Problem::InvitationInvalid));
    }
    let member_id = store::members::create(
        &state.db,
        store::members::NewMember {
            name: &name,
            email: &open.email,
            organisation_id: &open.organisation_id,
            role: open.role.parse().unwrap_or(Role::Member),
            password_hash: &hash,
        },
    )
    .await?;
    start_session(&state, &member_id).await
}

/// Signs `member_id` in on this browser: a new session stored by its digest, its token in the
/// cookie.
#[cfg(feature = "ssr")]
async fn start_session(state: &crate::state::AppState, member_id: &str) -> Result<(), AppError> {
    let session_token = token::new_token();
    store::sessions::create(
        &state.db,
        &token::digest(&session_token),
        member_id,
        state.config.session_days,
    )
    .await?;
    door::set_cookie(&auth::session_cookie(
        &session_token,
        state.config.session_days,
        state.config.secure_cookies,
    ));
    Ok(())
}

#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let result = async {
        use crate::error::Problem;
        let state = door::state()?;
        let session = door::session();
        let (Some(member), Some(session_key)) = (session.member, session.token_hash) else {
            return Err(AppError::Unauthorized);
        };
        rules::check_new_password(&password, &password_confirm)?;
        let stored = store::members::password_hash(&state.db, &member.id)
            .await?
            .unwrap_or_default();
        if current_password.len() > rules::PASSWORD_MAX {
            return Err(AppError::invalid(
                "current_password",
                Problem::WrongPassword,
            ));
        }
        // A borrowed or stolen session must not become a way to guess the password.
        let attempt = Attempt::begin(&state.db, &door::client_address(), &member.email).await?;
        let matches = match state.hashing.verify(&current_password, Some(&stored)).await {
            Ok(matches) => matches,
            Err(busy) => {
                attempt.abandon(&state.db).await?;
                return Err(busy);
            }
        };
        if matches {
            attempt.succeeded(&state.db).await?;
        } else {
            return Err(AppError::invalid(
                "current_password",
                Problem::WrongPassword,
            ));
        }
        let hash = state.hashing.hash(&password).await?;
        store::members::set_password(&state.db, &member.id, &hash).await?;
        store::sessions::delete_others(&state.db, &member.id, &session_key).await?;
        state.sessions_changed();
        Ok(())
    }
    .await;
    if result.is_ok() {
        door::redirect_plain_form("/account?changed=1");
    }
    door::finish(result, &[])
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        for (input, expected) in [
            (None, "/"),
            (Some("/admin"), "/admin"),
            (Some("//evil.example"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("/\\evil"), "/"),
            (Some(""), "/"),
        ] {
            assert_eq!(safe_next(input), expected, "{input:?}");
        }
    }

    #[test]
    fn next_refuses_what_a_browser_could_read_as_another_site() {
        for attack in [
            // Browsers drop tab, CR and LF inside URLs: these become `//evil.example`.
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\t\\evil.example",
            // A control character cannot go in a Location header at all.
            "/\u{1}",
            "/\u{0}",
            "/\u{7f}",
            "/\u{1b}[2J",
            "/ /evil.example",
            " /evil.example",
            "/\u{a0}/evil.example",
            "/\u{3000}/evil.example",
            "/\\evil.example",
            "/x\\y",
            "\\/evil.example",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
        ] {
            assert_eq!(safe_next(Some(attack)), "/", "{attack:?}");
        }
        for fine in [
            "/",
            "/papers/housing-2026/draft",
            "/evidence?q=rent%20arrears&page=2",
            "/lang/fr?next=%2Flogin",
            "/a/./b#top",
        ] {
            assert_eq!(safe_next(Some(fine)), fine);
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(600)))), "/");
    }

    proptest::proptest! {
        /// Whatever `next` says, the browser is sent to this site: the answer is the input or
        /// `/`, resolves against this site's address to this site, and fits a Location header.
        #[test]
        fn any_next_stays_on_this_site(next in proptest::prelude::any::<String>()) {
            check_stays(&next)?;
        }

        #[test]
        fn path_like_next_stays_on_this_site(next in r"[/\\\t\n\r @:.%a-z0-9?#\x01\x7f\u{a0}]{0,24}") {
            check_stays(&next)?;
        }
    }

    fn check_stays(next: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let target = safe_next(Some(next));
        proptest::prop_assert!(target == next || target == "/");
        let here = reqwest::Url::parse("https://gw.example/papers").unwrap();
        let resolved = here.join(&target).unwrap();
        proptest::prop_assert_eq!(resolved.host_str(), Some("gw.example"), "{:?}", next);
        proptest::prop_assert!(http::HeaderValue::from_str(&target).is_ok());
        Ok(())
    }
}
