//! The demo paper's consultation: open for another twelve days, with a quorum of five member
//! organisations, a reason required to oppose, and votes from members of eight organisations
//! in eight countries (some with reasons, one recommendation contested), so the results,
//! the chart and the CSV have something to show. Zsófia, Marco and Amélie have not voted:
//! signing in as one of them shows what is left to vote on.
use crate::domain::consultations::{Choice, ConsultationFields, ResultsMode};
use crate::error::AppError;
use crate::store::{Db, consultations, members, papers};

use Choice::{Abstain, Oppose, Support};

/// (voter, recommendation number or None for the paper, choice, reason)
const VOTES: &[(&str, Option<usize>, Choice, &str)] = &[
    (
        "lucia.romero@example.org",
        Some(1),
        Support,
        "Follow-up is where our volunteers stayed involved.",
    ),
    ("lucia.romero@example.org", Some(2), Support, ""),
    (
        "lucia.romero@example.org",
        Some(6),
        Oppose,
        "A top-up alone will not reach rural participants without outreach.",
    ),
    ("lucia.romero@example.org", None, Support, ""),
    ("nikos.papadopoulos@example.org", Some(1), Support, ""),
    (
        "nikos.papadopoulos@example.org",
        Some(3),
        Abstain,
        "We have no comparable data yet.",
    ),
    ("nikos.papadopoulos@example.org", None, Support, ""),
    (
        "sanne.devries@example.org",
        Some(1),
        Support,
        "Our indicator shows the effect of follow-up.",
    ),
    ("sanne.devries@example.org", Some(3), Support, ""),
    (
        "sanne.devries@example.org",
        Some(4),
        Oppose,
        "Two weeks excludes young people who cannot leave work that long.",
    ),
    ("sanne.devries@example.org", None, Abstain, ""),
    ("camille.dubois@example.org", Some(1), Support, ""),
    (
        "camille.dubois@example.org",
        Some(7),
        Support,
        "Families decide whether young people can go.",
    ),
    ("camille.dubois@example.org", None, Support, ""),
    (
        "thu.nguyen@example.org",
        Some(2),
        Abstain,
        "Recognition works differently in partner countries.",
    ),
    ("thu.nguyen@example.org", Some(5), Support, ""),
    (
        "awa.diop@example.org",
        Some(1),
        Oppose,
        "Twelve months is too long for small organisations to fund.",
    ),
    (
        "awa.diop@example.org",
        Some(6),
        Support,
        "Travel from rural Senegal costs more than the camp.",
    ),
    ("liisa.virtanen@example.org", Some(1), Support, ""),
    ("liisa.virtanen@example.org", Some(4), Support, ""),
    ("jonas.weber@example.org", Some(1), Abstain, ""),
    (
        "jonas.weber@example.org",
        None,
        Support,
        "Ready to send once R6 is reworded.",
    ),
];

pub async fn load(db: &Db, paper_id: &str) -> Result<(), AppError> {
    let opener = members::find_for_login(db, "marco.bellini@example.org")
        .await?
        .ok_or(AppError::Internal)?;
    let closes_at = (chrono::Utc::now() + chrono::Duration::days(12))
        .format("%Y-%m-%dT%H:%M:00Z")
        .to_string();
    let fields = ConsultationFields {
        opens_at: None,
        closes_at,
        quorum: Some(5),
        reason_required: true,
        results: ResultsMode::Named,
    };
    consultations::open(db, paper_id, &fields, &opener.id).await?;
    let (consultation, _) = consultations::current(db, paper_id)
        .await?
        .ok_or(AppError::Internal)?;
    let recommendations: Vec<String> = papers::blocks(db, paper_id)
        .await?
        .into_iter()
        .filter(|b| b.kind == "recommendation")
        .map(|b| b.id)
        .collect();
    for (email, number, choice, reason) in VOTES {
        let voter = members::find_for_login(db, email)
            .await?
            .ok_or(AppError::Internal)?;
        let target = match number {
            Some(n) => recommendations
                .get(n - 1)
                .cloned()
                .ok_or(AppError::Internal)?,
            None => crate::domain::consultations::PAPER_TARGET.to_string(),
        };
        let vote = consultations::VoteCast::new(
            &consultation.id,
            &voter.id,
            &target,
            *choice,
            reason,
            None,
        );
        consultations::cast(db, &vote)
            .await?
            .map_err(|_| AppError::Internal)?;
    }
    Ok(())
}
