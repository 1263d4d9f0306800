//! Publishing benchmark (issue 12): publishing a generated 500-block paper with 1,500
//! citations (the server function, over HTTP), then reading the published page: the whole
//! page, and the `304` an unchanged page costs.
//!
//! `./scripts/bench.sh publishing` (release build); `cargo test --bench publishing` runs it
//! on a debug build. `GW_BENCH_BLOCKS` changes the paper size.
use std::time::Instant;

mod common;
#[path = "common/paper.rs"]
mod paper;
use common::report;

const EDITOR: &str = "marco.bellini@example.org";
const SLUG: &str = "bench-paper";

#[tokio::main]
async fn main() {
    let blocks: usize = std::env::var("GW_BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let endpoint = std::env::var("GW_BENCH_DB").unwrap_or_else(|_| "mem://".into());
    let (state, base) = common::start(&endpoint).await;
    paper::generated_paper(&state, SLUG, blocks).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = http
        .post(format!("{base}/fn/login"))
        .header("accept", "application/json")
        .form(&[
            ("email", EDITOR),
            ("password", groundwork::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gw_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string();
    // Every unsupported recommendation gets its reason, as an editor would give it.
    let check: serde_json::Value = serde_json::from_slice(
        &http
            .get(format!("{base}/fn/prepublish_check?slug={SLUG}"))
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .send()
            .await
            .expect("check")
            .bytes()
            .await
            .expect("check body"),
    )
    .expect("check JSON");
    let unsupported: Vec<String> = check["unsupported"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|b| b["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut form: Vec<(String, String)> = vec![
        ("slug".into(), SLUG.into()),
        ("release_notes".into(), "Benchmark release.".into()),
    ];
    for (i, block) in unsupported.iter().enumerate() {
        form.push((format!("overrides[{i}][block]"), block.clone()));
        form.push((format!("overrides[{i}][reason]"), "Benchmark.".into()));
    }
    let mut publishes = Vec::new();
    for number in 1..=3 {
        let mut this = form.clone();
        this.push(("number".into(), number.to_string()));
        let started = Instant::now();
        let response = http
            .post(format!("{base}/fn/publish_paper"))
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .form(&this)
            .send()
            .await
            .expect("publish");
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        publishes.push(started.elapsed());
    }
    report(&format!("publish {blocks} blocks (v1..v3)"), publishes);

    let page_url = format!("{base}/papers/{SLUG}/v/1");
    let first = http.get(&page_url).send().await.expect("page");
    let etag = first.headers()["etag"].to_str().expect("etag").to_string();
    let page = first.bytes().await.expect("page bytes");
    println!("published page: {} KB of HTML", page.len() / 1024);
    let mut full = Vec::new();
    let mut unchanged = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let response = http.get(&page_url).send().await.expect("page");
        let _ = response.bytes().await;
        full.push(started.elapsed());
        let started = Instant::now();
        let response = http
            .get(&page_url)
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), 304);
        unchanged.push(started.elapsed());
    }
    report("published page, whole (one client)", full);
    report("published page, 304 (one client)", unchanged);
}
