//! Drafting benchmark (issue 4): the workspace of a generated 500-block paper with 1,500
//! citations rendered on the server, block saves by 20 editors at once, and the time from a
//! save to another viewer's event stream.
//!
//! `./scripts/bench.sh drafting` (release build). `GW_BENCH_BLOCKS` changes the paper size.
use futures_util::StreamExt;
use std::time::{Duration, Instant};

use groundwork::store::papers;

mod common;
#[path = "common/paper.rs"]
mod paper;
use common::report;

const EDITOR: &str = "marco.bellini@example.org";
const SLUG: &str = "bench-paper";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .expect("client")
}

async fn sign_in(base: &str, email: &str) -> String {
    let response = client()
        .post(format!("{base}/fn/login"))
        .header("accept", "application/json")
        .form(&[
            ("email", email),
            ("password", groundwork::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gw_session=") && !v.starts_with("gw_session=;"))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string()
}

#[tokio::main]
async fn main() {
    let blocks: usize = std::env::var("GW_BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let (endpoint, _folder) = common::endpoint();
    println!("database: {endpoint}");
    let (state, base) = common::start(&endpoint).await;

    let paper_id = paper::generated_paper(&state, SLUG, blocks).await;

    let editor = sign_in(&base, EDITOR).await;
    let http = client();
    let page_url = format!("{base}/papers/{SLUG}/draft");
    let first = http
        .get(&page_url)
        .header("cookie", &editor)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let page = first.bytes().await.unwrap();
    println!("workspace page: {} KB of HTML", page.len() / 1024);
    if let Ok(path) = std::env::var("GW_BENCH_SAVE_PAGE") {
        let _ = std::fs::write(path, &page);
    }

    // Where the time goes: the query, then parsing and rendering the blocks.
    let paper = papers::by_slug(&state.db, SLUG).await.unwrap().unwrap();
    let mut query = Vec::new();
    let mut assemble = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let rows = papers::blocks(&state.db, &paper.id).await.unwrap();
        query.push(t.elapsed());
        let t = Instant::now();
        let _ = groundwork::drafts::assemble(rows, "evidence needed", None);
        assemble.push(t.elapsed());
    }
    report("  of which: blocks query", query);
    report("  of which: parse, render, check", assemble);

    // 1. The workspace rendered on the server (full HTML page, signed in): the first part, as
    // the paper opens, then a later part as a link to a block deep in the paper opens it.
    let later_url = format!("{page_url}?from={}", blocks.saturating_sub(1) / 2);
    workspace_ssr(&state, &http, &editor, &page_url, &later_url, "").await;
    let mut data = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let r = http
            .get(format!("{base}/fn/draft_workspace?slug={SLUG}"))
            .header("cookie", &editor)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let _ = r.bytes().await.unwrap();
        data.push(t.elapsed());
    }
    report("draft workspace data (server function)", data);

    // 2. Twenty editors saving their own blocks at once, 20 saves each.
    let workspace: serde_json::Value = http
        .get(format!("{base}/fn/draft_workspace?slug={SLUG}"))
        .header("cookie", &editor)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|body| serde_json::from_str(&body).expect("JSON"))
        .unwrap();
    // Spread over the blocks of the part the workspace opens on (the first 100).
    let shown = workspace["blocks"].as_array().unwrap();
    let targets: Vec<(String, i64)> = shown
        .iter()
        .skip(1)
        .step_by((shown.len().max(40) / 20).max(1))
        .take(20)
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_string(),
                b["rev"].as_i64().unwrap(),
            )
        })
        .collect();
    let editors = [
        "marco.bellini@example.org",
        "liisa.virtanen@example.org",
        "jonas.weber@example.org",
    ];
    let mut cookies = Vec::new();
    for email in editors {
        cookies.push(sign_in(&base, email).await);
    }
    let wall = Instant::now();
    let tasks: Vec<_> = targets
        .into_iter()
        .enumerate()
        .map(|(n, (block, mut rev))| {
            let (base, cookie) = (base.clone(), cookies[n % cookies.len()].clone());
            tokio::spawn(async move {
                let http = client();
                let mut times = Vec::new();
                let mut refused = 0;
                for round in 0..20 {
                    let text = format!("Editor {n}, round {round}: evidence [@fr-2019-indicator-01; @hu-2019-testimony-01].");
                    let t = Instant::now();
                    let r = http
                        .post(format!("{base}/fn/save_block"))
                        .header("cookie", &cookie)
                        .header("accept", "application/json")
                        .form(&[
                            ("slug", SLUG),
                            ("block", block.as_str()),
                            ("rev", rev.to_string().as_str()),
                            ("kind", "claim"),
                            ("text", text.as_str()),
                        ])
                        .send()
                        .await
                        .unwrap();
                    let status = r.status();
                    let _ = r.bytes().await;
                    times.push(t.elapsed());
                    if status == 200 {
                        rev += 1;
                    } else {
                        refused += 1;
                    }
                }
                (times, refused)
            })
        })
        .collect();
    let mut saves = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let (times, r) = task.await.unwrap();
        saves.extend(times);
        refused += r;
    }
    let total = saves.len();
    report("block save, 20 editors at once", saves);
    println!(
        "  {total} saves in {:.1} s ({:.0} saves/s), {refused} refused",
        wall.elapsed().as_secs_f64(),
        total as f64 / wall.elapsed().as_secs_f64()
    );

    // 3. From a save to another viewer's event stream (server-sent events over HTTP).
    let viewer = sign_in(&base, "zsofia.kovacs@example.org").await;
    let stream = http
        .get(format!("{base}/papers/{SLUG}/events"))
        .header("cookie", &viewer)
        .send()
        .await
        .unwrap();
    let mut stream = stream.bytes_stream();
    // The stream is live when it brings the viewer's own arrival (a presence event): from
    // then on every save's event reaches it, so the first round's timing is not a start-up's.
    let mut buffer = String::new();
    let live = tokio::time::timeout(Duration::from_secs(10), async {
        while !buffer.contains("\"presence\"") {
            match stream.next().await {
                Some(Ok(chunk)) => buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return false,
            }
        }
        true
    })
    .await
    .unwrap_or(false);
    assert!(live, "the viewer's event stream brought nothing: {buffer}");
    buffer.clear();
    let workspace: serde_json::Value = http
        .get(format!("{base}/fn/draft_workspace?slug={SLUG}"))
        .header("cookie", &editor)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|body| serde_json::from_str(&body).expect("JSON"))
        .unwrap();
    let block = workspace["blocks"][2]["id"].as_str().unwrap().to_string();
    let mut rev = workspace["blocks"][2]["rev"].as_i64().unwrap();
    let mut latencies = Vec::new();
    for round in 0..40 {
        let t = Instant::now();
        let r = http
            .post(format!("{base}/fn/save_block"))
            .header("cookie", &editor)
            .header("accept", "application/json")
            .form(&[
                ("slug", SLUG),
                ("block", block.as_str()),
                ("rev", rev.to_string().as_str()),
                ("kind", "claim"),
                ("text", format!("Live round {round}.").as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        rev += 1;
        let wanted = format!("\"rev\":{rev}");
        let seen = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if buffer.contains(&wanted) {
                    return true;
                }
                match stream.next().await {
                    Some(Ok(chunk)) => buffer.push_str(&String::from_utf8_lossy(&chunk)),
                    _ => return false,
                }
            }
        })
        .await
        .unwrap_or(false);
        if seen {
            latencies.push(t.elapsed());
        }
        buffer.clear();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    report("save to another viewer's event (SSE)", latencies);

    // 4. The same workspace under a consultation's weight (issue 11): 2,000 comments on its
    // blocks and 5,000 votes on its recommendations.
    consultation_load(&state, &paper_id).await;
    workspace_ssr(
        &state,
        &http,
        &editor,
        &page_url,
        &later_url,
        ", 2,000 comments, 5,000 votes",
    )
    .await;

    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
    {
        println!("{line} (server and benchmark client in one process)");
    }
}

/// The workspace page rendered on the server, signed in: its first part 200 times, a later
/// part 200 times, and 50 first views after a change (the kept draft dropped each time:
/// coverage and numbering span every part, so the whole paper is read and rendered again).
async fn workspace_ssr(
    state: &groundwork::state::AppState,
    http: &reqwest::Client,
    cookie: &str,
    page_url: &str,
    later_url: &str,
    load: &str,
) {
    let get = |url: String| async move {
        let t = Instant::now();
        let r = http.get(url).header("cookie", cookie).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let size = r.bytes().await.unwrap().len();
        (t.elapsed(), size)
    };
    for (name, url) in [("first part", page_url), ("a later part", later_url)] {
        let mut ssr = Vec::new();
        let mut size = 0;
        for _ in 0..200 {
            let (took, bytes) = get(url.to_string()).await;
            ssr.push(took);
            size = bytes;
        }
        report(
            &format!("draft workspace SSR, {name} ({} KB){load}", size / 1024),
            ssr,
        );
    }
    let mut fresh = Vec::new();
    for _ in 0..50 {
        state.caches.drafts().forget_all();
        fresh.push(get(page_url.to_string()).await.0);
    }
    report(
        &format!("draft workspace SSR, first view after a change{load}"),
        fresh,
    );
}

/// An open consultation on the paper with 2,000 comments (every other one on a passage,
/// every fourth a reply, the three kinds in turn) and 5,000 votes: 100 generated members on
/// each of the first 50 recommendations, every choice, reasons to oppose. Written through the
/// store, as the app writes them.
async fn consultation_load(state: &groundwork::state::AppState, paper_id: &str) {
    use groundwork::domain::anchors::TextQuote;
    use groundwork::domain::comments::CommentKind;
    use groundwork::domain::consultations::{Choice, ConsultationFields, ResultsMode};
    use groundwork::store::{comments, consultations};
    let started = Instant::now();
    let members = groundwork::demo::generated_members(&state.db, "Bench", 100)
        .await
        .expect("members");
    consultations::open(
        &state.db,
        paper_id,
        &ConsultationFields {
            opens_at: None,
            closes_at: "2099-12-31T00:00:00Z".into(),
            quorum: Some(5),
            reason_required: true,
            results: ResultsMode::Named,
        },
        &members[0].id,
    )
    .await
    .expect("consultation");
    let rows = papers::blocks(&state.db, paper_id).await.unwrap();
    let quote = TextQuote {
        exact: "fewer opportunities".into(),
        prefix: "participants with ".into(),
        suffix: " reported lasting".into(),
    };
    let mut previous: Option<(String, String)> = None;
    for i in 0..2_000 {
        // Every fourth replies to the comment before it, on that comment's block.
        let (block, parent) = match &previous {
            Some((on, id)) if i % 4 == 3 => (on.clone(), Some(id.clone())),
            _ => (rows[(i * 7) % rows.len()].id.clone(), None),
        };
        let kind = [
            CommentKind::Comment,
            CommentKind::Question,
            CommentKind::NeedsEvidence,
        ][i % 3];
        let text = format!("Comment {i}: does the follow-up cover **every** country named here?");
        let id = comments::post(
            &state.db,
            &comments::NewComment {
                paper: paper_id,
                block: &block,
                amendment: None,
                parent: parent.as_deref(),
                kind,
                text: &text,
                quote: (i % 2 == 0 && parent.is_none()).then_some(&quote),
                author: &members[i % members.len()].id,
            },
        )
        .await
        .expect("comment")
        .expect("the block takes comments");
        previous = Some((block, id));
    }
    let (consultation, _) = consultations::current(&state.db, paper_id)
        .await
        .unwrap()
        .expect("the consultation");
    let recommendations: Vec<&str> = rows
        .iter()
        .filter(|b| b.kind == "recommendation")
        .take(50)
        .map(|b| b.id.as_str())
        .collect();
    let mut votes = 0;
    for (m, member) in members.iter().enumerate() {
        for (t, target) in recommendations.iter().enumerate() {
            let choice = [Choice::Support, Choice::Oppose, Choice::Abstain][(m + t) % 3];
            let reason = if choice == Choice::Oppose {
                format!("Member {m} opposes recommendation {t}: the costs are not shown.")
            } else {
                String::new()
            };
            let vote = consultations::VoteCast::new(
                &consultation.id,
                &member.id,
                target,
                choice,
                &reason,
                None,
            );
            consultations::cast(&state.db, &vote)
                .await
                .expect("vote")
                .expect("the vote is taken");
            votes += 1;
        }
    }
    println!(
        "consultation load: 2,000 comments and {votes} votes written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
