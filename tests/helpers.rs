use groundwork::config::Config;
use groundwork::demo::DEMO_PASSWORD;
use groundwork::state::AppState;
use std::net::SocketAddr;
use tokio::task::JoinHandle;

pub const ADMIN: &str = "amelie.laurent@example.org";
pub const EDITOR: &str = "marco.bellini@example.org";
pub const MEMBER: &str = "zsofia.kovacs@example.org";
pub const PASSWORD: &str = DEMO_PASSWORD;

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    server: JoinHandle<()>,
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

    async fn spawn_with(config: Config) -> TestApp {
        // Server-side errors are logged, never sent: show them in the failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("groundwork=warn")
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

    async fn serve(state: AppState) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = groundwork::server::app(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            addr,
            state,
            server,
        }
    }

    /// Stops serving and lets go of the database (so an on-disk store can be reopened).
    pub async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
        drop(self.state);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
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

    /// Signs in and returns the `gw_session=…` cookie pair.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let response = self
            .call("login", &[("email", email), ("password", password)], None)
            .await;
        assert_eq!(response.status(), 200, "sign in as {email}");
        session_cookie(&response).expect("a session cookie")
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = TestApp::client()
            .get(self.url(path))
            .header("accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }
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
