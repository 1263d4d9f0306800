//! Votes benchmark (issue 11): 2,000 generated members cast a vote on every target of the
//! demo consultation (each recommendation and the paper), then change each vote, through
//! the real HTTP server, on the embedded on-disk database (`surrealkv://` in a temporary
//! folder unless `GW_BENCH_DB` says otherwise). Reports sustained votes per second and the
//! latency percentiles of each phase, then checks that every vote that got a success answer
//! is in the database with its last choice.
//!
//! `./scripts/bench.sh votes` (release build). `GW_BENCH_MEMBERS` (2,000) and
//! `GW_BENCH_CLIENTS` (concurrent clients, 64) change the load.
use std::sync::Arc;
use std::time::{Duration, Instant};
use surrealdb::types::SurrealValue;

mod common;
use common::report;

const SLUG: &str = "inclusive-volunteering";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What member `m` chooses on target `t` in `round` (0: cast, 1: change): every choice
/// occurs, and an opposing vote gives its reason (the demo consultation requires one).
fn choice(m: usize, t: usize, round: usize) -> (&'static str, String) {
    match (m + t + round) % 3 {
        0 => ("support", String::new()),
        1 => (
            "oppose",
            format!("Reason {m}-{t}-{round}: the costs are not shown."),
        ),
        _ => ("abstain", String::new()),
    }
}

struct Outcome {
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

async fn phase(
    base: &str,
    cookies: &Arc<Vec<String>>,
    targets: &Arc<Vec<String>>,
    clients: usize,
    round: usize,
) -> Outcome {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (http, base, cookies, targets) = (
            http.clone(),
            base.to_string(),
            cookies.clone(),
            targets.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            for m in (client..cookies.len()).step_by(clients) {
                for (t, target) in targets.iter().enumerate() {
                    let (choice, reason) = choice(m, t, round);
                    let sent = Instant::now();
                    let response = http
                        .post(format!("{base}/fn/cast_vote"))
                        .header("accept", "application/json")
                        .header("cookie", &cookies[m])
                        .form(&[
                            ("slug", SLUG),
                            ("target", target.as_str()),
                            ("choice", choice),
                            ("reason", reason.as_str()),
                        ])
                        .send()
                        .await;
                    latencies.push(sent.elapsed());
                    match response {
                        Ok(r) if r.status().is_success() => {}
                        Ok(r) => {
                            failures += 1;
                            if failures <= 3 {
                                eprintln!(
                                    "vote refused: {} {}",
                                    r.status(),
                                    r.text().await.unwrap_or_default()
                                );
                            }
                        }
                        Err(e) => {
                            failures += 1;
                            eprintln!("vote failed: {e}");
                        }
                    }
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await.unwrap();
        latencies.extend(l);
        failures += f;
    }
    Outcome {
        latencies,
        failures,
        elapsed: started.elapsed(),
    }
}

#[tokio::main]
async fn main() {
    let count = env_usize("GW_BENCH_MEMBERS", 2_000);
    let clients = env_usize("GW_BENCH_CLIENTS", 64);
    let (endpoint, _folder) = common::endpoint();
    println!("database: {endpoint}; {count} members, {clients} clients");
    let (state, base) = common::start(&endpoint).await;
    let db = state.db.clone();

    let setup = Instant::now();
    let cookies = Arc::new(
        groundwork::demo::generated_members(&db, "Bench", count)
            .await
            .expect("members")
            .into_iter()
            .map(|member| member.cookie)
            .collect::<Vec<_>>(),
    );
    let mut response = db
        .query(
            "SELECT VALUE record::id(id) FROM block
             WHERE paper.slug = $slug AND kind = 'recommendation' AND deleted = false",
        )
        .bind(("slug", SLUG))
        .await
        .unwrap();
    let mut targets: Vec<String> = response.take(0).unwrap();
    targets.push("paper".into());
    let targets = Arc::new(targets);
    println!(
        "setup: {} members with sessions in {:.1} s; {} targets each",
        count,
        setup.elapsed().as_secs_f64(),
        targets.len()
    );

    let mut succeeded = 0;
    for (round, name) in [(0, "votes cast"), (1, "votes changed")] {
        let outcome = phase(&base, &cookies, &targets, clients, round).await;
        let sent = outcome.latencies.len();
        succeeded = sent - outcome.failures;
        report(name, outcome.latencies);
        println!(
            "{name:<44} {:.0} votes/s sustained ({} in {:.1} s, {} refused or failed)",
            sent as f64 / outcome.elapsed.as_secs_f64(),
            sent,
            outcome.elapsed.as_secs_f64(),
            outcome.failures
        );
    }

    // Nothing lost: every generated member's vote on every target, with its last choice.
    let mut response = db
        .query(
            "SELECT member.email AS email, target, choice FROM vote
             WHERE string::starts_with(member.email, 'bench-member-')",
        )
        .await
        .unwrap();
    #[derive(Debug, SurrealValue)]
    struct Row {
        email: String,
        target: String,
        choice: String,
    }
    let rows: Vec<Row> = response.take(0).unwrap();
    let mut wrong = 0;
    for row in &rows {
        let m: usize = row
            .email
            .trim_start_matches("bench-member-")
            .trim_end_matches("@example.org")
            .parse()
            .unwrap();
        let t = targets.iter().position(|x| *x == row.target).unwrap();
        if row.choice != choice(m, t, 1).0 {
            wrong += 1;
        }
    }
    println!(
        "stored: {} votes for {} answered with success in the last round; {} with a choice other than the last",
        rows.len(),
        succeeded,
        wrong
    );
    assert_eq!(rows.len(), count * targets.len(), "every vote is stored");
    assert_eq!(wrong, 0, "every vote holds its last choice");
}
