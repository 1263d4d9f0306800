//! Organisations, members and roles: the shapes shared by server and browser, and the rules
//! every input must pass before it reaches the database.
use crate::domain::countries::normalise_country;
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub const NAME_MAX: usize = 120;
pub const SHORT_NAME_MAX: usize = 24;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 10;
/// Argon2 hashes whatever it is given; a cap keeps a megabyte "password" from costing CPU.
pub const PASSWORD_MAX: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Member => "member",
        }
    }

    /// Roles are ordered: an admin may do everything an editor may, an editor everything a
    /// member may.
    pub fn at_least(self, required: Role) -> bool {
        self >= required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "admin" => Ok(Role::Admin),
            "editor" => Ok(Role::Editor),
            "member" => Ok(Role::Member),
            _ => Err(AppError::invalid("role", Problem::InvalidChoice)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Network,
    Member,
    Partner,
}

impl OrgKind {
    pub const ALL: [OrgKind; 3] = [OrgKind::Network, OrgKind::Member, OrgKind::Partner];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Network => "network",
            OrgKind::Member => "member",
            OrgKind::Partner => "partner",
        }
    }
}

impl FromStr for OrgKind {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "network" => Ok(OrgKind::Network),
            "member" => Ok(OrgKind::Member),
            "partner" => Ok(OrgKind::Partner),
            _ => Err(AppError::invalid("kind", Problem::InvalidChoice)),
        }
    }
}

/// The signed-in person as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionMember {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The organisation's name, to show.
    pub organisation: String,
    /// The organisation's id: what it may change is decided by it.
    pub organisation_id: String,
}

impl SessionMember {
    /// May this member change what belongs to the organisation `owner` (an assessment and
    /// its findings)? Admins anything; editors only their own organisation's; members
    /// nothing. Papers are not owned this way: their listed editors change them.
    pub fn may_change_work_of(&self, owner: &str) -> Result<(), AppError> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Editor if self.organisation_id == owner => Ok(()),
            Role::Editor => Err(AppError::OtherOrganisation),
            Role::Member => Err(AppError::Forbidden),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub country: String,
    pub kind: OrgKind,
    pub member_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberListing {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub organisation: String,
    pub organisation_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub organisation: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// A new invitation: the link is shown once to the admin and never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedInvitation {
    pub email: String,
    /// The full link to hand to the invitee.
    pub url: String,
    pub expires_at: i64,
}

/// Validated input for a new organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub name: String,
    pub short_name: String,
    pub country: &'static str,
    pub kind: OrgKind,
}

impl NewOrganisation {
    pub fn parse(
        name: &str,
        short_name: &str,
        country: &str,
        kind: &str,
    ) -> Result<Self, AppError> {
        Ok(NewOrganisation {
            name: clean_text("name", name, NAME_MAX)?,
            short_name: clean_text("short_name", short_name, SHORT_NAME_MAX)?,
            country: normalise_country(country)
                .ok_or_else(|| AppError::invalid("country", Problem::InvalidCountry))?,
            kind: kind.parse()?,
        })
    }
}

/// Trims, collapses inner runs of white space and control characters, and enforces a
/// non-empty value of at most `max` characters.
pub fn clean_text(field: &str, input: &str, max: usize) -> Result<String, AppError> {
    let cleaned = input
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if cleaned.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    Ok(cleaned)
}

/// Emails are compared lower-cased; the check is deliberately modest (one `@`, a dot in the
/// domain, no spaces): the invitation link is the real proof that an address works.
pub fn normalise_email(input: &str) -> Result<String, AppError> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", Problem::Required));
    }
    if email.len() > EMAIL_MAX {
        return Err(AppError::invalid(
            "email",
            Problem::TooLong { max: EMAIL_MAX },
        ));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid("email", Problem::InvalidEmail))
    }
}

/// A new password must be long enough and typed the same twice.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Err(AppError::invalid(
            "password",
            Problem::TooShort { min: PASSWORD_MIN },
        ));
    }
    if length > PASSWORD_MAX {
        return Err(AppError::invalid(
            "password",
            Problem::TooLong { max: PASSWORD_MAX },
        ));
    }
    if password != confirmation {
        return Err(AppError::invalid(
            "password_confirm",
            Problem::PasswordsDiffer,
        ));
    }
    Ok(())
}

/// May `actor` change the role or active state of `target`? Admins manage everyone but
/// themselves, so a network can never lock out its last administrator by accident.
pub fn may_manage_member(actor: &SessionMember, target_id: &str) -> Result<(), AppError> {
    if !actor.role.at_least(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    if actor.id == target_id {
        return Err(AppError::invalid("member", Problem::CannotChangeOwnAccount));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, role: Role) -> SessionMember {
        SessionMember {
            id: id.into(),
            name: "A".into(),
            email: "a@example.org".into(),
            role,
            organisation: "Org".into(),
            organisation_id: "org1".into(),
        }
    }

    #[test]
    fn editors_change_their_own_organisations_work_admins_anyones() {
        let table = [
            (Role::Admin, "org1", Ok(())),
            (Role::Admin, "org2", Ok(())),
            (Role::Editor, "org1", Ok(())),
            (Role::Editor, "org2", Err(AppError::OtherOrganisation)),
            (Role::Member, "org1", Err(AppError::Forbidden)),
        ];
        for (role, owner, expected) in table {
            assert_eq!(
                member("m", role).may_change_work_of(owner),
                expected,
                "{role:?} on {owner}"
            );
        }
    }

    #[test]
    fn roles_are_ordered() {
        let table = [
            (Role::Admin, Role::Admin, true),
            (Role::Admin, Role::Member, true),
            (Role::Editor, Role::Admin, false),
            (Role::Editor, Role::Editor, true),
            (Role::Member, Role::Editor, false),
            (Role::Member, Role::Member, true),
        ];
        for (have, need, ok) in table {
            assert_eq!(have.at_least(need), ok, "{have} vs {need}");
        }
    }

    #[test]
    fn roles_and_kinds_parse_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>(), Ok(kind));
        }
        assert_eq!(
            "root".parse::<Role>(),
            Err(AppError::invalid("role", Problem::InvalidChoice))
        );
        assert_eq!(
            "".parse::<OrgKind>(),
            Err(AppError::invalid("kind", Problem::InvalidChoice))
        );
    }

    #[test]
    fn emails() {
        let table = [
            ("Ana@Example.org", Ok("ana@example.org")),
            ("  ana@example.org ", Ok("ana@example.org")),
            ("", Err(Problem::Required)),
            ("ana", Err(Problem::InvalidEmail)),
            ("ana@localhost", Err(Problem::InvalidEmail)),
            ("@example.org", Err(Problem::InvalidEmail)),
            ("a b@example.org", Err(Problem::InvalidEmail)),
            ("a@b@example.org", Err(Problem::InvalidEmail)),
            ("<script>@x.org", Err(Problem::InvalidEmail)),
        ];
        for (input, expected) in table {
            let got = normalise_email(input).map_err(|e| match e {
                AppError::Validation { problem, .. } => problem,
                other => panic!("{other:?}"),
            });
            assert_eq!(got, expected.map(String::from), "{input:?}");
        }
        let long = format!("{}@example.org", "a".repeat(300));
        assert!(matches!(
            normalise_email(&long),
            Err(AppError::Validation {
                problem: Problem::TooLong { .. },
                ..
            })
        ));
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            clean_text("name", "  Solidarités\t Jeunesses \n", 50).unwrap(),
            "Solidarités Jeunesses"
        );
        assert_eq!(
            clean_text("name", "   ", 50),
            Err(AppError::invalid("name", Problem::Required))
        );
        assert_eq!(
            clean_text("name", &"é".repeat(51), 50),
            Err(AppError::invalid("name", Problem::TooLong { max: 50 }))
        );
        assert_eq!(
            clean_text("name", &"é".repeat(50), 50)
                .unwrap()
                .chars()
                .count(),
            50
        );
    }

    #[test]
    fn new_passwords() {
        assert!(check_new_password("long enough pass", "long enough pass").is_ok());
        assert_eq!(
            check_new_password("short", "short"),
            Err(AppError::invalid(
                "password",
                Problem::TooShort { min: PASSWORD_MIN }
            ))
        );
        assert_eq!(
            check_new_password("long enough pass", "long enough pasS"),
            Err(AppError::invalid(
                "password_confirm",
                Problem::PasswordsDiffer
            ))
        );
        let huge = "x".repeat(PASSWORD_MAX + 1);
        assert_eq!(
            check_new_password(&huge, &huge),
            Err(AppError::invalid(
                "password",
                Problem::TooLong { max: PASSWORD_MAX }
            ))
        );
    }

    #[test]
    fn organisations_are_validated() {
        let org = NewOrganisation::parse(" Youth Action ", "YA", "hu", "member").unwrap();
        assert_eq!(org.country, "HU");
        assert_eq!(org.kind, OrgKind::Member);
        assert_eq!(
            NewOrganisation::parse("X", "X", "XX", "member"),
            Err(AppError::invalid("country", Problem::InvalidCountry))
        );
        assert_eq!(
            NewOrganisation::parse("X", "X", "FR", "club"),
            Err(AppError::invalid("kind", Problem::InvalidChoice))
        );
        assert_eq!(
            NewOrganisation::parse("", "X", "FR", "member"),
            Err(AppError::invalid("name", Problem::Required))
        );
    }

    #[test]
    fn only_admins_manage_others() {
        let admin = member("a1", Role::Admin);
        assert!(may_manage_member(&admin, "m2").is_ok());
        assert_eq!(
            may_manage_member(&admin, "a1"),
            Err(AppError::invalid("member", Problem::CannotChangeOwnAccount))
        );
        assert_eq!(
            may_manage_member(&member("e1", Role::Editor), "m2"),
            Err(AppError::Forbidden)
        );
    }
}
