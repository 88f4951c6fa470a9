//! Command-line flags, each with an environment-variable fallback.

use clap::{Parser, Subcommand, ValueEnum};
use domain::providers::{digitalocean, hetzner};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Potions: a control panel for servers in your own cloud accounts.
#[derive(Debug, Clone, Parser)]
#[command(name = "potions", version)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve Potions (the default).
    Serve,
    /// Re-encrypt every stored secret under a new master key and report counts.
    /// The new key comes from --new-key-file or POTIONS_NEW_MASTER_KEY; with
    /// the key file and neither, a new key is made and written to the key file
    /// (beside the old one) before anything changes. Refused while a running
    /// instance does not hold the new key.
    RotateKey,
    /// Print a new random master key (base64) and change nothing.
    GenerateKey,
}

/// Debug shows no secret: the master key and any database password are redacted.
#[derive(Clone, clap::Args)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "POTIONS_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Folder for the embedded SQLite database and the key file.
    #[arg(long, env = "POTIONS_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://…` (default: potions.db in the data folder) or
    /// `postgres://user@host/db` to share one database among instances.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// The URL users reach Potions at (default: http://<listen>). Cookies are
    /// marked Secure when it is https; cross-site checks accept its origin.
    #[arg(long, env = "POTIONS_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Log line format.
    #[arg(long, env = "POTIONS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Hetzner Cloud API base URL. Tests and the demo point it at the fake;
    /// users can never change it.
    #[arg(long, env = "POTIONS_HETZNER_API_URL", default_value = hetzner::DEFAULT_BASE_URL)]
    pub hetzner_api_url: String,

    /// Seconds one Hetzner request may take before Potions gives up on it.
    #[arg(long, env = "POTIONS_HETZNER_TIMEOUT_SECS", default_value_t = 10.0)]
    pub hetzner_timeout_secs: f64,

    /// The DigitalOcean OAuth app's client id. With the secret, users can
    /// connect DigitalOcean teams; the app's redirect URI must be
    /// `<public URL>/connect/digitalocean/callback`.
    #[arg(long, env = "POTIONS_DIGITALOCEAN_CLIENT_ID")]
    pub digitalocean_client_id: Option<String>,

    /// The DigitalOcean OAuth app's client secret. Prefer the environment
    /// variable or the file: a flag is visible in the process list.
    #[arg(
        long,
        env = "POTIONS_DIGITALOCEAN_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub digitalocean_client_secret: Option<String>,

    /// A file holding the DigitalOcean OAuth app's client secret.
    #[arg(long, env = "POTIONS_DIGITALOCEAN_CLIENT_SECRET_FILE")]
    pub digitalocean_client_secret_file: Option<PathBuf>,

    /// DigitalOcean's API host. Tests and the demo point it at the fake.
    #[arg(long, env = "POTIONS_DIGITALOCEAN_API_URL", default_value = digitalocean::DEFAULT_API_BASE_URL)]
    pub digitalocean_api_url: String,

    /// DigitalOcean's OAuth base (ending in /v1/oauth). Tests and the demo
    /// point it at the fake.
    #[arg(long, env = "POTIONS_DIGITALOCEAN_OAUTH_URL", default_value = digitalocean::DEFAULT_OAUTH_BASE_URL)]
    pub digitalocean_oauth_url: String,

    /// Master keys for secrets at rest: 32 bytes each, base64, separated by
    /// commas; the first seals, every one opens. Without it, the key file
    /// `master.key` in the data folder is used (created on first start).
    /// Prefer the environment variable or the key file: a flag is visible to
    /// every local user in the process list.
    #[arg(long, env = "POTIONS_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,

    /// For `rotate-key`: a file holding the new master key (base64).
    #[arg(long = "new-key-file", env = "POTIONS_NEW_MASTER_KEY_FILE")]
    pub new_master_key_file: Option<PathBuf>,

    /// For `rotate-key`: the new master key (base64).
    #[arg(
        long = "new-key",
        env = "POTIONS_NEW_MASTER_KEY",
        hide_env_values = true
    )]
    pub new_master_key: Option<String>,

    /// Seconds any one request may take before Potions answers 503 and stops
    /// working on it.
    #[arg(long, env = "POTIONS_REQUEST_TIMEOUT_SECS", default_value_t = 30.0)]
    pub request_timeout_secs: f64,

    /// Requests served at once; more wait their turn.
    #[arg(long, env = "POTIONS_MAX_CONCURRENT_REQUESTS", default_value_t = 512)]
    pub max_concurrent_requests: usize,

    /// Token checks (connect, replace token, re-check) one user may run per
    /// 10 minutes; each costs Hetzner calls from this server's address.
    #[arg(long, env = "POTIONS_TOKEN_CHECKS_PER_USER", default_value_t = 30)]
    pub token_checks_per_user: usize,

    /// Token checks of one token (whoever sends it) per 10 minutes.
    #[arg(long, env = "POTIONS_TOKEN_CHECKS_PER_TOKEN", default_value_t = 10)]
    pub token_checks_per_token: usize,

    /// Days the activity log keeps an entry.
    #[arg(long, env = "POTIONS_ACTIVITY_RETENTION_DAYS", default_value_t = domain::activity::DEFAULT_RETENTION_DAYS)]
    pub activity_retention_days: u32,

    /// Seconds between looks for due snapshot schedules; 0 makes this
    /// instance never run them (another instance on the database does).
    #[arg(long, env = "POTIONS_SCHEDULE_CHECK_SECS", default_value_t = 60)]
    pub schedule_check_secs: u64,

    /// Reverse proxies in front of Potions (addresses or networks, comma
    /// separated, e.g. `127.0.0.1,10.0.0.0/8`): only for requests from them
    /// is `--forwarded-header` believed when throttling by client.
    #[arg(
        long = "trusted-proxy",
        env = "POTIONS_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = address_or_network
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// The header the trusted proxies write the client's address into; the
    /// other one is ignored (proxies pass a client's own copy through).
    #[arg(
        long,
        env = "POTIONS_FORWARDED_HEADER",
        value_enum,
        default_value_t = crate::client_address::ForwardedHeader::XForwardedFor
    )]
    pub forwarded_header: crate::client_address::ForwardedHeader,

    /// Folder with the compiled site (`pkg/` with WebAssembly, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_password),
            )
            .field("public_url", &self.public_url)
            .field("log_format", &self.log_format)
            .field("hetzner_api_url", &self.hetzner_api_url)
            .field("hetzner_timeout_secs", &self.hetzner_timeout_secs)
            .field("digitalocean_client_id", &self.digitalocean_client_id)
            .field(
                "digitalocean_client_secret",
                &self
                    .digitalocean_client_secret
                    .as_ref()
                    .map(|_| "[redacted]"),
            )
            .field(
                "digitalocean_client_secret_file",
                &self.digitalocean_client_secret_file,
            )
            .field("digitalocean_api_url", &self.digitalocean_api_url)
            .field("digitalocean_oauth_url", &self.digitalocean_oauth_url)
            .field(
                "master_key",
                &self.master_key.as_ref().map(|_| "[redacted]"),
            )
            .field("new_master_key_file", &self.new_master_key_file)
            .field(
                "new_master_key",
                &self.new_master_key.as_ref().map(|_| "[redacted]"),
            )
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("token_checks_per_user", &self.token_checks_per_user)
            .field("token_checks_per_token", &self.token_checks_per_token)
            .field("activity_retention_days", &self.activity_retention_days)
            .field("schedule_check_secs", &self.schedule_check_secs)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("forwarded_header", &self.forwarded_header)
            .field("site_root", &self.site_root)
            .finish()
    }
}

/// A network (`10.0.0.0/8`) or one address (`127.0.0.1`, `::1`), which is
/// the network of that address alone.
fn address_or_network(value: &str) -> Result<ipnet::IpNet, String> {
    let value = value.trim();
    value
        .parse::<ipnet::IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{value}` is neither an IP address nor a network like 10.0.0.0/8"))
}

/// `postgres://user:secret@host/db` as `postgres://user:[redacted]@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:[redacted]@{host}")
        }
        _ => url.to_string(),
    }
}

impl Settings {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("potions.db").display()
            )
        })
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_string()
    }

    /// Settings for tests and tools: listen on any free port of 127.0.0.1.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            public_url: None,
            log_format: LogFormat::Text,
            site_root: PathBuf::from("target/site"),
            hetzner_api_url: hetzner::DEFAULT_BASE_URL.into(),
            hetzner_timeout_secs: 10.0,
            digitalocean_client_id: None,
            digitalocean_client_secret: None,
            digitalocean_client_secret_file: None,
            digitalocean_api_url: digitalocean::DEFAULT_API_BASE_URL.into(),
            digitalocean_oauth_url: digitalocean::DEFAULT_OAUTH_BASE_URL.into(),
            master_key: None,
            new_master_key_file: None,
            new_master_key: None,
            request_timeout_secs: 30.0,
            max_concurrent_requests: 512,
            trusted_proxies: Vec::new(),
            forwarded_header: crate::client_address::ForwardedHeader::XForwardedFor,
            token_checks_per_user: 30,
            token_checks_per_token: 10,
            activity_retention_days: domain::activity::DEFAULT_RETENTION_DAYS,
            schedule_check_secs: 60,
        }
    }
}

#[cfg(test)]
mod documented;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `--help` prints an environment variable's value when it is set: never
    /// for one that can hold a secret (a key, a client secret, a database
    /// URL with its password).
    #[test]
    fn help_never_shows_a_secret_from_the_environment() {
        use clap::CommandFactory as _;
        let command = Cli::command();
        let mut commands = vec![&command];
        commands.extend(command.get_subcommands());
        let mut checked = 0;
        for command in commands {
            for arg in command.get_arguments() {
                let Some(env) = arg.get_env().and_then(|e| e.to_str()) else {
                    continue;
                };
                let secret = !env.ends_with("_FILE")
                    && (env.contains("KEY") || env.contains("SECRET") || env == "DATABASE_URL");
                if secret {
                    checked += 1;
                    assert!(
                        arg.is_hide_env_values_set(),
                        "{env} would be shown by --help"
                    );
                }
            }
        }
        assert!(checked >= 4, "only {checked} secret variables found");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let cli = Cli::try_parse_from(["potions", "--trusted-proxy", "127.0.0.1,10.0.0.0/8,::1"])
            .expect("the documented example parses");
        let shown: Vec<String> = cli
            .settings
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert!(Cli::try_parse_from(["potions", "--trusted-proxy", "proxy.internal"]).is_err());
        assert!(Cli::try_parse_from(["potions", "--trusted-proxy", "10.0.0.0/33"]).is_err());
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut settings = Settings::for_data_dir(PathBuf::from("data"));
        settings.master_key = Some("c2VjcmV0LW1hc3Rlci1rZXktYnl0ZXMtMzItbG9uZyE=".into());
        settings.new_master_key = Some("bmV3LXNlY3JldC1tYXN0ZXIta2V5LTMyLWJ5dGVzLiE=".into());
        settings.database_url = Some("postgres://potions:hunter2@db.internal/potions".into());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
        assert!(!shown.contains("bmV3LXNl"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("postgres://potions:[redacted]@db.internal/potions"),
            "{shown}"
        );
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}
