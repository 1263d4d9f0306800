//! Publishing a paper: the pre-publish check and the publication of version N+1, for the
//! paper's editors (and admins). A version is immutable; the draft goes on after it.
use crate::domain::publishing::{OverrideInput, PublishCheck};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door,
    super::papers::access::{editable, needed_label, writable},
    super::votes::cast_votes,
    crate::domain::consultations::{PAPER_TARGET, ResultsMode, WindowState, window_state},
    crate::domain::coverage::{BlockKind, Warning},
    crate::domain::publishing::{
        TallyView, VersionSummary, WarnedBlock, override_field, validate_publication,
    },
    crate::state::AppState,
    crate::store::{self, papers::PaperRow, versions::PublishRefused},
};

#[server(prefix = "/fn", endpoint = "prepublish_check", input = leptos::server_fn::codec::GetUrl)]
pub async fn prepublish_check(slug: String) -> Result<PublishCheck, AppError> {
    let result = async {
        let (state, _member, paper) = editable(&slug).await?;
        let label = needed_label();
        let draft = crate::drafts::draft(&state.db, &state.caches, &paper.id, &label).await?;
        let warned: Vec<WarnedBlock> = draft
            .blocks
            .iter()
            .filter(|b| !b.warnings.is_empty())
            .map(|b| WarnedBlock {
                id: b.id.clone(),
                kind: b.kind,
                number: b.number,
                html: b.html.clone(),
                warnings: b.warnings.clone(),
            })
            .collect();
        let unsupported = warned
            .iter()
            .filter(|b| unsupported_recommendation(b.kind, &b.warnings))
            .cloned()
            .collect();
        let recommendations: Vec<(String, Option<u32>)> = draft
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Recommendation)
            .map(|b| (b.id.clone(), b.number))
            .collect();
        let (consultation, versions) = tokio::join!(
            consultation_record(&state, &paper, &recommendations),
            store::versions::list(&state.db, &paper.id),
        );
        let consultation = consultation?;
        let consultation_open = consultation.as_ref().is_some_and(|c| c.open);
        let versions: Vec<VersionSummary> = versions?
            .into_iter()
            .map(|v| VersionSummary {
                number: u32::try_from(v.number).unwrap_or(0),
                hash: v.hash,
                created_at: v.created_at,
                release_notes: v.release_notes,
            })
            .collect();
        Ok(PublishCheck {
            next_number: versions.last().map_or(1, |v| v.number + 1),
            slug: paper.slug,
            title: paper.title,
            status: paper.status,
            supported: draft.supported,
            needing_support: draft.needing,
            warned,
            unsupported,
            tallies: consultation.map(|c| c.views),
            consultation_open,
            versions,
        })
    }
    .await;
    door::finish(result, &[])
}

/// Publishes the draft as version `number` (the one the check page showed). Answers the
/// number; a plain form post goes on to the version's reading page.
#[server(prefix = "/fn", endpoint = "publish_paper")]
pub async fn publish_paper(
    slug: String,
    number: u32,
    #[server(default)] release_notes: String,
    #[server(default)] overrides: Vec<OverrideInput>,
) -> Result<u32, AppError> {
    let result = publish_inner(&slug, number, &release_notes, &overrides).await;
    if let Ok(number) = &result {
        door::redirect_plain_form(&format!("/papers/{slug}/v/{number}"));
    }
    // Everything typed comes back with an error, so nothing is lost.
    let fields: Vec<(String, String)> = overrides
        .iter()
        .map(|o| (override_field(&o.block), o.reason.clone()))
        .collect();
    let mut keep: Vec<(&str, &str)> = vec![("release_notes", release_notes.as_str())];
    keep.extend(fields.iter().map(|(f, v)| (f.as_str(), v.as_str())));
    door::finish(result, &keep)
}

#[cfg(feature = "ssr")]
async fn publish_inner(
    slug: &str,
    number: u32,
    release_notes: &str,
    overrides: &[OverrideInput],
) -> Result<u32, AppError> {
    if overrides.len() > crate::domain::papers::BLOCKS_MAX {
        return Err(AppError::TooLarge);
    }
    let (state, member, paper) = writable(slug).await?;
    let label = needed_label();
    let draft = crate::drafts::draft(&state.db, &state.caches, &paper.id, &label).await?;
    let unsupported: Vec<String> = draft
        .blocks
        .iter()
        .filter(|b| unsupported_recommendation(b.kind, &b.warnings))
        .map(|b| b.id.clone())
        .collect();
    let (release_notes, overrides) = validate_publication(release_notes, overrides, &unsupported)?;
    let recommendations: Vec<(String, Option<u32>)> = draft
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Recommendation)
        .map(|b| (b.id.clone(), b.number))
        .collect();
    let (rows, findings, latest, consultation) = tokio::join!(
        store::papers::blocks(&state.db, &paper.id),
        store::versions::cited_findings(&state.db, &paper.id),
        store::versions::latest(&state.db, &paper.id),
        consultation_record(&state, &paper, &recommendations),
    );
    let (latest, consultation) = (latest?, consultation?);
    if consultation.as_ref().is_some_and(|c| c.open) {
        return Err(AppError::Conflict {
            what: "consultation_open".into(),
        });
    }
    let (previous_number, previous_hash) = latest.unwrap_or((0, String::new()));
    if number != previous_number + 1 {
        return Err(version_just_published());
    }
    let (tallies, dissent) = consultation
        .map(|c| (c.tallies, c.dissent))
        .unwrap_or_default();
    let version = crate::publishing::build(crate::publishing::Inputs {
        slug: paper.slug.clone(),
        title: paper.title.clone(),
        number,
        previous_hash,
        blocks: rows?,
        findings: findings?,
        tallies,
        dissent,
        release_notes,
        overrides,
        author_id: Some(member.id.clone()),
        author_name: member.name.clone(),
        published_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    match store::versions::create(&state.db, &paper.id, version).await {
        Ok(()) => {
            state.published().await;
            Ok(number)
        }
        Err(PublishRefused::AlreadyPublished) => Err(version_just_published()),
        Err(PublishRefused::Error(error)) => Err(error),
    }
}

/// Two editors publishing at once: the second learns that the first did.
#[cfg(feature = "ssr")]
fn version_just_published() -> AppError {
    AppError::Conflict {
        what: "version_published".into(),
    }
}

#[cfg(feature = "ssr")]
fn unsupported_recommendation(kind: BlockKind, warnings: &[Warning]) -> bool {
    kind == BlockKind::Recommendation && warnings.contains(&Warning::Unsupported)
}

/// The paper's latest consultation as a version records it.
#[cfg(feature = "ssr")]
struct ConsultationRecord {
    /// What the check page shows: the same counts the version keeps.
    views: Vec<TallyView>,
    tallies: Vec<crate::domain::versions::TallyLine>,
    dissent: Vec<crate::domain::versions::DissentReason>,
    /// Open now, by the database's clock.
    open: bool,
}

/// The record of the paper's latest consultation; None when the paper never had one.
#[cfg(feature = "ssr")]
async fn consultation_record(
    state: &AppState,
    paper: &PaperRow,
    recommendations: &[(String, Option<u32>)],
) -> Result<Option<ConsultationRecord>, AppError> {
    let Some((row, _)) = store::consultations::current(&state.db, &paper.id).await? else {
        return Ok(None);
    };
    let open = window_state(&row.opens_at, &row.closes_at, &row.now) == WindowState::Open;
    let mode: ResultsMode = row.results.parse().unwrap_or(ResultsMode::Anonymised);
    let votes = cast_votes(state, &row.id).await?;
    let mut targets = recommendations.to_vec();
    targets.push((PAPER_TARGET.to_string(), None));
    let (tallies, dissent) = crate::domain::versions::consultation_record(&votes, &targets, mode);
    let views = tallies
        .iter()
        .map(|t| TallyView {
            number: t.number,
            support: t.support as usize,
            oppose: t.oppose as usize,
            abstain: t.abstain as usize,
            organisations: t.organisations as usize,
        })
        .collect();
    Ok(Some(ConsultationRecord {
        views,
        tallies,
        dissent,
        open,
    }))
}
