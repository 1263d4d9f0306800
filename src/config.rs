//! Runtime settings: `Leptos.toml`, then `GROUNDWORK_*` environment variables on top.
//! Every value remembers where it came from so start-up can say so.
use serde::Deserialize;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Env(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("Leptos.toml"),
            Source::Env(name) => write!(f, "${name}"),
        }
    }
}

/// How long confirming an import waits for it (at most half the request time limit).
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Config {
    pub address: SocketAddr,
    /// Served over HTTPS: cookies are `Secure` with the `__Host-` prefix, and HSTS is sent.
    /// On by default unless the address is loopback (local development over plain http).
    pub secure_cookies: bool,
    /// Hosts images in papers and summaries may load from, besides this site.
    pub image_hosts: ImageHosts,
    /// Reverse proxies whose `X-Forwarded-For` names the client (nobody else's does).
    pub trusted_proxies: TrustedProxies,
    /// The address readers reach the site at (`https://papers.example.org`), for the links
    /// in feeds, citations and the API. Without it, the request's `Host` names the site,
    /// which a cache in front of it may keep for everyone. Empty: none set.
    pub public_url: String,
    pub site_root: String,
    pub db_endpoint: String,
    pub db_namespace: String,
    pub db_database: String,
    pub db_username: String,
    pub db_password: String,
    pub data_dir: PathBuf,
    pub max_body_bytes: usize,
    pub max_upload_bytes: usize,
    /// How long a request may take, except the live event stream and CSV uploads (their own).
    pub request_timeout: std::time::Duration,
    /// How long requests still open at shutdown may take before the server exits anyway.
    pub shutdown_deadline: std::time::Duration,
    /// How long a file upload may take (a slow connection), before it is answered 408.
    pub upload_timeout: std::time::Duration,
    /// How long confirming an import waits for it to finish before answering that it runs
    /// (the preview page then follows it). Not a setting: tests shorten it.
    pub import_wait: std::time::Duration,
    /// Searches and exports one client may start per minute (an export counts as ten).
    pub costly_per_minute: u32,
    pub session_days: i64,
    pub invitation_days: i64,
    pub demo: bool,
    /// (setting, value shown, source): what start-up prints. Secrets are masked.
    pub report: Vec<(&'static str, String, Source)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Parse { path: String, message: String },
    #[error("{name} = {value:?} is not valid: {expected}")]
    Value {
        name: String,
        value: String,
        expected: &'static str,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    server: ServerSection,
    #[serde(default)]
    database: DatabaseSection,
    #[serde(default)]
    limits: LimitsSection,
    #[serde(default)]
    demo: DemoSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    address: Option<String>,
    secure_cookies: Option<bool>,
    image_hosts: Option<String>,
    trusted_proxies: Option<String>,
    public_url: Option<String>,
    site_root: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseSection {
    endpoint: Option<String>,
    namespace: Option<String>,
    database: Option<String>,
    username: Option<String>,
    password: Option<String>,
    data_dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsSection {
    max_body_bytes: Option<u64>,
    max_upload_bytes: Option<u64>,
    request_timeout_secs: Option<u64>,
    shutdown_deadline_secs: Option<u64>,
    upload_timeout_secs: Option<u64>,
    costly_per_minute: Option<u32>,
    session_days: Option<i64>,
    invitation_days: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSection {
    load_on_first_start: Option<bool>,
}

/// One setting's name, variables, default, and what a valid value looks like.
struct Setting {
    name: &'static str,
    env: &'static [&'static str],
    default: &'static str,
    expected: &'static str,
    secret: bool,
}

/// Resolves one setting: environment over file over default, parsed and recorded.
struct Resolver<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    report: Vec<(&'static str, String, Source)>,
}

impl Resolver<'_> {
    fn take<T: fmt::Display>(
        &mut self,
        setting: Setting,
        file: Option<String>,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        let Setting {
            name,
            env: env_names,
            default,
            expected,
            secret,
        } = setting;
        let from_env = env_names
            .iter()
            .find_map(|var| (self.env)(var).map(|value| (value, Source::Env(var))));
        let (raw, source) = match (from_env, file) {
            (Some(found), _) => found,
            (None, Some(value)) => (value, Source::File),
            (None, None) => (default.to_string(), Source::Default),
        };
        let value = parse(raw.trim()).ok_or_else(|| ConfigError::Value {
            name: match source {
                Source::Env(var) => var.to_string(),
                _ => name.to_string(),
            },
            value: if secret { "***".into() } else { raw.clone() },
            expected,
        })?;
        let shown = if secret && !raw.is_empty() {
            "***".to_string()
        } else {
            value.to_string()
        };
        self.report.push((name, shown, source));
        Ok(value)
    }
}

/// Addresses and ranges (CIDR) of the reverse proxies in front of this server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Comma-separated IP addresses or CIDR ranges; empty means none.
    pub fn parse(text: &str) -> Option<TrustedProxies> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<ipnet::IpNet>()
                    .ok()
                    .or_else(|| part.parse::<IpAddr>().ok().map(ipnet::IpNet::from))
            })
            .collect::<Option<Vec<_>>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let shown: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&shown.join(", "))
    }
}

/// Hosts an admin allows images from (the Content-Security-Policy's `img-src`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageHosts(Vec<String>);

impl ImageHosts {
    /// Comma-separated CSP host sources (`https://img.example.org`, `*.example.net`); empty
    /// means none. Nothing that could end the source list or add a keyword gets through.
    pub fn parse(text: &str) -> Option<ImageHosts> {
        let host_source = |part: &str| {
            let host = part
                .strip_prefix("https://")
                .or_else(|| part.strip_prefix("http://"))
                .unwrap_or(part);
            let host = host.strip_prefix("*.").unwrap_or(host);
            let (host, path) = host.split_once('/').unwrap_or((host, ""));
            let (name, port) = host.split_once(':').unwrap_or((host, "80"));
            name.contains('.')
                && !name.starts_with(['.', '-'])
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                && !port.is_empty()
                && port.chars().all(|c| c.is_ascii_digit())
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'))
        };
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| host_source(part).then(|| part.to_ascii_lowercase()))
            .collect::<Option<Vec<_>>>()
            .map(ImageHosts)
    }

    pub fn hosts(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for ImageHosts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none (this site only)");
        }
        f.write_str(&self.0.join(", "))
    }
}

/// An origin readers reach the site at: `http` or `https`, a host and maybe a port, nothing
/// after (a trailing `/` is dropped). Empty: none set.
fn parse_public_url(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('/');
    if value.is_empty() {
        return Some(String::new());
    }
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))?;
    let fine = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    fine.then(|| value.to_string())
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn any_string(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn endpoint(s: &str) -> Option<String> {
    let known = ["mem://", "surrealkv://", "ws://", "wss://"];
    (s.is_empty() || known.iter().any(|p| s.starts_with(p))).then(|| s.to_string())
}

impl Config {
    /// Reads `path` (missing file: defaults) and the process environment.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        Config::from_parts(text.as_deref(), &path.display().to_string(), &|name| {
            std::env::var(name).ok()
        })
    }

    pub fn from_parts(
        file_text: Option<&str>,
        path: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file: File = match file_text {
            Some(text) => toml::from_str(text).map_err(|e| ConfigError::Parse {
                path: path.to_string(),
                message: e.message().to_string(),
            })?,
            None => File::default(),
        };
        let mut r = Resolver {
            env,
            report: Vec::new(),
        };
        let s = file.server;
        let d = file.database;
        let l = file.limits;
        let address = r.take(
            Setting {
                name: "server.address",
                env: &["GROUNDWORK_ADDRESS"],
                default: "127.0.0.1:3000",
                expected: "an IP address and port such as 127.0.0.1:3000",
                secret: false,
            },
            s.address,
            |v| v.parse::<SocketAddr>().ok(),
        )?;
        let secure_cookies = r.take(
            Setting {
                name: "server.secure_cookies",
                env: &["GROUNDWORK_SECURE_COOKIES"],
                // Anything but loopback is reached over a network, which means HTTPS.
                default: if address.ip().is_loopback() {
                    "false"
                } else {
                    "true"
                },
                expected: "true or false",
                secret: false,
            },
            s.secure_cookies.map(|b| b.to_string()),
            parse_bool,
        )?;
        let image_hosts = r.take(
            Setting {
                name: "server.image_hosts",
                env: &["GROUNDWORK_IMAGE_HOSTS"],
                default: "",
                expected: "comma-separated hosts such as https://images.example.org, *.example.net",
                secret: false,
            },
            s.image_hosts,
            ImageHosts::parse,
        )?;
        let trusted_proxies = r.take(
            Setting {
                name: "server.trusted_proxies",
                env: &["GROUNDWORK_TRUSTED_PROXIES"],
                default: "",
                expected: "comma-separated IP addresses or ranges such as 127.0.0.1, 10.0.0.0/8",
                secret: false,
            },
            s.trusted_proxies,
            TrustedProxies::parse,
        )?;
        let public_url = r.take(
            Setting {
                name: "server.public_url",
                env: &["GROUNDWORK_PUBLIC_URL"],
                default: "",
                expected: "the site's address such as https://papers.example.org (no path)",
                secret: false,
            },
            s.public_url,
            parse_public_url,
        )?;
        let site_root = r.take(
            Setting {
                name: "server.site_root",
                env: &["GROUNDWORK_SITE_ROOT", "LEPTOS_SITE_ROOT"],
                default: "target/site",
                expected: "a directory",
                secret: false,
            },
            s.site_root,
            non_empty,
        )?;
        let data_dir: String = r.take(
            Setting {
                name: "database.data_dir",
                env: &["GROUNDWORK_DATA_DIR"],
                default: "data",
                expected: "a directory",
                secret: false,
            },
            d.data_dir,
            non_empty,
        )?;
        let mut db_endpoint = r.take(
            Setting {
                name: "database.endpoint",
                env: &["GROUNDWORK_DB"],
                default: "",
                expected: "mem://, surrealkv://PATH, ws://HOST:PORT or wss://HOST:PORT",
                secret: false,
            },
            d.endpoint,
            endpoint,
        )?;
        if db_endpoint.is_empty() {
            db_endpoint = format!("surrealkv://{}/groundwork", data_dir.trim_end_matches('/'));
            if let Some(entry) = r.report.last_mut() {
                entry.1 = db_endpoint.clone();
            }
        }
        let db_namespace = r.take(
            Setting {
                name: "database.namespace",
                env: &["GROUNDWORK_DB_NAMESPACE"],
                default: "groundwork",
                expected: "a name",
                secret: false,
            },
            d.namespace,
            non_empty,
        )?;
        let db_database = r.take(
            Setting {
                name: "database.database",
                env: &["GROUNDWORK_DB_DATABASE"],
                default: "main",
                expected: "a name",
                secret: false,
            },
            d.database,
            non_empty,
        )?;
        let db_username = r.take(
            Setting {
                name: "database.username",
                env: &["GROUNDWORK_DB_USERNAME"],
                default: "",
                expected: "a user name",
                secret: false,
            },
            d.username,
            any_string,
        )?;
        let db_password = r.take(
            Setting {
                name: "database.password",
                env: &["GROUNDWORK_DB_PASSWORD"],
                default: "",
                expected: "a password",
                secret: true,
            },
            d.password,
            any_string,
        )?;
        let max_body_bytes = r.take(
            Setting {
                name: "limits.max_body_bytes",
                env: &["GROUNDWORK_MAX_BODY_BYTES"],
                default: "2097152",
                expected: "a number of bytes between 1024 and 1073741824",
                secret: false,
            },
            l.max_body_bytes.map(|n| n.to_string()),
            |v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1024..=1 << 30).contains(n))
            },
        )?;
        let max_upload_bytes = r.take(
            Setting {
                name: "limits.max_upload_bytes",
                env: &["GROUNDWORK_MAX_UPLOAD_BYTES"],
                default: "33554432",
                expected: "a number of bytes between 1024 and 1073741824",
                secret: false,
            },
            l.max_upload_bytes.map(|n| n.to_string()),
            |v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1024..=1 << 30).contains(n))
            },
        )?;
        let request_timeout_secs = r.take(
            Setting {
                name: "limits.request_timeout_secs",
                env: &["GROUNDWORK_REQUEST_TIMEOUT_SECS"],
                default: "30",
                expected: "a number of seconds between 1 and 3600",
                secret: false,
            },
            l.request_timeout_secs.map(|n| n.to_string()),
            |v| v.parse::<u64>().ok().filter(|n| (1..=3600).contains(n)),
        )?;
        let shutdown_deadline_secs = r.take(
            Setting {
                name: "limits.shutdown_deadline_secs",
                env: &["GROUNDWORK_SHUTDOWN_DEADLINE_SECS"],
                default: "10",
                expected: "a number of seconds between 1 and 600",
                secret: false,
            },
            l.shutdown_deadline_secs.map(|n| n.to_string()),
            |v| v.parse::<u64>().ok().filter(|n| (1..=600).contains(n)),
        )?;
        let upload_timeout_secs = r.take(
            Setting {
                name: "limits.upload_timeout_secs",
                env: &["GROUNDWORK_UPLOAD_TIMEOUT_SECS"],
                default: "900",
                expected: "a number of seconds between 1 and 86400",
                secret: false,
            },
            l.upload_timeout_secs.map(|n| n.to_string()),
            |v| v.parse::<u64>().ok().filter(|n| (1..=86_400).contains(n)),
        )?;
        let costly_per_minute = r.take(
            Setting {
                name: "limits.costly_per_minute",
                env: &["GROUNDWORK_COSTLY_PER_MINUTE"],
                default: "120",
                expected: "a number of requests between 1 and 100000",
                secret: false,
            },
            l.costly_per_minute.map(|n| n.to_string()),
            |v| v.parse::<u32>().ok().filter(|n| (1..=100_000).contains(n)),
        )?;
        let session_days = r.take(
            Setting {
                name: "limits.session_days",
                env: &["GROUNDWORK_SESSION_DAYS"],
                default: "14",
                expected: "a number of days between 1 and 365",
                secret: false,
            },
            l.session_days.map(|n| n.to_string()),
            |v| v.parse::<i64>().ok().filter(|n| (1..=365).contains(n)),
        )?;
        let invitation_days = r.take(
            Setting {
                name: "limits.invitation_days",
                env: &["GROUNDWORK_INVITATION_DAYS"],
                default: "7",
                expected: "a number of days between 1 and 90",
                secret: false,
            },
            l.invitation_days.map(|n| n.to_string()),
            |v| v.parse::<i64>().ok().filter(|n| (1..=90).contains(n)),
        )?;
        let demo = r.take(
            Setting {
                name: "demo.load_on_first_start",
                env: &["GROUNDWORK_DEMO"],
                default: "false",
                expected: "true or false",
                secret: false,
            },
            file.demo.load_on_first_start.map(|b| b.to_string()),
            parse_bool,
        )?;
        Ok(Config {
            address,
            secure_cookies,
            image_hosts,
            trusted_proxies,
            public_url,
            site_root,
            db_endpoint,
            db_namespace,
            db_database,
            db_username,
            db_password,
            data_dir: PathBuf::from(data_dir),
            max_body_bytes,
            max_upload_bytes,
            request_timeout: std::time::Duration::from_secs(request_timeout_secs),
            shutdown_deadline: std::time::Duration::from_secs(shutdown_deadline_secs),
            upload_timeout: std::time::Duration::from_secs(upload_timeout_secs),
            import_wait: IMPORT_WAIT.min(std::time::Duration::from_secs(request_timeout_secs) / 2),
            costly_per_minute,
            session_days,
            invitation_days,
            demo,
            report: r.report,
        })
    }

    /// Settings for tests: an in-memory database and defaults elsewhere.
    pub fn for_tests(db_endpoint: &str) -> Config {
        let endpoint = db_endpoint.to_string();
        let env = move |name: &str| (name == "GROUNDWORK_DB").then(|| endpoint.clone());
        Config::from_parts(None, "(tests)", &env).expect("test settings are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_without_a_file() {
        let c = Config::from_parts(None, "x", &no_env).unwrap();
        assert_eq!(c.address.to_string(), "127.0.0.1:3000");
        assert_eq!(c.db_endpoint, "surrealkv://data/groundwork");
        assert!(!c.demo);
        assert!(c.report.iter().all(|(_, _, s)| *s == Source::Default));
    }

    #[test]
    fn env_overrides_file() {
        let file = "[server]\naddress = \"0.0.0.0:8080\"\n[demo]\nload_on_first_start = true\n";
        let env = |name: &str| (name == "GROUNDWORK_ADDRESS").then(|| "127.0.0.1:9000".to_string());
        let c = Config::from_parts(Some(file), "Leptos.toml", &env).unwrap();
        assert_eq!(c.address.to_string(), "127.0.0.1:9000");
        assert!(c.demo);
        let source = |n: &str| c.report.iter().find(|(name, _, _)| *name == n).unwrap().2;
        assert_eq!(source("server.address"), Source::Env("GROUNDWORK_ADDRESS"));
        assert_eq!(source("demo.load_on_first_start"), Source::File);
    }

    #[test]
    fn malformed_file_is_a_clear_error() {
        let err =
            Config::from_parts(Some("[server\naddress="), "Leptos.toml", &no_env).unwrap_err();
        assert!(
            err.to_string().starts_with("Leptos.toml is not valid"),
            "{err}"
        );
        let err = Config::from_parts(Some("[server]\nadress = \"x\""), "Leptos.toml", &no_env)
            .unwrap_err();
        assert!(err.to_string().contains("adress"), "{err}");
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let env = |name: &str| (name == "GROUNDWORK_MAX_BODY_BYTES").then(|| "lots".to_string());
        let err = Config::from_parts(None, "x", &env).unwrap_err();
        assert!(
            err.to_string().contains("GROUNDWORK_MAX_BODY_BYTES"),
            "{err}"
        );
        let env = |name: &str| (name == "GROUNDWORK_DB").then(|| "postgres://x".to_string());
        let err = Config::from_parts(None, "x", &env).unwrap_err().to_string();
        assert!(
            err.contains("GROUNDWORK_DB") && err.contains("postgres://x"),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let c = Config::from_parts(None, "x", &no_env).unwrap();
        assert_eq!(
            c.trusted_proxies,
            TrustedProxies::default(),
            "none by default"
        );
        let file = "[server]\ntrusted_proxies = \"127.0.0.1, 10.0.0.0/8, ::1\"\n";
        let c = Config::from_parts(Some(file), "Leptos.toml", &no_env).unwrap();
        for (address, trusted) in [
            ("127.0.0.1", true),
            ("10.20.30.40", true),
            ("::1", true),
            ("::ffff:127.0.0.1", true),
            ("127.0.0.2", false),
            ("11.0.0.1", false),
        ] {
            let ip: IpAddr = address.parse().unwrap();
            assert_eq!(c.trusted_proxies.contains(ip), trusted, "{address}");
        }
        let env = |name: &str| (name == "GROUNDWORK_TRUSTED_PROXIES").then(|| "proxy.local".into());
        let err = Config::from_parts(None, "x", &env).unwrap_err();
        assert!(
            err.to_string().contains("GROUNDWORK_TRUSTED_PROXIES"),
            "{err}"
        );
    }

    #[test]
    fn cookies_are_secure_unless_the_address_is_loopback() {
        let at = |address: &'static str| {
            move |name: &str| (name == "GROUNDWORK_ADDRESS").then(|| address.to_string())
        };
        for (address, secure) in [
            ("127.0.0.1:3000", false),
            ("[::1]:3000", false),
            ("0.0.0.0:3000", true),
            ("192.168.1.20:80", true),
        ] {
            let c = Config::from_parts(None, "x", &at(address)).unwrap();
            assert_eq!(c.secure_cookies, secure, "{address}");
        }
        let file = "[server]\nsecure_cookies = false\n";
        let c = Config::from_parts(Some(file), "Leptos.toml", &at("0.0.0.0:3000")).unwrap();
        assert!(!c.secure_cookies, "an explicit setting wins");
    }

    #[test]
    fn the_public_url_is_an_origin_without_a_path() {
        let c = Config::from_parts(None, "x", &no_env).unwrap();
        assert_eq!(
            c.public_url, "",
            "none by default: the request's host is used"
        );
        for (given, kept) in [
            ("https://papers.example.org", "https://papers.example.org"),
            ("https://papers.example.org/", "https://papers.example.org"),
            ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ] {
            assert_eq!(parse_public_url(given).as_deref(), Some(kept));
        }
        for bad in [
            "papers.example.org",
            "ftp://papers.example.org",
            "https://",
            "https://papers.example.org/groundwork",
            "https://papers.example.org?x=1",
            "https://a b",
        ] {
            assert_eq!(parse_public_url(bad), None, "{bad}");
        }
        let env = |name: &str| (name == "GROUNDWORK_PUBLIC_URL").then(|| "/x".to_string());
        let err = Config::from_parts(None, "x", &env).unwrap_err();
        assert!(err.to_string().contains("GROUNDWORK_PUBLIC_URL"), "{err}");
    }

    #[test]
    fn image_hosts_are_host_sources_only() {
        let c = Config::from_parts(None, "x", &no_env).unwrap();
        assert!(c.image_hosts.hosts().is_empty(), "none by default");
        let parsed =
            ImageHosts::parse(" https://img.example.org, *.example.net,cdn.example.com:8443 ")
                .unwrap();
        assert_eq!(
            parsed.hosts(),
            [
                "https://img.example.org",
                "*.example.net",
                "cdn.example.com:8443"
            ]
        );
        for bad in [
            "'unsafe-inline'",
            "img.example.org; script-src *",
            "*",
            "data:",
            "https://",
            "a b",
        ] {
            assert_eq!(ImageHosts::parse(bad), None, "{bad}");
        }
        let env = |name: &str| (name == "GROUNDWORK_IMAGE_HOSTS").then(|| "x;y".to_string());
        let err = Config::from_parts(None, "x", &env).unwrap_err();
        assert!(err.to_string().contains("GROUNDWORK_IMAGE_HOSTS"), "{err}");
    }

    #[test]
    fn secrets_are_masked_in_the_report() {
        let env = |name: &str| (name == "GROUNDWORK_DB_PASSWORD").then(|| "hunter2".to_string());
        let c = Config::from_parts(None, "x", &env).unwrap();
        assert!(
            c.report
                .iter()
                .all(|(_, shown, _)| !shown.contains("hunter2"))
        );
        assert_eq!(c.db_password, "hunter2");
    }
}
