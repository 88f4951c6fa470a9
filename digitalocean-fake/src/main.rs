//! `digitalocean-fake`: the fake DigitalOcean (OAuth host and API v2) as a process.

use clap::Parser;
use digitalocean_fake::seed::Seed;
use digitalocean_fake::{FakeConfig, FakeDigitalOcean};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A fake DigitalOcean on 127.0.0.1, for end-to-end tests and the demo.
#[derive(Parser)]
#[command(name = "digitalocean-fake", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, env = "DIGITALOCEAN_FAKE_PORT", default_value_t = 4020)]
    port: u16,
    /// JSON seed file with users, their teams, and OAuth apps.
    #[arg(long, env = "DIGITALOCEAN_FAKE_SEED")]
    seed: Option<PathBuf>,
    /// Seconds a new droplet takes to become active.
    #[arg(long, default_value_t = 10.0)]
    provisioning_secs: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    let args = Args::parse();
    let config = FakeConfig {
        provisioning: Duration::from_secs_f64(args.provisioning_secs.clamp(0.0, 86_400.0)),
        ..FakeConfig::default()
    };
    let shared = digitalocean_fake::new_state(config);
    if let Some(path) = &args.seed {
        let seeded = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Seed>(&text).map_err(|e| e.to_string()))
            .and_then(|seed| seed.apply(&mut shared.lock().world));
        if let Err(err) = seeded {
            eprintln!("digitalocean-fake: seed file {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let fake =
        match FakeDigitalOcean::start_on(SocketAddr::from(([127, 0, 0, 1], args.port)), shared)
            .await
        {
            Ok(fake) => fake,
            Err(err) => {
                eprintln!(
                    "digitalocean-fake: cannot listen on port {}: {err}",
                    args.port
                );
                return ExitCode::FAILURE;
            }
        };
    println!(
        "fake DigitalOcean: API at {}, OAuth at {}",
        fake.api_base_url(),
        fake.oauth_base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
