//! Durability under `kill -9` (issue 11): the real server process, on the embedded on-disk
//! database, is killed in the middle of a load of votes and comments, three times; after
//! each kill it starts again on the same files, and at the end every vote and every comment
//! that got a success answer is in the database (a vote with its last acknowledged choice,
//! or a later one whose answer the kill cut off).
use crate::helpers::*;
use std::collections::HashMap;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use surrealdb::types::SurrealValue;

const SLUG: &str = "inclusive-volunteering";
const KILLS: usize = 3;
const MEMBERS: usize = 24;
const CLIENTS: usize = 8;
/// Acknowledged requests in a round before the kill.
const BEFORE_KILL: usize = 80;
const CHOICES: [&str; 3] = ["support", "oppose", "abstain"];

/// What was sent, in order, and whether it got a success answer.
#[derive(Default)]
struct Ledger {
    votes: HashMap<(usize, String), Vec<(&'static str, bool)>>,
    comments: Vec<(String, bool)>,
}

/// `groundwork serve` on `endpoint`, and its address once it says it is ready.
fn start_server(endpoint: &str) -> (Child, String) {
    let (child, base, _) = start_binary(&[("GROUNDWORK_DB", endpoint)]);
    (child, base)
}

/// A client casting votes and posting comments as its members until told to stop or the
/// server is gone, writing down every request and its answer.
struct Round {
    base: String,
    round: usize,
    cookies: Arc<Vec<String>>,
    targets: Arc<Vec<String>>,
    ledger: Arc<Mutex<Ledger>>,
    acknowledged: AtomicUsize,
    stop: AtomicBool,
}

async fn load(run: Arc<Round>, client: usize) {
    let Round {
        base,
        round,
        cookies,
        targets,
        ledger,
        acknowledged,
        stop,
    } = &*run;
    let round = *round;
    let http = TestApp::client();
    let mut n = 0;
    'load: while !stop.load(Ordering::Relaxed) {
        for m in (client..cookies.len()).step_by(CLIENTS) {
            n += 1;
            let t = (m + n) % targets.len();
            let choice = CHOICES[(m + n + round) % 3];
            let reason = format!("Round {round}, request {n}: the costs are not shown.");
            let sent = http
                .post(format!("{base}/fn/cast_vote"))
                .header("accept", "application/json")
                .header("cookie", &cookies[m])
                .form(&[
                    ("slug", SLUG),
                    ("target", targets[t].as_str()),
                    ("choice", choice),
                    ("reason", reason.as_str()),
                ])
                .send()
                .await;
            let ok = matches!(&sent, Ok(r) if r.status().is_success());
            if let Ok(r) = &sent {
                assert!(r.status().is_success(), "a vote refused: {}", r.status());
            }
            ledger
                .lock()
                .unwrap()
                .votes
                .entry((m, targets[t].clone()))
                .or_default()
                .push((choice, ok));
            if ok {
                acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            if n % 4 == 0 && targets[t] != "paper" {
                let text = format!("Crash check comment {round}-{client}-{n}.");
                let sent = http
                    .post(format!("{base}/fn/post_comment"))
                    .header("accept", "application/json")
                    .header("cookie", &cookies[m])
                    .form(&[
                        ("slug", SLUG),
                        ("block", targets[t].as_str()),
                        ("text", text.as_str()),
                    ])
                    .send()
                    .await;
                let ok = matches!(&sent, Ok(r) if r.status().is_success());
                if let Ok(r) = sent
                    && !r.status().is_success()
                {
                    panic!(
                        "a comment refused: {} {}",
                        r.status(),
                        r.text().await.unwrap()
                    );
                }
                ledger.lock().unwrap().comments.push((text, ok));
            }
            if sent.is_err() || stop.load(Ordering::Relaxed) {
                break 'load;
            }
        }
    }
}

#[tokio::test]
async fn votes_and_comments_that_were_answered_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("surrealkv://{}/db", dir.path().display());
    // The demo data, and members with sessions, written before the server runs.
    let app = TestApp::spawn_on(&endpoint).await;
    let db = app.state.db.clone();
    let cookies: Vec<String> = groundwork::demo::generated_members(&db, "Crash", MEMBERS)
        .await
        .unwrap()
        .into_iter()
        .map(|member| member.cookie)
        .collect();
    let mut response = db
        .query(
            "SELECT VALUE record::id(id) FROM block
             WHERE paper.slug = $slug AND kind = 'recommendation' AND deleted = false",
        )
        .bind(("slug", SLUG))
        .await
        .unwrap();
    let mut targets: Vec<String> = response.take(0).unwrap();
    assert!(!targets.is_empty());
    targets.push("paper".into());
    drop(db);
    app.stop().await;

    let (cookies, targets) = (Arc::new(cookies), Arc::new(targets));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    for round in 0..KILLS {
        let (mut server, base) = start_server(&endpoint);
        let run = Arc::new(Round {
            base,
            round,
            cookies: cookies.clone(),
            targets: targets.clone(),
            ledger: ledger.clone(),
            acknowledged: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| tokio::spawn(load(run.clone(), client)))
            .collect();
        let counted = run.clone();
        wait_until(
            Duration::from_secs(120),
            "enough answered requests before the kill",
            move || {
                let counted = counted.clone();
                async move { counted.acknowledged.load(Ordering::Relaxed) >= BEFORE_KILL }
            },
        )
        .await;
        // SIGKILL, in the middle of the clients' requests.
        server.kill().unwrap();
        server.wait().unwrap();
        run.stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.await.unwrap();
        }
    }

    // Everything answered with success is there.
    let app = TestApp::spawn_on(&endpoint).await;
    let mut response = app
        .state
        .db
        .query(
            "SELECT member.email AS email, target, choice FROM vote
             WHERE string::starts_with(member.email, 'crash-member-')",
        )
        .await
        .unwrap();
    #[derive(SurrealValue)]
    struct Row {
        email: String,
        target: String,
        choice: String,
    }
    let stored: Vec<Row> = response.take(0).unwrap();
    let stored: HashMap<(usize, String), String> = stored
        .into_iter()
        .map(|row| {
            let m: usize = row
                .email
                .trim_start_matches("crash-member-")
                .trim_end_matches("@example.org")
                .parse()
                .unwrap();
            ((m, row.target), row.choice)
        })
        .collect();
    let mut response = app
        .state
        .db
        .query(
            "SELECT VALUE text FROM comment WHERE string::starts_with(text, 'Crash check comment')",
        )
        .await
        .unwrap();
    let comments: Vec<String> = response.take(0).unwrap();
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let (mut answered, mut cut_off) = (0, 0);
    for (pair, sent) in &ledger.votes {
        let Some(last_ok) = sent.iter().rposition(|(_, ok)| *ok) else {
            cut_off += sent.len();
            continue;
        };
        answered += sent.iter().filter(|(_, ok)| *ok).count();
        cut_off += sent.iter().filter(|(_, ok)| !*ok).count();
        let possible: Vec<&str> = sent[last_ok..].iter().map(|(c, _)| *c).collect();
        let kept = stored.get(pair).map(String::as_str);
        assert!(
            kept.is_some_and(|k| possible.contains(&k)),
            "{pair:?}: sent {sent:?}, stored {kept:?}"
        );
    }
    let answered_comments: Vec<&String> = ledger
        .comments
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(text, _)| text)
        .collect();
    for text in &answered_comments {
        assert!(
            comments.contains(text),
            "an answered comment is lost: {text}"
        );
    }
    println!(
        "{KILLS} kills: {answered} votes and {} comments answered, all stored; {cut_off} requests cut off by a kill",
        answered_comments.len()
    );
    assert!(
        answered >= KILLS * BEFORE_KILL / 2,
        "the load ran: {answered}"
    );
    app.stop().await;
}

/// A server stopped as a service manager stops it (SIGTERM) closes its database before it
/// exits: SurrealKV writes its memtable to its tables, so the next start reads those rather
/// than replaying the whole log into memory (stop 36 found every start replaying it).
#[tokio::test]
async fn a_server_stopped_by_sigterm_closes_its_database() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = format!("surrealkv://{}/db", dir.path().display());
    let tables = dir.path().join("db").join("sstables");
    let written = || std::fs::read_dir(&tables).map_or(0, |files| files.count());
    // The demo data: a memtable with something in it.
    let (mut server, _, _) = start_binary(&[
        ("GROUNDWORK_DB", endpoint.as_str()),
        ("GROUNDWORK_DEMO", "true"),
    ]);
    assert_eq!(written(), 0, "nothing in SurrealKV's tables while it runs");
    // The shell's own `kill`: a machine may lack procps's.
    let terminated = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", server.id())])
        .status()
        .unwrap();
    assert!(terminated.success());
    let mut exit = None;
    wait_until(Duration::from_secs(30), "the server exits", || {
        exit = exit.or_else(|| server.try_wait().unwrap());
        std::future::ready(exit.is_some())
    })
    .await;
    assert!(exit.unwrap().success(), "{exit:?}");
    assert!(
        written() > 0,
        "the memtable was written to a table on the way out"
    );
    // And the next start finds everything there.
    let app = TestApp::spawn_on(&endpoint).await;
    let library = json(
        app.fetch("/fn/evidence_library?filter[q]=mentor&filter[page]=1", None)
            .await,
    )
    .await;
    assert!(
        library["results"]["total"].as_u64().unwrap() > 0,
        "{library}"
    );
    app.stop().await;
}

/// `demo load` and `admin create` close the database they wrote before they exit, as a
/// stopping server does, so the next start finds what they wrote in SurrealKV's tables.
#[tokio::test]
async fn the_commands_that_write_close_their_database_before_they_exit() {
    let admin = [
        "admin",
        "create",
        "--email",
        "ada.admin@example.org",
        "--name",
        "Ada Admin",
        "--organisation",
        "Test Network",
    ];
    for (args, password) in [
        (&["demo", "load"][..], None),
        (&admin[..], Some("a long enough password for ada")),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let endpoint = format!("surrealkv://{}/db", dir.path().display());
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_groundwork"));
        command
            .args(args)
            .env("GROUNDWORK_DB", &endpoint)
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1");
        if let Some(password) = password {
            command.env("GROUNDWORK_ADMIN_PASSWORD", password);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let tables = dir.path().join("db").join("sstables");
        assert!(
            std::fs::read_dir(&tables).map_or(0, |files| files.count()) > 0,
            "{args:?} exited with its memtable unwritten"
        );
        let app = TestApp::spawn_on(&endpoint).await;
        let mut response = app
            .state
            .db
            .query("SELECT VALUE email FROM member")
            .await
            .unwrap();
        let emails: Vec<String> = response.take(0).unwrap();
        if password.is_some() {
            assert_eq!(emails, ["ada.admin@example.org"]);
        } else {
            assert!(
                emails.contains(&"amelie.laurent@example.org".to_string()),
                "{emails:?}"
            );
        }
        app.stop().await;
    }
}
