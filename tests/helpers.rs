use groundwork::config::Config;
use groundwork::demo::DEMO_PASSWORD;
use groundwork::state::AppState;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::task::JoinHandle;

pub const ADMIN: &str = "amelie.laurent@example.org";
pub const EDITOR: &str = "marco.bellini@example.org";
pub const MEMBER: &str = "zsofia.kovacs@example.org";
pub const PASSWORD: &str = DEMO_PASSWORD;

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    server: JoinHandle<()>,
    /// Sent (or dropped) to shut the server down gracefully.
    shutdown: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    /// A fresh in-memory database with the demo accounts.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_on("mem://").await
    }

    pub async fn spawn_on(endpoint: &str) -> TestApp {
        TestApp::spawn_with(Config::for_tests(endpoint)).await
    }

    /// Serving the compiled site from `site_root` (a temporary folder the test fills).
    pub async fn spawn_with_site_root(site_root: &std::path::Path) -> TestApp {
        let mut config = Config::for_tests("mem://");
        config.site_root = site_root.to_str().expect("a UTF-8 path").to_string();
        TestApp::spawn_with(config).await
    }

    /// With settings a test changes (trusted proxies, timeouts).
    pub async fn spawn_with(config: Config) -> TestApp {
        // Server-side errors are logged, never sent: show them in the failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("groundwork=warn")),
            )
            .try_init();
        let state = groundwork::server::state(config)
            .await
            .expect("database opens");
        groundwork::demo::load_if_empty(&state.db)
            .await
            .expect("demo loads");
        TestApp::serve(state).await
    }

    /// Another app instance on an already open database (as behind a load balancer).
    pub async fn spawn_with_db(db: groundwork::store::Db) -> TestApp {
        let state = groundwork::server::state_on(db, Config::for_tests("mem://"));
        TestApp::serve(state).await
    }

    pub async fn serve(state: AppState) -> TestApp {
        // Searches answer "warming up" until the index is built; tests start searchable, with
        // whatever was written before (the demo data) applied.
        state.search.ready().await;
        let _ = state.search.catch_up(&state.db).await;
        let (shutdown, shutdown_asked) = tokio::sync::oneshot::channel::<()>();
        let (addr, server) =
            groundwork::server::spawn_on(([127, 0, 0, 1], 0).into(), state.clone(), async move {
                // Only an explicit `shut_down`: a test that drops its app keeps it serving.
                if shutdown_asked.await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await
            .expect("listening on a free port");
        TestApp {
            addr,
            state,
            server,
            shutdown,
        }
    }

    /// Shuts the server down as a signal would; answers whether it finished `within`.
    pub async fn shut_down(self, within: std::time::Duration) -> bool {
        let _ = self.shutdown.send(());
        tokio::time::timeout(within, self.server).await.is_ok()
    }

    /// Stops serving and lets go of the database (so an on-disk store can be reopened).
    pub async fn stop(self) {
        // The graceful-shutdown signal waits on its own task until it is sent.
        let _ = self.shutdown.send(());
        self.server.abort();
        let _ = self.server.await;
        drop(self.state);
        // The database shuts down on a task of its own once its last handle is dropped, and
        // the event poller lets go at its next tick: each test has a runtime of its own, so
        // no task left alive means nothing holds the store any more.
        wait_until(
            Duration::from_secs(10),
            "the app's tasks and its database have stopped",
            || async {
                tokio::runtime::Handle::current()
                    .metrics()
                    .num_alive_tasks()
                    == 0
            },
        )
        .await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client without a cookie jar or redirects: tests see every header.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Calls a server function the way the hydrated app does (JSON answer).
    pub async fn call(
        &self,
        name: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = TestApp::client()
            .post(self.url(&format!("/fn/{name}")))
            .header("accept", "application/json")
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Posts a form the way a browser without JavaScript does (it accepts HTML, and is
    /// answered with a redirect).
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = TestApp::client()
            .post(self.url(path))
            .header("accept", "text/html")
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Signs in and returns the `gw_session=…` cookie pair.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let response = self
            .call("login", &[("email", email), ("password", password)], None)
            .await;
        assert_eq!(response.status(), 200, "sign in as {email}");
        session_cookie(&response).expect("a session cookie")
    }

    /// A page, as a browser asks for it.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        self.get_accepting(path, "text/html", cookie).await
    }

    /// A GET server function (or anything else) answered as JSON.
    pub async fn fetch(&self, path_and_query: &str, cookie: Option<&str>) -> reqwest::Response {
        self.get_accepting(path_and_query, "application/json", cookie)
            .await
    }

    async fn get_accepting(
        &self,
        path: &str,
        accept: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = TestApp::client()
            .get(self.url(path))
            .header("accept", accept);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Removes the app's database from under it: what reads it then fails inside (a 500).
    pub async fn remove_database(&self) {
        self.state
            .db
            .query(format!("REMOVE DATABASE {}", self.state.config.db_database))
            .await
            .unwrap()
            .check()
            .unwrap();
    }

    /// A new paper created by `cookie`'s editor (its only listed editor); answers its slug.
    pub async fn new_paper(&self, cookie: &str, title: &str) -> String {
        let created = self
            .call(
                "create_paper",
                &[("paper[title]", title), ("paper[summary]", "")],
                Some(cookie),
            )
            .await;
        assert_eq!(created.status(), 200, "create {title}");
        json(created).await.as_str().unwrap().to_string()
    }
}

/// A withdrawal made in the database, as by another instance, reaches readers within
/// `caches::WITHDRAWN_TTL` (one second); tests allow for a busy machine.
pub const WITHDRAWAL_REACHES_READERS: Duration = Duration::from_secs(10);

/// Polls `condition` until it holds; fails the test, naming `what` it waited for, when it
/// still does not after `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited {timeout:?} until {what}, in vain"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gw_session=") && !v.starts_with("gw_session=;"))
        .map(|v| v.split(';').next().unwrap().to_string())
}

pub async fn json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// The `field` of every object in a JSON array, as strings.
pub fn strings(list: &serde_json::Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_string())
        .collect()
}

/// `days` from now as a `datetime-local` input sends it (UTC).
pub fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The nonce the Content-Security-Policy allows inline scripts with, after checking the rest
/// of the policy and the other security headers.
pub fn checked_security_headers(what: &str, response: &reqwest::Response) -> String {
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["x-frame-options"], "DENY", "{what}");
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{what}: no HSTS over plain http"
    );
    let policy = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .unwrap()
        .to_string();
    for directive in [
        "default-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            policy.split(';').any(|d| d.trim() == directive),
            "{what}: {directive} missing from {policy}"
        );
    }
    assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
    let scripts = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("{what}: no script-src in {policy}"));
    assert!(
        scripts.contains("'self'") && scripts.contains("'wasm-unsafe-eval'"),
        "{what}: the app's own script and WASM must load: {scripts}"
    );
    scripts
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{what}: no nonce in {scripts}"))
        .to_string()
}

/// Sends a request's head and the start of its body, then stalls; the first bytes of the
/// answer, if one comes within `wait`.
pub async fn stalled_request(
    app: &TestApp,
    head: &str,
    body_start: &str,
    wait: std::time::Duration,
) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(format!("{head}\r\n\r\n{body_start}").as_bytes())
        .await
        .unwrap();
    let mut answer = vec![0; 64];
    match tokio::time::timeout(wait, stream.read(&mut answer)).await {
        Ok(Ok(n)) if n > 0 => Some(String::from_utf8_lossy(&answer[..n]).into_owned()),
        _ => None,
    }
}

/// A paper by Marco (its only editor) with one text block; answers (slug, block id).
pub async fn paper_with_block(
    app: &TestApp,
    marco: &str,
    title: &str,
    text: &str,
) -> (String, String) {
    let slug = app.new_paper(marco, title).await;
    let added = app
        .call(
            "add_block",
            &[("slug", &slug), ("after", ""), ("kind", "text")],
            Some(marco),
        )
        .await;
    assert_eq!(added.status(), 200);
    let block = json(added).await.as_str().unwrap().to_string();
    let saved = app
        .call(
            "save_block",
            &[
                ("slug", &slug),
                ("block", &block),
                ("rev", "1"),
                ("kind", "text"),
                ("text", text),
            ],
            Some(marco),
        )
        .await;
    assert_eq!(saved.status(), 200);
    (slug, block)
}

/// The status of an answer, and the field and problem code of a validation error.
pub async fn problem(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body = json(response).await;
    (
        status,
        body["field"].as_str().unwrap_or_default().to_string(),
        body["problem"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// Reads a streamed answer (a live event stream) until `needle` appears in it: what was
/// received by then, or `None` when the stream ends, fails or `within` passes first.
pub async fn read_until(
    stream: &mut reqwest::Response,
    needle: &str,
    within: Duration,
) -> Option<String> {
    let mut received = String::new();
    let found = tokio::time::timeout(within, async {
        while let Ok(Some(chunk)) = stream.chunk().await {
            received.push_str(&String::from_utf8_lossy(&chunk));
            if received.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    (found == Ok(true)).then_some(received)
}

/// `groundwork serve` started as a person starts it, on loopback with plain cookies and no
/// demo data unless `env` says otherwise: the process, the address it says it is ready at,
/// and what it printed before that. Its output is read for its whole life, so it never
/// blocks on a full pipe.
pub fn start_binary(env: &[(&str, &str)]) -> (std::process::Child, String, Vec<String>) {
    use std::io::{BufRead, BufReader};
    const READY: &str = "Groundwork is ready at ";
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_groundwork"));
    command
        .arg("serve")
        .env("GROUNDWORK_ADDRESS", "127.0.0.1:0")
        .env("GROUNDWORK_SECURE_COOKIES", "false")
        .env("GROUNDWORK_DEMO", "false")
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().expect("the server starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut before = Vec::new();
        let mut told = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if told {
                continue;
            }
            match line.find(READY) {
                Some(at) => {
                    let address = line[at + READY.len()..].trim().to_string();
                    let _ = tx.send((address, std::mem::take(&mut before)));
                    told = true;
                }
                None => before.push(line),
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok((address, before)) => (child, address, before),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not say where it listens");
        }
    }
}
