//! Publishing benchmark (issue 12): publishing a generated 500-block paper with 1,500
//! citations three times (the server function, over HTTP; 50 blocks changed between
//! versions), comparing the first and last versions, then reading the published page: the
//! whole page, the `304` an unchanged page costs, and `wrk` against the app and against
//! nginx serving the same bytes from a file, in one run.
//!
//! `./scripts/bench.sh publishing` (release build; it installs Debian's nginx and wrk);
//! `cargo test --bench publishing` runs it on a debug build. `GW_BENCH_BLOCKS` changes the
//! paper size.
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
    let (endpoint, _folder) = common::endpoint();
    println!("database: {endpoint}");
    let (state, base) = common::start(&endpoint).await;
    let paper_id = paper::generated_paper(&state, SLUG, blocks).await;
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
        if number > 1 {
            change_blocks(&http, &base, &cookie, &state, &paper_id, number).await;
        }
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
    // As a browser asks for it: the brotli form kept beside the page.
    let mut compressed = Vec::new();
    let mut size = 0;
    for _ in 0..200 {
        let started = Instant::now();
        let response = http
            .get(&page_url)
            .header("accept-encoding", "gzip, deflate, br")
            .send()
            .await
            .expect("page");
        assert_eq!(response.headers()["content-encoding"], "br");
        size = response.bytes().await.map_or(0, |b| b.len());
        compressed.push(started.elapsed());
    }
    report(
        &format!("published page, brotli {} KB (one client)", size / 1024),
        compressed,
    );

    // What changed from v1 to v3, as a reader's comparison page (computed on each request).
    let compare_url = format!("{base}/papers/{SLUG}/compare/1/3");
    let mut compare = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        let response = http.get(&compare_url).send().await.expect("compare");
        assert_eq!(response.status(), 200);
        let _ = response.bytes().await;
        compare.push(started.elapsed());
    }
    report(
        &format!("compare v1 and v3, {blocks} blocks (page)"),
        compare,
    );

    against_nginx(&page_url, &page).await;
}

/// Changes 50 blocks' text (citations kept) before version `number`, as an editor would.
async fn change_blocks(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    state: &groundwork::state::AppState,
    paper_id: &str,
    number: usize,
) {
    let rows = groundwork::store::papers::blocks(&state.db, paper_id)
        .await
        .expect("blocks");
    for block in rows
        .iter()
        .skip(number)
        .step_by(rows.len().div_ceil(50).max(1))
    {
        let text = block.text.replace(
            "lasting change",
            &format!("a lasting change (confirmed for version {number})"),
        );
        let response = http
            .post(format!("{base}/fn/save_block"))
            .header("accept", "application/json")
            .header("cookie", cookie)
            .form(&[
                ("slug", SLUG),
                ("block", block.id.as_str()),
                ("rev", block.rev.to_string().as_str()),
                ("kind", block.kind.as_str()),
                ("text", text.as_str()),
            ])
            .send()
            .await
            .expect("save");
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
    }
}

/// `wrk` (2 threads, 32 connections, 10 s) against the app's published page, then against
/// nginx serving the same bytes from a file on loopback: requests/s and p99 of each, and the
/// ratio app ÷ nginx. Skipped, saying so, when nginx or wrk is not installed.
async fn against_nginx(page_url: &str, page: &[u8]) {
    let found = |tool: &str| {
        std::process::Command::new("sh")
            .args([
                "-c",
                &format!("command -v {tool} || test -x /usr/sbin/{tool}"),
            ])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !found("wrk") || !found("nginx") {
        println!(
            "app against nginx: skipped (nginx or wrk missing; scripts/bench.sh installs them)"
        );
        return;
    }
    let folder = tempfile::tempdir().expect("folder");
    let root = folder.path();
    std::fs::create_dir_all(root.join("www")).expect("www");
    std::fs::create_dir_all(root.join("tmp")).expect("tmp");
    std::fs::write(root.join("www/page.html"), page).expect("page file");
    // nginx's workers run as another user when it is started as root: let them read the page.
    use std::os::unix::fs::PermissionsExt;
    for path in [root.to_path_buf(), root.join("www")] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("mode");
    }
    std::fs::set_permissions(
        root.join("www/page.html"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("mode");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let config = format!(
        "worker_processes 2;\ndaemon off;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  client_body_temp_path {dir}/tmp;\n  \
         proxy_temp_path {dir}/tmp;\n  fastcgi_temp_path {dir}/tmp;\n  uwsgi_temp_path {dir}/tmp;\n  \
         scgi_temp_path {dir}/tmp;\n  \
         server {{\n    listen 127.0.0.1:{port};\n    root {dir}/www;\n    \
         location / {{ default_type text/html; }}\n  }}\n}}\n",
        dir = root.display()
    );
    std::fs::write(root.join("nginx.conf"), config).expect("nginx.conf");
    let nginx_binary = if std::path::Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    };
    let mut nginx = std::process::Command::new(nginx_binary)
        .arg("-p")
        .arg(root)
        .arg("-c")
        .arg(root.join("nginx.conf"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx_url = format!("http://127.0.0.1:{port}/page.html");
    let mut ready = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ready, "nginx did not start");
    let app = wrk(page_url, None).await;
    let app_brotli = wrk(page_url, Some("Accept-Encoding: br")).await;
    let reference = wrk(&nginx_url, None).await;
    let _ = nginx.kill();
    let _ = nginx.wait();
    println!(
        "published page under wrk (2 threads, 32 connections, 10 s, {} KB):",
        page.len() / 1024
    );
    println!("  app:   {:>9.0} requests/s, p99 {}", app.0, app.1);
    println!(
        "  nginx: {:>9.0} requests/s, p99 {}",
        reference.0, reference.1
    );
    println!("  ratio app / nginx: {:.2}", app.0 / reference.0.max(1.0));
    println!(
        "  app, brotli as browsers ask: {:>9.0} requests/s, p99 {}",
        app_brotli.0, app_brotli.1
    );
}

/// Requests per second and the p99 latency as wrk prints it, with one extra request header.
async fn wrk(url: &str, header: Option<&str>) -> (f64, String) {
    let target = url.to_string();
    let header = header.map(str::to_string);
    let output = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new("wrk");
        command.args(["-t2", "-c32", "-d10s", "--latency"]);
        if let Some(header) = header {
            command.args(["-H", &header]);
        }
        command.arg(&target).output().expect("wrk runs")
    })
    .await
    .expect("wrk");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    let p99 = text
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("99%"))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| "?".into());
    if text.contains("Non-2xx") {
        println!("wrk saw errors from {url}:\n{text}");
    }
    (rate, p99)
}
