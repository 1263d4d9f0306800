//! Evidence library benchmark: a generator makes 100,000 findings in seven languages as a CSV
//! file, which is imported the way an editor does it (upload, preview, confirm: the import
//! answers once the findings are searchable); then search latency through the search engine,
//! the index built from scratch, a change reaching a second instance, the filtered library
//! page rendered on the server, and the process's memory.
//!
//! `./scripts/bench.sh evidence` (release build). `GW_BENCH_ROWS` changes the size;
//! It runs on the embedded on-disk database (`surrealkv://` in a temporary folder);
//! `GW_BENCH_DB=mem://` runs it in memory. On disk, it first measures a server's memory in a
//! process of its own (another process fills a database, then a server starts on it);
//! `GW_BENCH_ONLY=import` stops after the import.
use groundwork::domain::evidence::Audience;
use groundwork::domain::evidence_views::EvidenceFilter;
use std::time::Instant;

mod common;
use common::report;

const BOUNDARY: &str = "groundworkbenchboundary0xK3";

/// A small deterministic generator (xorshift), so every run measures the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "volunteers",
    "camp",
    "community",
    "training",
    "mentor",
    "skills",
    "confidence",
    "language",
    "employment",
    "school",
    "family",
    "refugee",
    "inclusion",
    "disability",
    "rural",
    "youth",
    "leader",
    "project",
    "partner",
    "organisation",
    "workshop",
    "follow-up",
    "friendship",
    "respect",
    "teamwork",
    "learning",
    "certificate",
    "travel",
    "funding",
    "host",
    "village",
    "city",
    "course",
    "job",
    "apprenticeship",
    "support",
    "barrier",
    "opportunity",
    "network",
    "evaluation",
    "survey",
    "interview",
    "testimony",
    "change",
    "future",
    "local",
    "european",
    "exchange",
    "culture",
    "music",
    "food",
    "garden",
    "playground",
    "repair",
    "forest",
    "island",
    "children",
    "parents",
    "educators",
    "social",
    "worker",
    "benefit",
    "cost",
    "time",
    "months",
    "weeks",
    "first",
    "again",
    "together",
    "alone",
    "afraid",
    "proud",
    "responsible",
    "budget",
];
/// Words in the other six languages with a stemmer, in several forms each, so stemming is
/// exercised: (language, words).
const FOREIGN: &[(&str, &[&str])] = &[
    (
        "fr",
        &[
            "bénévoles",
            "bénévole",
            "chantier",
            "chantiers",
            "jeunesse",
            "formation",
            "emploi",
            "confiance",
            "quartier",
            "réfugiés",
            "apprentissage",
            "familles",
            "école",
            "ensemble",
        ],
    ),
    (
        "de",
        &[
            "Freiwilligen",
            "Freiwillige",
            "Jugendlichen",
            "Ausbildung",
            "Arbeit",
            "Vertrauen",
            "Gemeinschaft",
            "Flüchtlinge",
            "Familie",
            "Schule",
            "gemeinsam",
            "Sprache",
            "Zukunft",
            "Lager",
        ],
    ),
    (
        "es",
        &[
            "voluntarios",
            "voluntario",
            "jóvenes",
            "formación",
            "empleo",
            "confianza",
            "comunidad",
            "refugiados",
            "familia",
            "escuela",
            "juntos",
            "idioma",
            "futuro",
            "campo",
        ],
    ),
    (
        "it",
        &[
            "volontari",
            "volontario",
            "giovani",
            "formazione",
            "lavoro",
            "fiducia",
            "comunità",
            "rifugiati",
            "famiglia",
            "scuola",
            "insieme",
            "lingua",
            "futuro",
            "campo",
        ],
    ),
    (
        "hu",
        &[
            "önkéntesek",
            "önkéntes",
            "fiatalok",
            "képzés",
            "munka",
            "bizalom",
            "közösség",
            "menekültek",
            "család",
            "iskola",
            "együtt",
            "nyelv",
            "jövő",
            "táborban",
        ],
    ),
    (
        "el",
        &[
            "εθελοντές",
            "εθελοντής",
            "νέοι",
            "κατάρτιση",
            "εργασία",
            "εμπιστοσύνη",
            "κοινότητα",
            "πρόσφυγες",
            "οικογένεια",
            "σχολείο",
            "μαζί",
            "γλώσσα",
            "μέλλον",
            "κατασκήνωση",
        ],
    ),
];
const RARE: &[&str] = &[
    "blacksmith",
    "lighthouse",
    "beekeeping",
    "origami",
    "tandem",
];
const COUNTRIES: &[&str] = &[
    "FR", "BE", "NL", "DE", "AT", "DK", "SE", "FI", "IT", "ES", "GR", "PT", "HU", "PL", "CZ", "RO",
    "SK", "SI", "HR", "BG", "LT", "LV", "EE", "IE", "LU", "MT", "CY", "NO", "IS", "CH", "RS", "AL",
    "MK", "TR", "UA", "MD", "GE", "AM", "SN", "VN",
];
const REGIONS: &[&str] = &["North", "South", "East", "West"];
const TAGS: &[&str] = &[
    "inclusion",
    "employment",
    "mentoring",
    "skills",
    "families",
    "rural",
];

fn generate(rows: usize) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::from(
        "key,kind,swot_quadrant,text,value,unit,sample_size,country,region,collected_on,language,tags,consent,visibility\n",
    );
    for i in 0..rows {
        let country = rng.pick(COUNTRIES);
        let year = 2015 + rng.next() % 10;
        let (kind, quadrant) = match i % 10 {
            0..=4 => ("testimony", ""),
            5..=6 => ("indicator", ""),
            7..=8 => ("observation", ""),
            _ => (
                "swot",
                rng.pick(&["strength", "weakness", "opportunity", "threat"]),
            ),
        };
        let length = 10 + (rng.next() % 14) as usize;
        // Half in English, the rest spread over the six other stemmed languages.
        let (language, words) = if i % 2 == 0 {
            ("en", WORDS)
        } else {
            FOREIGN[(i / 2) % FOREIGN.len()]
        };
        let mut text: Vec<&str> = (0..length).map(|_| rng.pick(words)).collect();
        if i % 500 == 0 {
            text.push(rng.pick(RARE));
        }
        let value = if kind == "indicator" {
            format!("{}", rng.next() % 100)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{}-{year}-{kind}-{i},{kind},{quadrant},{},{value},{},{},{country},{},{year}-{:02}-{:02},{language},{},{},{}\n",
            country.to_ascii_lowercase(),
            text.join(" "),
            if value.is_empty() { "" } else { "%" },
            if value.is_empty() { String::new() } else { format!("{}", 10 + rng.next() % 500) },
            rng.pick(REGIONS),
            1 + rng.next() % 12,
            1 + rng.next() % 28,
            rng.pick(TAGS),
            if i % 20 == 0 { "anonymised" } else { "given" },
            if i % 7 == 0 { "members" } else { "public" },
        ));
    }
    out.into_bytes()
}

/// A search for `q`, on page 1, 2 or 3 by round (paging through results, as people do).
fn searching(q: &str, round: u32) -> EvidenceFilter {
    EvidenceFilter {
        q: q.into(),
        page: 1 + (round % 3),
        ..Default::default()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The resident memory of a process (`self` or a pid), in MB.
fn resident_mb(process: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// The id of the assessment the benchmark imports into (the first by title).
async fn first_assessment(state: &groundwork::state::AppState) -> String {
    let mut response = state
        .db
        .query("SELECT VALUE record::id(id) FROM assessment ORDER BY title LIMIT 1")
        .await
        .unwrap();
    let ids: Vec<String> = response.take(0).unwrap();
    ids.into_iter().next().expect("the demo's assessments")
}

/// Who the benchmark's direct imports are by.
fn bench_author() -> groundwork::store::evidence::Author<'static> {
    groundwork::store::evidence::Author {
        member_id: None,
        action: groundwork::domain::evidence_history::ChangeAction::Imported,
        source: "bench",
    }
}

/// What a child process of this benchmark does (`GW_BENCH_CHILD`), so that a server's memory
/// is measured alone: `load` fills the database at `GW_BENCH_DB` with the generated findings
/// and closes it as a stopping server does (`store::close`); `serve` starts on it, builds its
/// search index, says "ready", and serves until its standard input closes.
async fn child(role: &str, rows: usize) {
    let endpoint = std::env::var("GW_BENCH_DB").expect("GW_BENCH_DB");
    if role == "load" {
        let state = common::with_demo_data(&endpoint).await;
        let assessment = first_assessment(&state).await;
        let rows = groundwork::domain::evidence_csv::read(&generate(rows))
            .unwrap()
            .rows;
        // In steps, as the app imports (one transaction would not fit SurrealKV's write
        // buffer on a machine with less than 16 GB).
        for step in rows.chunks(groundwork::domain::evidence_csv_views::IMPORT_STEP) {
            groundwork::store::evidence::import(&state.db, &assessment, step, bench_author())
                .await
                .unwrap();
        }
        let db = state.db.clone();
        drop(state);
        let within = std::time::Duration::from_secs(60);
        assert!(
            groundwork::store::close(db, &endpoint, within).await,
            "the database closes"
        );
        return;
    }
    let (_state, _) = common::start(&endpoint).await;
    println!("ready");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// A server started on a database that already holds `rows` findings, in a process of its
/// own: its resident memory once it serves searches, and how long it took to get there.
fn memory_of_a_server_on(endpoint: &str, rows: usize) {
    use std::io::BufRead;
    let exe = std::env::current_exe().expect("this benchmark's path");
    let run = |role: &str| {
        std::process::Command::new(&exe)
            .env("GW_BENCH_CHILD", role)
            .env("GW_BENCH_DB", endpoint)
            .env("GW_BENCH_ROWS", rows.to_string())
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("a child process")
    };
    let t = Instant::now();
    let loaded = run("load").wait_with_output().expect("the load");
    assert!(loaded.status.success(), "the load failed");
    println!(
        "a separate process filled {endpoint} with {rows} findings in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let mut server = run("serve");
    let mut out = std::io::BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    while line.trim() != "ready" {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server ended");
    }
    let started = t.elapsed();
    let pid = server.id().to_string();
    println!(
        "a server started on them alone: ready to search in {:.1} s, resident memory {:.0} MB",
        started.as_secs_f64(),
        resident_mb(&pid)
    );
    drop(server.stdin.take());
    let _ = server.wait();
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("GW_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if let Ok(role) = std::env::var("GW_BENCH_CHILD") {
        return child(&role, rows).await;
    }
    if std::env::var("GW_BENCH_DB").is_err() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let endpoint = format!("surrealkv://{}/db", folder.path().display());
        memory_of_a_server_on(&endpoint, rows);
    }
    let (endpoint, _folder) = common::endpoint();
    let (state, base) = common::start(&endpoint).await;
    println!("database: {endpoint}; {}", memory());

    let t = Instant::now();
    let file = generate(rows);
    println!(
        "generated {rows} rows, {:.1} MB, in {:.2} s",
        file.len() as f64 / 1_048_576.0,
        t.elapsed().as_secs_f64()
    );

    // Sign in as an editor and import, as the import page does.
    let http = client();
    let login = http
        .post(format!("{base}/fn/login"))
        .header("accept", "application/json")
        .form(&[
            ("email", "marco.bellini@example.org"),
            ("password", groundwork::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gw_session=") && !v.starts_with("gw_session=;"))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let assessment = first_assessment(&state).await;
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let t = Instant::now();
    let uploaded = http
        .post(format!("{base}/assessments/{assessment}/import"))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 303, "upload accepted");
    let preview = uploaded.headers()["location"].to_str().unwrap().to_string();
    let upload_time = t.elapsed();
    let batch = preview.rsplit('/').next().unwrap().to_string();
    let t = Instant::now();
    let confirmed = http
        .post(format!("{base}/fn/confirm_import"))
        .header("cookie", &cookie)
        .header("accept", "application/json")
        .form(&[("batch", batch.as_str())])
        .send()
        .await
        .unwrap();
    let status = confirmed.status();
    let mut answer = confirmed.text().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    // A long import answers that it runs; the preview page follows it, as here.
    let answered = t.elapsed();
    // When every row was written (the progress counts them all), before it is searchable.
    let mut written = None;
    while answer.contains(r#""state":"running""#) {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let preview = http
            .get(format!("{base}/fn/import_preview?batch={batch}"))
            .header("cookie", &cookie)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        let view: serde_json::Value = serde_json::from_str(&preview.text().await.unwrap()).unwrap();
        let so_far = &view["state"]["so_far"];
        let counted: u64 = ["created", "updated", "unchanged"]
            .iter()
            .filter_map(|c| so_far[c].as_u64())
            .sum();
        if written.is_none() && counted == rows as u64 {
            written = Some(t.elapsed());
        }
        answer = view["state"].to_string();
    }
    let import_time = t.elapsed();
    let counts = answer;
    println!(
        "confirm answered in {:.1} s (the import goes on beside it when longer)",
        answered.as_secs_f64()
    );
    println!(
        "upload, check and preview: {:.1} s ({:.0} rows/s)",
        upload_time.as_secs_f64(),
        rows as f64 / upload_time.as_secs_f64()
    );
    println!(
        "import (1,000 rows per transaction), until searchable: {:.1} s ({:.0} rows/s) -> {counts}",
        import_time.as_secs_f64(),
        rows as f64 / import_time.as_secs_f64()
    );
    if let Some(written) = written {
        println!(
            "  of which every row written: {:.1} s (seen by polling every 250 ms), then searchable",
            written.as_secs_f64()
        );
    }
    if std::env::var("GW_BENCH_ONLY").is_ok_and(|v| v == "import") {
        return;
    }
    println!("after loading: {}", memory());

    // Search through the engine (BM25 top-k), then the page read from the database, as the
    // library does; public and editor.
    let queries = [
        "volunteers",
        "bénévole",
        "freiwillige",
        "voluntario",
        "volontari",
        "önkéntes",
        "εθελοντής",
        "onkentesek",
        "mentor",
        "confidence language",
        "refugee camp",
        "employment training",
        "lighthouse",
        "beekeeping",
        "rural youth",
        "family support",
        "apprenticeship",
        "disability inclusion",
        "garden village",
        "proud responsible",
        "certificate course",
        "children playground",
        "forest island",
        "music culture",
        "social worker",
        "budget",
        "teamwork friendship",
        "origami",
        "tandem",
        "barrier cost",
        "host community",
        "educators parents",
        "survey evaluation",
        "travel funding",
        "future job",
        "repair",
        "blacksmith",
    ];
    for audience in [
        ("public visitor", Audience::of(None)),
        (
            "editor",
            Audience::of(Some(groundwork::domain::accounts::Role::Editor)),
        ),
    ] {
        // Every search ranks afresh: nothing is kept between searches any more.
        let (mut common, mut any) = (Vec::new(), Vec::new());
        for round in 0..6 {
            for q in queries {
                let filter = searching(q, round);
                let t = Instant::now();
                // The library's own path: the engine's page of hits, read from the database.
                let page = groundwork::api::evidence::findings_page(&state, &filter, audience.1)
                    .await
                    .unwrap();
                let elapsed = t.elapsed();
                // A common word: in at least 15% of the findings.
                if page.total > 1_000 && !q.contains(' ') {
                    common.push(elapsed);
                }
                any.push(elapsed);
                std::hint::black_box(page);
            }
        }
        report(&format!("search, a common word ({})", audience.0), common);
        report(&format!("search, any ({})", audience.0), any);
    }

    // The index built from scratch, as at start.
    let engine = groundwork::search::Engine::new().unwrap();
    let t = Instant::now();
    let indexed = engine.build(&state.db).await.unwrap();
    println!(
        "index built from the database: {indexed} findings in {:.1} s; {}",
        t.elapsed().as_secs_f64(),
        memory()
    );
    drop(engine);

    // A change made on another instance: searchable here within a poll.
    let other = groundwork::server::state_on(
        state.db.clone(),
        groundwork::config::Config::for_tests(&endpoint),
    );
    other.search.ready().await;
    let mut reach = Vec::new();
    for n in 0..10 {
        let word = format!("zqxword{n}");
        let line = format!(
            "key,kind,text,country,region,collected_on,language,tags,consent,visibility\nhu-2030-bench-{n},testimony,{word} arrived,HU,East,2030-01-01,en,,given,public\n"
        );
        let rows = groundwork::domain::evidence_csv::read(line.as_bytes())
            .map(|preview| preview.rows)
            .unwrap_or_default();
        groundwork::store::evidence::import(&other.db, &assessment, &rows, bench_author())
            .await
            .unwrap();
        let t = Instant::now();
        let filter = EvidenceFilter {
            q: word,
            ..Default::default()
        };
        loop {
            let found = state
                .search
                .rank(&filter, Audience::of(None), 0, 10)
                .unwrap();
            if found.is_some_and(|m| m.total == 1) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        reach.push(t.elapsed());
    }
    report(
        "a finding saved on another instance, until searchable here",
        reach,
    );

    // The library page rendered on the server, filtered and searched.
    let pages = [
        "/evidence?country=HU&kind=testimony",
        "/evidence?country=FR&region=North",
        "/evidence?tag=mentoring&kind=indicator",
        "/evidence?q=mentor+confidence",
        "/evidence?q=lighthouse",
        "/evidence?country=DE&page=3",
        "/evidence",
    ];
    let mut times = Vec::new();
    let mut failed = Vec::new();
    for round in 0..30 {
        for path in pages {
            let t = Instant::now();
            let r = http
                .get(format!("{base}{path}"))
                .header("accept", "text/html")
                .header("cookie", if round % 2 == 0 { cookie.as_str() } else { "" })
                .send()
                .await
                .unwrap();
            if r.status() != 200 {
                failed.push(format!("{} {path}", r.status()));
            }
            let _ = r.bytes().await.unwrap();
            times.push(t.elapsed());
        }
    }
    report("library page SSR (filters, search)", times);
    if !failed.is_empty() {
        println!(
            "  {} requests failed: {:?}",
            failed.len(),
            &failed[..failed.len().min(5)]
        );
    }
    println!(
        "at the end: {} (server and benchmark client in one process)",
        memory()
    );
}
