//! What both benchmarks share: percentiles and one line of results.
use std::time::Duration;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<44} n={:<5} p50={:>8.2} ms  p95={:>8.2} ms  p99={:>8.2} ms  max={:>8.2} ms",
        samples.len(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 95.0)),
        ms(percentile(&samples, 99.0)),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
    );
}

/// The database a benchmark runs on: `GW_BENCH_DB` if set (`mem://` for the in-memory one),
/// else the embedded on-disk database that users run (`surrealkv://` in a temporary folder,
/// removed when the returned guard is dropped).
pub fn endpoint() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("GW_BENCH_DB") {
        Ok(endpoint) if !endpoint.is_empty() => (endpoint, None),
        _ => {
            let folder = tempfile::tempdir().expect("a temporary folder");
            let endpoint = format!("surrealkv://{}/db", folder.path().display());
            (endpoint, Some(folder))
        }
    }
}

/// The app with the demo data, serving on 127.0.0.1 until the benchmark ends: its state and
/// its address (`http://…`). Every simulated reader comes from 127.0.0.1, so the per-client
/// budget for costly requests (searches, exports), which is for abuse, is lifted.
pub async fn start(endpoint: &str) -> (groundwork::state::AppState, String) {
    let state = with_demo_data(endpoint).await;
    state.search.ready().await;
    let _ = state.search.catch_up(&state.db).await;
    let (addr, server) = groundwork::server::spawn_on(
        ([127, 0, 0, 1], 0).into(),
        state.clone(),
        std::future::pending(),
    )
    .await
    .expect("listening");
    // Serves for as long as the benchmark's runtime runs.
    drop(server);
    (state, format!("http://{addr}"))
}

/// The app's state on `endpoint` with the demo data, logging as the server does, not serving
/// (what [`start`] serves, or what a benchmark fills and closes).
pub async fn with_demo_data(endpoint: &str) -> groundwork::state::AppState {
    // Logging as the server sets it up (`RUST_LOG` or the server's default filter).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| groundwork::server::cli::DEFAULT_LOG_FILTER.into()),
        )
        .try_init();
    let mut config = groundwork::config::Config::for_tests(endpoint);
    config.costly_per_minute = 100_000;
    // The server's request time limit (30 s by default), longer to measure what exceeds it.
    if let Some(secs) = std::env::var("GROUNDWORK_REQUEST_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.request_timeout = std::time::Duration::from_secs(secs);
    }
    let state = groundwork::server::state(config).await.expect("database");
    groundwork::demo::load_if_empty(&state.db)
        .await
        .expect("demo data");
    state
}
