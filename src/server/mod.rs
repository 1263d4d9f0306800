//! Start-up, the router, and request-level safety. `app(state)` is what `main` serves and
//! what integration tests start on 127.0.0.1:0. The command line (`cli`) sits above it:
//! it reads the settings and calls `state` and `serve`.
pub mod cli;
mod compare;
mod consultation_files;
mod evidence_files;
mod feeds;
mod guard;
mod pages;
mod papers_live;
mod public_api;
mod rate_limit;
mod reading;
mod session;
mod static_files;
mod version_files;

use crate::app::{App, shell};
use crate::config::Config;
use crate::state::AppState;
use crate::{auth, store};
use axum::Router;
use axum::routing::get;
use http::StatusCode;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(static_files::OUTPUT_NAME)
        .site_root(config.site_root.as_str())
        .site_pkg_dir(static_files::PKG_DIR)
        .hash_files(static_files::names_are_hashed())
        .site_addr(config.address)
        .build()
}

/// Opens the database, applies the schema, and assembles the shared state.
pub async fn state(config: Config) -> Result<AppState, store::StoreError> {
    let db = store::connect(&config).await?;
    Ok(state_on(db, config))
}

/// An app instance on an open database (tests start a second one on the same database).
pub fn state_on(db: store::Db, config: Config) -> AppState {
    let caches = crate::caches::Caches::new();
    AppState::new(crate::state::Shared {
        events: crate::events::Events::start(db.clone(), caches.clone()),
        search: crate::search::Engine::start(db.clone())
            .expect("an index in memory opens (it needs no disk and little memory)"),
        caches,
        votes: crate::vote_writer::VoteWriter::start(db.clone()),
        hashing: auth::password::Hashing::for_this_machine(),
        presence: Arc::new(crate::budgets::Budgets::new(
            crate::state::PRESENCE_PER_MINUTE,
        )),
        demo_accounts: Arc::default(),
        db,
        leptos_options: leptos_options(&config),
        config: Arc::new(config),
    })
}

pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let provide_state = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            guard::provide_script_nonce();
        }
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let (mut timed, mut uploads, mut open) = (Router::new(), Router::new(), Router::new());
    for route in plain_routes() {
        // The live stream of a draft stays open while the draft does; a large CSV upload over
        // a field office's connection takes its time, but not for ever.
        match route.deadline {
            Deadline::Request => timed = timed.route(route.path, route.handler),
            Deadline::Upload => uploads = uploads.route(route.path, route.handler),
            Deadline::None => open = open.route(route.path, route.handler),
        }
    }
    let uploads = uploads.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        state.config.upload_timeout,
    ));
    timed
        .nest_service("/pkg", static_files::bundle(&state.leptos_options))
        .leptos_routes_with_context(&state, routes, provide_state.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, shell))
        // A client that sends its request slowly (or never finishes it) is let go.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .merge(uploads)
        .merge(open)
        .layer(axum::middleware::from_fn_with_state(
            rate_limit::Limits {
                budgets: Arc::new(rate_limit::Budgets::new(state.config.costly_per_minute)),
                trusted_proxies: state.config.trusted_proxies.clone(),
            },
            rate_limit::limit_costly,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::session_layer,
        ))
        .layer(axum::middleware::from_fn(guard::reject_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            guard::BodyLimits {
                body: state.config.max_body_bytes,
                upload: state.config.max_upload_bytes,
            },
            guard::limit_body,
        ))
        // Inside `friendly_errors`, so the 500 a panic becomes is logged with its request.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            guard::panic_page,
        ))
        .layer(axum::middleware::from_fn(guard::friendly_errors))
        // Outside everything that answers, so error pages and panics carry them too.
        .layer(axum::middleware::from_fn_with_state(
            guard::HeaderPolicy {
                image_hosts: state.config.image_hosts.hosts().into(),
                https: state.config.secure_cookies,
            },
            guard::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How long a route's request may take before it is answered 408.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// `limits.request_timeout_secs`, like every page and server function.
    Request,
    /// `limits.upload_timeout_secs`: a file sent over a slow connection.
    Upload,
    /// None: a live stream, open as long as its page.
    None,
}

/// A route axum answers itself, outside the app's page routes.
pub struct PlainRoute {
    pub method: http::Method,
    pub path: &'static str,
    pub deadline: Deadline,
    handler: axum::routing::MethodRouter<AppState>,
}

/// Every route axum answers itself: the router is built from this list, so what
/// [`route_list`] says is what is served.
pub fn plain_routes() -> Vec<PlainRoute> {
    use http::Method;
    let route = |method: Method, path, deadline, handler| PlainRoute {
        method,
        path,
        deadline,
        handler,
    };
    vec![
        route(
            Method::GET,
            "/healthz",
            Deadline::Request,
            get(pages::health),
        ),
        route(
            Method::GET,
            "/lang/{code}",
            Deadline::Request,
            get(pages::switch_language),
        ),
        route(
            Method::GET,
            "/evidence.csv",
            Deadline::Request,
            get(evidence_files::export),
        ),
        route(
            Method::GET,
            "/evidence/sample.csv",
            Deadline::Request,
            get(evidence_files::sample),
        ),
        route(
            Method::GET,
            "/papers/{slug}/draft.md",
            Deadline::Request,
            get(papers_live::markdown),
        ),
        route(
            Method::GET,
            "/reading.css",
            Deadline::Request,
            get(reading::stylesheet),
        ),
        route(
            Method::GET,
            "/papers/{slug}",
            Deadline::Request,
            get(reading::latest),
        ),
        route(
            Method::GET,
            "/papers/{slug}/v/{number}",
            Deadline::Request,
            get(reading::version),
        ),
        route(
            Method::GET,
            "/papers/{slug}/compare/{from}/{to}",
            Deadline::Request,
            get(compare::versions),
        ),
        route(
            Method::GET,
            "/papers/{slug}/v/{number}/citation.bib",
            Deadline::Request,
            get(version_files::bibtex),
        ),
        route(
            Method::GET,
            "/papers/{slug}/v/{number}/citation.ris",
            Deadline::Request,
            get(version_files::ris),
        ),
        route(
            Method::GET,
            "/papers/{slug}/v/{number}/citation.json",
            Deadline::Request,
            get(version_files::csl_json),
        ),
        route(
            Method::GET,
            "/papers/{slug}/v/{number}/paper.md",
            Deadline::Request,
            get(version_files::markdown),
        ),
        route(
            Method::GET,
            "/papers/{slug}/v/{number}/paper.html",
            Deadline::Request,
            get(version_files::standalone_html),
        ),
        route(
            Method::GET,
            "/feed.atom",
            Deadline::Request,
            get(feeds::site),
        ),
        route(
            Method::GET,
            "/papers/{slug}/feed.atom",
            Deadline::Request,
            get(feeds::paper),
        ),
        route(
            Method::GET,
            "/api/v1/openapi.json",
            Deadline::Request,
            open_for_reading(get(public_api::openapi)),
        ),
        route(
            Method::GET,
            "/api/v1/papers",
            Deadline::Request,
            open_for_reading(get(public_api::papers)),
        ),
        route(
            Method::GET,
            "/api/v1/papers/{slug}/versions",
            Deadline::Request,
            open_for_reading(get(public_api::versions)),
        ),
        route(
            Method::GET,
            "/api/v1/papers/{slug}/versions/{number}",
            Deadline::Request,
            open_for_reading(get(public_api::version)),
        ),
        route(
            Method::GET,
            "/papers/{slug}/consultation.csv",
            Deadline::Request,
            get(consultation_files::results_csv),
        ),
        route(
            Method::GET,
            "/papers/{slug}/events",
            Deadline::None,
            get(papers_live::events),
        ),
        route(
            Method::POST,
            "/assessments/{id}/import",
            Deadline::Upload,
            axum::routing::post(evidence_files::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        ),
    ]
}

/// Any website may read the public API from a browser: its answers are published data, and a
/// GET without credentials needs no preflight.
fn open_for_reading(
    handler: axum::routing::MethodRouter<AppState>,
) -> axum::routing::MethodRouter<AppState> {
    handler.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        http::HeaderValue::from_static("*"),
    ))
}

/// Every route the router answers (method, path in axum's syntax): the app's pages, as
/// Leptos lists them for the router, and the plain routes. Server functions are listed by
/// their own registry (`server_fn::axum::server_fn_paths`), and static files live under
/// [`static_files::PKG_DIR`].
pub fn route_list() -> Vec<(http::Method, String)> {
    let mut routes: Vec<(http::Method, String)> = generate_route_list(App)
        .iter()
        .flat_map(|listing| {
            listing
                .methods()
                .map(|method| (page_method(method), listing.path().to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    routes.extend(
        plain_routes()
            .into_iter()
            .map(|route| (route.method, route.path.to_string())),
    );
    routes
}

fn page_method(method: leptos_router::Method) -> http::Method {
    use leptos_router::Method;
    match method {
        Method::Get => http::Method::GET,
        Method::Post => http::Method::POST,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Patch => http::Method::PATCH,
    }
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState) -> std::io::Result<()> {
    let address = state.config.address;
    let listener = tokio::net::TcpListener::bind(address).await?;
    let local = listener.local_addr()?;
    guard::log_panics();
    spawn_housekeeping(Arc::downgrade(&state.db));
    let shutdown = shutdown_signal();
    // Before the address, so whoever starts it reads the warning first.
    note_demo_accounts(&state).await;
    println!("\n  Groundwork is ready at http://{local}\n");
    run(listener, state, shutdown).await
}

/// Serves on `listener` until `shutdown` resolves, then ends the live streams and lets open
/// requests finish, for at most the configured deadline (`limits.shutdown_deadline_secs`).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    note_demo_accounts(&state).await;
    run(listener, state, shutdown).await
}

/// Serves, once the demo accounts have been noted (`serve` does it before printing the
/// address, `serve_on` first thing).
async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let events = state.events.clone();
    let limit = state.config.shutdown_deadline;
    let deadline = {
        let closed = events.closed();
        async move {
            closed.await;
            tokio::time::sleep(limit).await;
        }
    };
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        events.close();
    });
    tokio::select! {
        result = std::future::IntoFuture::into_future(served) => result,
        () = deadline => {
            tracing::warn!("requests still open {limit:?} after shutdown began; exiting");
            Ok(())
        }
    }
}

/// Serves the app in the background on `address` (port 0: any free port), without the
/// housekeeping and the shutdown signal of `serve`: how the integration tests and the
/// benchmarks start it. Answers the address it listens on and the task that stops it when
/// aborted.
pub async fn spawn_on(
    address: std::net::SocketAddr,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    let local = listener.local_addr()?;
    let server = tokio::spawn(async move {
        if let Err(error) = serve_on(listener, state, shutdown).await {
            tracing::error!(%error, "the server stopped");
        }
    });
    Ok((local, server))
}

/// Says at start, in the log and then on every page, when the demo accounts can sign in:
/// their password is published, so this must never pass for a real installation.
async fn note_demo_accounts(state: &AppState) {
    let present = crate::demo::accounts_exist(&state.db)
        .await
        .unwrap_or(false);
    state
        .demo_accounts
        .store(present, std::sync::atomic::Ordering::Relaxed);
    if present {
        tracing::warn!(
            "DEMO INSTALLATION: the demo accounts exist and sign in with the published password \
             {:?}; every page says so. Do not keep real data here.",
            crate::demo::DEMO_PASSWORD
        );
    }
}

/// Expired sessions and old log-in failures are removed hourly (any instance may do it).
/// Hourly clean-up. It holds the database weakly, like the pollers, so a server that stops can
/// close it ([`store::close`]).
fn spawn_housekeeping(db: std::sync::Weak<surrealdb::Surreal<surrealdb::engine::any::Any>>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let Some(db) = db.upgrade() else { return };
            let throttle = crate::domain::login_throttle::LoginThrottle::default();
            let before = throttle.window_start(chrono::Utc::now().timestamp());
            let _ = store::sessions::purge_expired(&db).await;
            let _ = store::login_failures::purge_before(&db, before).await;
        }
    });
}

/// Resolves at Ctrl-C or SIGTERM. The handlers are installed here, before the address is
/// printed: a signal sent as soon as the server says it is ready must stop it gracefully (so
/// that it closes its database), not kill it as an unhandled signal does.
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            // A handler that could not be installed never fires (rather than at once).
            let received = |handler: Option<tokio::signal::unix::Signal>| async move {
                match handler {
                    Some(mut handler) => {
                        handler.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = received(interrupt) => {},
                () = received(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
