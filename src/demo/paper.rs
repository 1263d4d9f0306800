//! The demo draft: a realistic paper of 38 blocks that cites the demo evidence, with a few
//! claims left unsupported on purpose (and one marked "evidence needed"), so coverage and
//! warnings have something to show; its open consultation (`consultation.rs`) and its
//! discussion (`comments.rs`).
use crate::domain::papers::PaperInput;
use crate::error::AppError;
use crate::store::{Db, papers};

const MARKDOWN: &str = include_str!("paper.md");
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
    papers::set_editors_by_email(db, &id, EDITORS).await?;
    let blocks = crate::domain::paper_markdown::import(MARKDOWN)?
        .into_iter()
        .map(|draft| {
            let specs = papers::CiteSpec::from_text(&draft.text, "");
            (draft.kind, draft.text, specs)
        })
        .collect::<Vec<_>>();
    papers::append_blocks(db, &id, &blocks, None).await?;
    super::versions::load(db, &id, &fields.slug, &fields.title).await?;
    super::consultation::load(db, &id).await?;
    super::comments::load(db, &id).await
}
