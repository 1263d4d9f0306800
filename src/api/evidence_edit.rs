//! Editors create and change assessments and evidence items. Every function checks the
//! editor role itself; the UI hiding a button is not a check.
use crate::domain::assessments::AssessmentInput;
use crate::domain::evidence::EvidenceInput;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::door,
    crate::auth,
    crate::domain::accounts::{Role, SessionMember},
    crate::domain::evidence::{self as rules, EvidenceKind},
    crate::domain::evidence_history::{FieldChange, check_key_change, diff, reason_for_consent},
    crate::state::AppState,
    crate::store,
};

#[cfg(feature = "ssr")]
fn require_editor() -> Result<(AppState, SessionMember), AppError> {
    let parts = door::parts()?;
    let member = auth::require_role(&parts, Role::Editor)?;
    Ok((door::state()?, member))
}

/// Refuses a member who may not change the assessment's work (404 when there is no such
/// assessment).
#[cfg(feature = "ssr")]
pub(super) async fn may_change(
    state: &AppState,
    member: &SessionMember,
    assessment: &str,
) -> Result<(), AppError> {
    let owner = store::assessments::owner(&state.db, assessment)
        .await?
        .ok_or(AppError::NotFound)?;
    member.may_change_work_of(&owner)
}

/// What the assessment form starts from: empty for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentFormView {
    pub id: String,
    pub input: AssessmentInput,
}

#[server(prefix = "/fn", endpoint = "assessment_form", input = leptos::server_fn::codec::GetUrl)]
pub async fn assessment_form(id: String) -> Result<AssessmentFormView, AppError> {
    let result = async {
        let (state, member) = require_editor()?;
        if id.is_empty() {
            return Ok(AssessmentFormView {
                id,
                input: AssessmentInput::default(),
            });
        }
        if id.len() > 64 {
            return Err(AppError::NotFound);
        }
        // Only for someone whose save would be taken: another organisation's editor is told
        // so here, not after typing.
        may_change(&state, &member, &id).await?;
        let d = store::assessments::get(&state.db, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(AssessmentFormView {
            id: d.id,
            input: AssessmentInput {
                title: d.title,
                programme: d.programme,
                method: d.method,
                period_from: d.period_from,
                period_to: d.period_to,
                countries: d.countries.join(", "),
                summary: d.summary,
                link: d.link,
            },
        })
    }
    .await;
    door::finish(result, &[])
}

/// Creates (empty `id`) or updates an assessment; answers its id.
#[server(prefix = "/fn", endpoint = "save_assessment")]
pub async fn save_assessment(id: String, assessment: AssessmentInput) -> Result<String, AppError> {
    let result = async {
        let (state, member) = require_editor()?;
        let fields = assessment.validate()?;
        let id = if id.is_empty() {
            store::assessments::create(
                &state.db,
                &fields,
                store::assessments::Owner::MemberOf(&member.id),
            )
            .await?
        } else {
            if id.len() > 64 {
                return Err(AppError::NotFound);
            }
            may_change(&state, &member, &id).await?;
            store::assessments::update(&state.db, &id, &fields).await?;
            id
        };
        door::redirect_plain_form(&format!("/assessments/{id}?saved=1"));
        Ok(id)
    }
    .await;
    let a = &assessment;
    door::finish(
        result,
        &[
            ("assessment[title]", &a.title),
            ("assessment[programme]", &a.programme),
            ("assessment[method]", &a.method),
            ("assessment[period_from]", &a.period_from),
            ("assessment[period_to]", &a.period_to),
            ("assessment[countries]", &a.countries),
            ("assessment[summary]", &a.summary),
            ("assessment[link]", &a.link),
        ],
    )
}

/// An assessment to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentChoice {
    pub id: String,
    pub title: String,
}

/// What the evidence form starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFormView {
    /// The key the item has now; empty for a new item.
    pub current_key: String,
    /// The version the form is based on (a save over a newer one is refused).
    pub version: String,
    pub assessment_id: String,
    pub assessments: Vec<AssessmentChoice>,
    pub input: EvidenceInput,
    /// Cited somewhere: the key can no longer change.
    pub key_locked: bool,
}

#[server(prefix = "/fn", endpoint = "evidence_form", input = leptos::server_fn::codec::GetUrl)]
pub async fn evidence_form(key: String, assessment: String) -> Result<EvidenceFormView, AppError> {
    let result = async {
        let (state, member) = require_editor()?;
        if key.len() > rules::KEY_MAX || assessment.len() > 64 {
            return Err(AppError::NotFound);
        }
        // The assessments an item may be put in: those whose work this member may change.
        let assessments = store::assessments::titles_and_owners(&state.db)
            .await?
            .into_iter()
            .filter(|a| member.may_change_work_of(&a.owner).is_ok())
            .map(|a| AssessmentChoice {
                id: a.id,
                title: a.title,
            })
            .collect::<Vec<_>>();
        if key.is_empty() {
            may_change(&state, &member, &assessment).await?;
            return Ok(EvidenceFormView {
                current_key: String::new(),
                version: String::new(),
                assessment_id: assessment,
                assessments,
                input: EvidenceInput {
                    kind: "testimony".into(),
                    consent: "given".into(),
                    visibility: "members".into(),
                    ..Default::default()
                },
                key_locked: false,
            });
        }
        let stored = store::evidence::stored(&state.db, &key.to_ascii_lowercase())
            .await?
            .ok_or(AppError::NotFound)?;
        may_change(&state, &member, &stored.assessment_id).await?;
        Ok(EvidenceFormView {
            current_key: stored.fields.key.clone(),
            version: stored.version,
            assessment_id: stored.assessment_id,
            assessments,
            input: stored.fields.to_input(),
            key_locked: stored.key_locked,
        })
    }
    .await;
    door::finish(result, &[])
}

/// The key the form suggests for a new item: country, year, kind, next free number.
#[server(prefix = "/fn", endpoint = "suggest_evidence_key", input = leptos::server_fn::codec::GetUrl)]
pub async fn suggest_evidence_key(
    country: String,
    collected_on: String,
    kind: String,
) -> Result<String, AppError> {
    let result = async {
        let (state, _) = require_editor()?;
        suggestion(&state, &country, &collected_on, &kind).await
    }
    .await;
    door::finish(result, &[])
}

#[cfg(feature = "ssr")]
async fn suggestion(
    state: &AppState,
    country: &str,
    collected_on: &str,
    kind: &str,
) -> Result<String, AppError> {
    let kind = kind
        .parse::<EvidenceKind>()
        .unwrap_or(EvidenceKind::Testimony);
    let year = rules::parse_date("collected_on", collected_on)
        .ok()
        .map(|(y, _, _)| y);
    let empty: [&str; 0] = [];
    // The suggestion with no keys taken shows the prefix; then only that prefix is looked up.
    let first = rules::suggest_key(country, year, kind, empty);
    let prefix = first.trim_end_matches(char::is_numeric);
    let taken = store::evidence::existing_keys(&state.db, prefix).await?;
    Ok(rules::suggest_key(
        country,
        year,
        kind,
        taken.iter().map(String::as_str),
    ))
}

/// Creates (empty `current_key`) or updates an evidence item; answers its key. An empty key
/// takes the suggested one. A save based on an older version than the stored one is refused
/// with Conflict, and the form keeps what was typed.
#[server(prefix = "/fn", endpoint = "save_evidence")]
pub async fn save_evidence(
    current_key: String,
    version: String,
    assessment: String,
    item: EvidenceInput,
    /// Why a withdrawn consent is given back (asked for then only).
    #[server(default)]
    consent_reason: String,
) -> Result<String, AppError> {
    let result = async {
        let (state, member) = require_editor()?;
        if current_key.len() > rules::KEY_MAX || assessment.len() > 64 || version.len() > 64 {
            return Err(AppError::NotFound);
        }
        let mut item = item.clone();
        if item.key.trim().is_empty() && current_key.is_empty() {
            item.key = suggestion(&state, &item.country, &item.collected_on, &item.kind).await?;
        }
        let fields = item.validate().map_err(AppError::all)?;
        let owner = store::assessments::owner(&state.db, &assessment)
            .await?
            .ok_or_else(|| AppError::invalid("assessment", crate::error::Problem::InvalidChoice))?;
        member.may_change_work_of(&owner)?;
        if current_key.is_empty() {
            store::evidence::create(&state.db, &assessment, &fields, &member.id).await?;
        } else {
            let stored = store::evidence::stored(&state.db, &current_key)
                .await?
                .ok_or(AppError::NotFound)?;
            // Moving a finding out of an assessment changes that assessment's work too.
            if stored.assessment_id != assessment {
                may_change(&state, &member, &stored.assessment_id).await?;
            }
            // Checked here to answer at once, and again where the write happens (a save in
            // between, or a citation locking the key, must not be overwritten).
            if stored.version != version {
                return Err(AppError::Conflict {
                    what: "evidence".into(),
                });
            }
            check_key_change(stored.key_locked, &stored.fields.key, &fields.key)?;
            let reason =
                reason_for_consent(stored.fields.consent, fields.consent, &consent_reason)?;
            let mut changes = diff(&stored.fields, &fields);
            if stored.assessment_id != assessment {
                changes.push(FieldChange {
                    field: "assessment".into(),
                    before: stored.assessment_id.clone(),
                    after: assessment.clone(),
                });
            }
            if !changes.is_empty() {
                let edit = store::evidence::Edit {
                    base_version: &version,
                    assessment_id: &assessment,
                    fields: &fields,
                    changes: &changes,
                    member_id: &member.id,
                    reason: reason.as_deref(),
                };
                store::evidence::update_with_reason(&state.db, &current_key, edit).await?;
            }
        }
        state.evidence_changed().await;
        door::redirect_plain_form(&format!("/evidence/{}?saved=1", fields.key));
        Ok(fields.key)
    }
    .await;
    let i = &item;
    door::finish(
        result,
        &[
            ("item[key]", &i.key),
            ("item[kind]", &i.kind),
            ("item[swot_quadrant]", &i.swot_quadrant),
            ("item[text]", &i.text),
            ("item[value]", &i.value),
            ("item[unit]", &i.unit),
            ("item[sample_size]", &i.sample_size),
            ("item[baseline]", &i.baseline),
            ("item[country]", &i.country),
            ("item[region]", &i.region),
            ("item[collected_on]", &i.collected_on),
            ("item[language]", &i.language),
            ("item[tags]", &i.tags),
            ("item[consent]", &i.consent),
            ("item[visibility]", &i.visibility),
            ("assessment", &assessment),
            ("consent_reason", &consent_reason),
        ],
    )
}
