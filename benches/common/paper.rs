//! The generated paper the drafting and publishing benchmarks share.
/// A paper of `blocks` blocks (headings, text, claims, recommendations), three citations each
/// from the demo library, edited by the demo's editors; answers its id.
pub async fn generated_paper(
    state: &groundwork::state::AppState,
    slug: &str,
    blocks: usize,
) -> String {
    use groundwork::domain::coverage::BlockKind;
    use groundwork::domain::papers::PaperInput;
    use groundwork::store::papers::{self, CiteSpec};
    let mut response = state
        .db
        .query("SELECT VALUE key FROM evidence ORDER BY key")
        .await
        .unwrap();
    let keys: Vec<String> = response.take(0).unwrap();
    let fields = PaperInput {
        title: "Benchmark paper".into(),
        slug: slug.into(),
        summary: "Generated.".into(),
    }
    .validate()
    .unwrap();
    let paper_id = papers::create(&state.db, &fields, None).await.unwrap();
    state
        .db
        .query("UPDATE type::record('paper', $p) SET editors = (SELECT VALUE id FROM member WHERE role = 'editor')")
        .bind(("p", paper_id.clone()))
        .await
        .unwrap();
    let generated: Vec<(BlockKind, String, Vec<CiteSpec>)> = (0..blocks)
        .map(|i| {
            let kind = match i % 10 {
                0 => BlockKind::Heading,
                1..=3 => BlockKind::Text,
                9 => BlockKind::Recommendation,
                _ => BlockKind::Claim,
            };
            let cite = |n: usize| keys[(i * 3 + n) % keys.len()].clone();
            let text = format!(
                "Block {i}: participants with *fewer opportunities* reported lasting change after the camp, \
                 as the follow-up showed in several countries [@{}; @{}, p. {}] and [@{}].",
                cite(0),
                cite(1),
                i % 40 + 1,
                cite(2)
            );
            let specs = CiteSpec::from_text(&text, "");
            (kind, text, specs)
        })
        .collect();
    let started = std::time::Instant::now();
    papers::append_blocks(&state.db, &paper_id, &generated, None)
        .await
        .unwrap();
    let mut response = state
        .db
        .query("count(SELECT id FROM cites WHERE in.paper = type::record('paper', $p))")
        .bind(("p", paper_id.clone()))
        .await
        .unwrap();
    let edges: Option<i64> = response.take(0).unwrap();
    println!(
        "generated a paper of {blocks} blocks and {} citations in {:.1} s",
        edges.unwrap_or(0),
        started.elapsed().as_secs_f64()
    );
    paper_id
}
