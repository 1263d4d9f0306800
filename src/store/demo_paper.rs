//! The demo draft: a realistic paper of 38 blocks that cites the demo evidence, with a few
//! claims left unsupported on purpose (and one marked "evidence needed"), so coverage and
//! warnings have something to show.
use super::{Db, internal, papers};
use crate::domain::papers::PaperInput;
use crate::error::AppError;

const MARKDOWN: &str = include_str!("demo_paper.md");
const EDITORS: &[&str] = &[
    "marco.bellini@example.org",
    "liisa.virtanen@example.org",
    "jonas.weber@example.org",
];

pub async fn load(db: &Db) -> Result<(), AppError> {
    let fields = PaperInput {
        title: "Inclusive volunteering: what workcamps teach youth policy".into(),
        slug: "inclusive-volunteering".into(),
        summary: "What twenty organisations learned from inclusive international workcamps in 2019–2020, and what it asks of European and national youth policy. **Draft for consultation.**".into(),
    }
    .validate()?;
    if papers::by_slug(db, &fields.slug).await?.is_some() {
        return Ok(());
    }
    let id = papers::create(db, &fields, None).await?;
    db.query(
        "UPDATE type::record('paper', $paper) SET
            editors = (SELECT VALUE id FROM member WHERE email IN $emails)",
    )
    .bind(("paper", id.clone()))
    .bind((
        "emails",
        EDITORS.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
    ))
    .await
    .and_then(|r| r.check())
    .map_err(|e| internal("demo paper editors", e))?;
    let blocks = crate::domain::paper_markdown::import(MARKDOWN)?
        .into_iter()
        .map(|draft| {
            let specs = papers::CiteSpec::from_text(&draft.text, "");
            (draft.kind, draft.text, specs)
        })
        .collect::<Vec<_>>();
    papers::append_blocks(db, &id, &blocks, None).await?;
    Ok(())
}
