//! Demo data for a first look at Groundwork: loaded on the first start of the run command
//! (`GROUNDWORK_DEMO=true`) or on demand (`groundwork demo load`). Only into an empty database.
//! It sits above `store` and `auth` because it needs both: the store to write, auth to hash
//! the demo accounts' password.
mod comments;
mod consultation;
mod evidence;
mod paper;
mod versions;

use crate::domain::accounts::{NewOrganisation, Role};
use crate::error::AppError;
use crate::store::{Db, members, organisations, sessions};

/// Every demo account signs in with this password (demo mode only; documented in README).
pub const DEMO_PASSWORD: &str = "groundwork-demo";

const ORGANISATIONS: &[(&str, &str, &str, &str)] = &[
    ("Solidarity Workcamps Network", "SWN", "FR", "network"),
    ("Nordic Youth Exchange Network", "NYEN", "FI", "network"),
    ("Mediterranean Learning Alliance", "MLA", "IT", "network"),
    ("Kapocs Youth Association", "Kapocs", "HU", "member"),
    ("Ágora Voluntariado", "Ágora", "ES", "member"),
    ("Kyklos Community Action", "Kyklos", "GR", "member"),
    ("Brug Vrijwilligers", "Brug", "NL", "member"),
    ("Lien Jeunesse Solidaire", "LJS", "BE", "member"),
    ("Mekong Volunteer Partners", "MVP", "VN", "partner"),
    ("Teranga Jeunesse", "Teranga", "SN", "partner"),
];

/// (name, email, organisation short name, role)
pub const MEMBERS: &[(&str, &str, &str, Role)] = &[
    (
        "Amélie Laurent",
        "amelie.laurent@example.org",
        "SWN",
        Role::Admin,
    ),
    // The demo's editors all work for the network that owns the demo assessments: an
    // editor changes only their own organisation's assessments and findings.
    (
        "Marco Bellini",
        "marco.bellini@example.org",
        "SWN",
        Role::Editor,
    ),
    (
        "Liisa Virtanen",
        "liisa.virtanen@example.org",
        "SWN",
        Role::Editor,
    ),
    (
        "Jonas Weber",
        "jonas.weber@example.org",
        "SWN",
        Role::Editor,
    ),
    (
        "Zsófia Kovács",
        "zsofia.kovacs@example.org",
        "Kapocs",
        Role::Member,
    ),
    (
        "Lucía Romero",
        "lucia.romero@example.org",
        "Ágora",
        Role::Member,
    ),
    (
        "Nikos Papadopoulos",
        "nikos.papadopoulos@example.org",
        "Kyklos",
        Role::Member,
    ),
    (
        "Sanne de Vries",
        "sanne.devries@example.org",
        "Brug",
        Role::Member,
    ),
    (
        "Camille Dubois",
        "camille.dubois@example.org",
        "LJS",
        Role::Member,
    ),
    ("Thu Nguyen", "thu.nguyen@example.org", "MVP", Role::Member),
    ("Awa Diop", "awa.diop@example.org", "Teranga", Role::Member),
];

/// A generated member for load checks: their id and a session cookie (`gw_session=…`).
pub struct GeneratedMember {
    pub id: String,
    pub cookie: String,
}

/// `count` generated members for benchmarks and load tests, named "{label} member N" (e-mail
/// `{label}-member-N@example.org`), spread over the organisations in turn, each with a session
/// written straight to the store: signing thousands of people in would measure Argon2. Never
/// called by the app itself.
pub async fn generated_members(
    db: &Db,
    label: &str,
    count: usize,
) -> Result<Vec<GeneratedMember>, AppError> {
    let organisations = organisations::list(db).await?;
    if organisations.is_empty() {
        return Err(AppError::Internal);
    }
    let mut generated = Vec::with_capacity(count);
    for i in 0..count {
        let id = members::create(
            db,
            members::NewMember {
                name: &format!("{label} member {i}"),
                email: &format!("{}-member-{i}@example.org", label.to_lowercase()),
                organisation_id: &organisations[i % organisations.len()].id,
                role: Role::Member,
                password_hash: "not-a-password",
            },
        )
        .await?;
        let token = crate::auth::token::new_token();
        sessions::create(db, &crate::auth::token::digest(&token), &id, 1).await?;
        generated.push(GeneratedMember {
            id,
            cookie: format!("{}={token}", crate::auth::SESSION_COOKIE),
        });
    }
    Ok(generated)
}

/// Do any of the demo accounts exist (active or not)?
pub async fn accounts_exist(db: &Db) -> Result<bool, AppError> {
    let emails: Vec<&str> = MEMBERS.iter().map(|(_, email, _, _)| *email).collect();
    members::any_with_email(db, &emails).await
}

/// Loads the demo into an empty database; returns false (and changes nothing) otherwise.
pub async fn load_if_empty(db: &Db) -> Result<bool, AppError> {
    if members::count(db).await? > 0 {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for (name, short, country, kind) in ORGANISATIONS {
        let org = NewOrganisation::parse(name, short, country, kind)?;
        let id = match organisations::find_by_name(db, name).await? {
            Some(id) => id,
            None => organisations::create(db, &org).await?,
        };
        ids.push((*short, id));
    }
    // One hash for all demo accounts: argon2 is slow on purpose, and these share a password.
    let hash = tokio::task::spawn_blocking(|| crate::auth::password::hash(DEMO_PASSWORD))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|_| AppError::Internal)?;
    for (name, email, short, role) in MEMBERS {
        let org = ids
            .iter()
            .find(|(s, _)| s == short)
            .map(|(_, id)| id.as_str())
            .ok_or(AppError::Internal)?;
        members::create(
            db,
            members::NewMember {
                name,
                email,
                organisation_id: org,
                role: *role,
                password_hash: &hash,
            },
        )
        .await?;
    }
    let network = ids
        .first()
        .map(|(_, id)| id.as_str())
        .ok_or(AppError::Internal)?;
    evidence::load(db, network).await?;
    paper::load(db).await?;
    Ok(true)
}
