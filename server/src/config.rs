//! Command-line flags, each with an environment-variable fallback.

use clap::{Parser, ValueEnum};
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
pub struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "POTIONS_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Folder for the embedded SQLite database and the key file.
    #[arg(long, env = "POTIONS_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://…` (default: potions.db in the data folder) or
    /// `postgres://user@host/db` to share one database among instances.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// The URL users reach Potions at (default: http://<listen>). Cookies are
    /// marked Secure when it is https; cross-site checks accept its origin.
    #[arg(long, env = "POTIONS_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Log line format.
    #[arg(long, env = "POTIONS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Folder with the compiled site (`pkg/` with WebAssembly, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
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
        }
    }
}
