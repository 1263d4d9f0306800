//! A paper's editors: who may change its blocks. Its listed editors and admins manage the
//! list; it never becomes empty.
use crate::domain::accounts::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::door,
    super::papers::access::{editable, writable},
    crate::error::Problem,
    crate::store,
    input::member_id_input,
};

/// A member as a paper's editors page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorEntry {
    pub id: String,
    pub name: String,
    /// Admins only: like the administration page, the app shows addresses to admins alone.
    pub email: Option<String>,
    pub organisation: String,
    pub role: Role,
    pub active: bool,
}

/// A paper's listed editors, and who could be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperEditorList {
    pub slug: String,
    pub title: String,
    pub editors: Vec<EditorEntry>,
    /// Active members with the editor or admin role who are not listed yet.
    pub candidates: Vec<EditorEntry>,
}

/// The longest member id the editors forms accept.
pub const MEMBER_ID_MAX: usize = 64;

#[server(prefix = "/fn", endpoint = "paper_editors", input = leptos::server_fn::codec::GetUrl)]
pub async fn paper_editors(slug: String) -> Result<PaperEditorList, AppError> {
    let result = async {
        let (state, member, paper) = editable(&slug).await?;
        let show_emails = member.role == Role::Admin;
        let (listed, candidates) = store::papers::editors(&state.db, &paper.id).await?;
        let entry = |row: store::papers::EditorRow| EditorEntry {
            role: row.role.parse().unwrap_or(Role::Member),
            email: show_emails.then_some(row.email),
            id: row.id,
            name: row.name,
            organisation: row.organisation,
            active: row.active,
        };
        Ok(PaperEditorList {
            slug: paper.slug,
            title: paper.title,
            editors: listed.into_iter().map(entry).collect(),
            candidates: candidates.into_iter().map(entry).collect(),
        })
    }
    .await;
    door::finish(result, &[])
}

/// Lists a member with the editor or admin role as an editor of the paper. Answers false
/// (and changes nothing) when they already are one.
#[server(prefix = "/fn", endpoint = "add_paper_editor")]
pub async fn add_paper_editor(slug: String, member: String) -> Result<bool, AppError> {
    let result = async {
        let (state, me, paper) = writable(&slug).await?;
        let id = member_id_input("member", &member)?;
        // Unknown, deactivated and plain members are all "not one of the choices offered".
        let not_eligible = || AppError::invalid("member", Problem::InvalidChoice);
        let candidate = store::members::get(&state.db, &id)
            .await?
            .filter(|m| m.active)
            .ok_or_else(not_eligible)?;
        if !candidate.role.at_least(Role::Editor) {
            return Err(not_eligible());
        }
        let added = !store::papers::is_listed_editor(&state.db, &paper.id, &candidate.id).await?;
        if added {
            store::papers::add_editor(&state.db, &paper.id, &candidate.id, Some(&me.id)).await?;
        }
        let done = if added { "added" } else { "unchanged" };
        door::redirect_plain_form(&format!("/papers/{slug}/editors?done={done}"));
        Ok(added)
    }
    .await;
    door::finish(result, &[("member", &member)])
}

/// Takes a member off the paper's editors. The last editor stays (a paper always has one);
/// answers false when they were not listed.
#[server(prefix = "/fn", endpoint = "remove_paper_editor")]
pub async fn remove_paper_editor(slug: String, editor: String) -> Result<bool, AppError> {
    let result = async {
        let (state, me, paper) = writable(&slug).await?;
        let id = member_id_input("editor", &editor)?;
        let removed =
            match store::papers::remove_editor(&state.db, &paper.id, &id, Some(&me.id)).await {
                Ok(()) => true,
                Err(store::papers::RemoveRefused::NotListed) => false,
                Err(store::papers::RemoveRefused::LastEditor) => {
                    return Err(AppError::invalid("editors", Problem::TooShort { min: 1 }));
                }
                Err(store::papers::RemoveRefused::Error(e)) => return Err(e),
            };
        // An editor who took themselves off may no longer manage the list: back to the draft.
        if removed && id == me.id && me.role != Role::Admin {
            door::redirect_plain_form(&format!("/papers/{slug}/draft"));
        } else {
            let done = if removed { "removed" } else { "unchanged" };
            door::redirect_plain_form(&format!("/papers/{slug}/editors?done={done}"));
        }
        Ok(removed)
    }
    .await;
    door::finish(result, &[])
}

#[cfg(feature = "ssr")]
mod input {
    use super::MEMBER_ID_MAX;
    use crate::error::{AppError, Problem};

    /// A member id posted by a form: required, and no longer than any id is.
    pub fn member_id_input(field: &str, value: &str) -> Result<String, AppError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(AppError::invalid(field, Problem::Required));
        }
        if value.chars().count() > MEMBER_ID_MAX {
            return Err(AppError::invalid(
                field,
                Problem::TooLong { max: MEMBER_ID_MAX },
            ));
        }
        Ok(value.to_string())
    }
}
