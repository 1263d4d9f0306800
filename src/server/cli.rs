//! The `groundwork` command: serve (default), `admin create`, `demo load`.
use crate::config::Config;
use crate::domain::accounts::{self as rules, NewOrganisation, Role};
use crate::store;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
Groundwork: evidence-grounded policy papers for civil-society networks

USAGE:
  groundwork [serve]                  run the web server (settings: Leptos.toml, GROUNDWORK_*)
  groundwork admin create --email EMAIL --name NAME --organisation ORG [--country CC]
                                      create the first administrator; the password is read
                                      from $GROUNDWORK_ADMIN_PASSWORD or the first line of stdin
  groundwork demo load                load the demo organisations and members (empty database only)
  groundwork verify                   check every published paper's chain of versions: one line
                                      per paper, OK or FAILED with the first broken version;
                                      exits with 1 if any chain fails
  groundwork help                     this text

  --config PATH                       settings file (default: Leptos.toml, or $GROUNDWORK_CONFIG)
";

/// What the server logs unless `RUST_LOG` says otherwise (the benchmarks log the same way).
pub const DEFAULT_LOG_FILTER: &str = "groundwork=info,tower_http=warn,surrealdb=warn";

pub fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let config_path = take_flag(&mut args, "--config")
        .or_else(|| std::env::var("GROUNDWORK_CONFIG").ok())
        .unwrap_or_else(|| "Leptos.toml".into());
    let config = match Config::load(&PathBuf::from(&config_path)) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("groundwork: {error}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| DEFAULT_LOG_FILTER.into()),
        )
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("groundwork: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        [] | ["serve"] => runtime.block_on(serve(config)),
        ["admin", "create", ..] => runtime.block_on(create_admin(config, &mut args)),
        ["demo", "load"] => runtime.block_on(load_demo(config)),
        ["verify"] => runtime.block_on(verify(config)),
        ["help"] | ["--help"] | ["-h"] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command: {}\n\n{USAGE}", args.join(" "))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("groundwork: {message}");
            ExitCode::FAILURE
        }
    }
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> Option<String> {
    let at = args.iter().position(|a| a == flag)?;
    if at + 1 >= args.len() {
        args.remove(at);
        return None;
    }
    let value = args.remove(at + 1);
    args.remove(at);
    Some(value)
}

fn print_settings(config: &Config) {
    println!("Groundwork settings:");
    let width = config
        .report
        .iter()
        .map(|(name, ..)| name.len())
        .max()
        .unwrap_or(0);
    for (name, value, source) in &config.report {
        println!("  {name:<width$} {value:<40} ({source})");
    }
}

/// How long a command waits for the database to close once it is done (a stopping server:
/// after the last request, and an import still running finishes first; SurrealKV then writes
/// its memtable out). Service managers usually wait 90 s before they kill.
const CLOSE_DATABASE_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Every command closes the database it opened before the process exits, so that the next
/// start reads SurrealKV's tables rather than replaying its log. A close that does not finish
/// in time is logged, and the command's own result stands.
async fn close(db: store::Db, endpoint: &str) {
    let deadline = CLOSE_DATABASE_WITHIN;
    if !store::close(db, endpoint, deadline).await {
        tracing::warn!(
            "the database was still in use {deadline:?} after the command finished; \
             the next start reads its log again"
        );
    }
}

/// Runs `command` on the app's state (the database, its schema applied, and the search
/// engine), then closes the database.
async fn with_state(
    config: Config,
    command: impl AsyncFnOnce(&crate::state::AppState) -> Result<(), String>,
) -> Result<(), String> {
    let state = super::state(config).await.map_err(|e| e.to_string())?;
    let done = command(&state).await;
    let (db, endpoint) = (state.db.clone(), state.config.db_endpoint.clone());
    drop(state);
    close(db, &endpoint).await;
    done
}

async fn serve(config: Config) -> Result<(), String> {
    print_settings(&config);
    let demo = config.demo;
    let state = super::state(config).await.map_err(|e| e.to_string())?;
    if demo {
        match crate::demo::load_if_empty(&state.db).await {
            Ok(true) => println!(
                "Loaded the demo data: sign in as amelie.laurent@example.org (admin) with password {}",
                crate::demo::DEMO_PASSWORD
            ),
            Ok(false) => {}
            Err(error) => return Err(format!("cannot load the demo data: {error}")),
        }
    }
    let (db, endpoint) = (state.db.clone(), state.config.db_endpoint.clone());
    let served = super::serve(state).await;
    close(db, &endpoint).await;
    served.map_err(|e| format!("server stopped: {e}"))
}

async fn verify(config: Config) -> Result<(), String> {
    let db = store::connect(&config).await.map_err(|e| e.to_string())?;
    let verified = verify_chains(&db, &mut std::io::stdout().lock()).await;
    close(db, &config.db_endpoint).await;
    if verified? {
        Ok(())
    } else {
        Err("a chain of versions does not verify".into())
    }
}

/// Checks every published paper's chain and writes one line per paper to `out`. Answers
/// whether all of them verify.
pub async fn verify_chains(db: &store::Db, out: &mut impl std::io::Write) -> Result<bool, String> {
    let papers = store::versions::published_papers(db)
        .await
        .map_err(|e| format!("cannot read the papers: {e}"))?;
    let mut all = true;
    for (id, slug) in papers {
        let chain = store::versions::chain(db, &id)
            .await
            .map_err(|e| format!("cannot read the versions of {slug}: {e}"))?;
        let line = match crate::domain::versions::verify_chain(&chain) {
            Ok(()) => format!("{slug}: OK ({} versions)", chain.len()),
            Err(broken) => {
                all = false;
                format!(
                    "{slug}: FAILED at version {} ({:?})",
                    broken.number, broken.problem
                )
            }
        };
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(all)
}

async fn load_demo(config: Config) -> Result<(), String> {
    with_state(config, async |state| {
        match crate::demo::load_if_empty(&state.db).await {
            Ok(true) => {
                println!(
                    "Demo data loaded. Password for every demo account: {}",
                    crate::demo::DEMO_PASSWORD
                );
                Ok(())
            }
            Ok(false) => Err(
                "the database already has members; the demo loads only into an empty one".into(),
            ),
            Err(error) => Err(format!("cannot load the demo data: {error}")),
        }
    })
    .await
}

async fn create_admin(config: Config, args: &mut Vec<String>) -> Result<(), String> {
    let email = take_flag(args, "--email").ok_or("--email is required")?;
    let name = take_flag(args, "--name").ok_or("--name is required")?;
    let organisation = take_flag(args, "--organisation").ok_or("--organisation is required")?;
    let country = take_flag(args, "--country").unwrap_or_else(|| "BE".into());
    let password = match std::env::var("GROUNDWORK_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!(
                "Password for {email} (at least {} characters):",
                rules::PASSWORD_MIN
            );
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let email = rules::normalise_email(&email).map_err(|e| format!("email: {e}"))?;
    let name = rules::clean_text("name", &name, rules::NAME_MAX).map_err(|e| e.to_string())?;
    rules::check_new_password(&password, &password).map_err(|e| e.to_string())?;
    let org = NewOrganisation::parse(
        &organisation,
        &organisation.chars().take(24).collect::<String>(),
        &country,
        "network",
    )
    .map_err(|e| e.to_string())?;

    let hash = crate::auth::password::hash(&password).map_err(|e| e.to_string())?;
    with_state(config, async |state| {
        let db = &state.db;
        if store::members::count(db).await.map_err(|e| e.to_string())? > 0 {
            return Err(
                "the database already has members: invite further administrators from /admin"
                    .into(),
            );
        }
        let org_id = match store::organisations::find_by_name(db, &org.name)
            .await
            .map_err(|e| e.to_string())?
        {
            Some(id) => id,
            None => store::organisations::create(db, &org)
                .await
                .map_err(|e| e.to_string())?,
        };
        store::members::create(
            db,
            store::members::NewMember {
                name: &name,
                email: &email,
                organisation_id: &org_id,
                role: Role::Admin,
                password_hash: &hash,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        println!("Created administrator {email} in {}.", org.name);
        Ok(())
    })
    .await
}
