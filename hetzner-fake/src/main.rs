//! `hetzner-fake`: the fake Hetzner Cloud API as a process.

use clap::Parser;
use hetzner_fake::seed::Seed;
use hetzner_fake::{FakeConfig, FakeHetzner};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A fake Hetzner Cloud API on 127.0.0.1, for end-to-end tests and the demo.
#[derive(Parser)]
#[command(name = "hetzner-fake", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, env = "HETZNER_FAKE_PORT", default_value_t = 4010)]
    port: u16,
    /// JSON seed file with projects, tokens and servers.
    #[arg(long, env = "HETZNER_FAKE_SEED")]
    seed: Option<PathBuf>,
    /// Seconds a new server takes to reach running.
    #[arg(long, default_value_t = 20.0)]
    provisioning_secs: f64,
    /// Rate-limit bucket size per project.
    #[arg(long, default_value_t = 3600)]
    rate_limit: u32,
    /// Requests per second each bucket refills.
    #[arg(long, default_value_t = 1.0)]
    refill_per_sec: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    let args = Args::parse();
    let config = FakeConfig {
        provisioning: Duration::from_secs_f64(args.provisioning_secs.max(0.0)),
        rate_limit: args.rate_limit,
        refill_per_sec: args.refill_per_sec,
        ..FakeConfig::default()
    };
    let shared = hetzner_fake::new_state(config);
    if let Some(path) = &args.seed {
        let seeded = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Seed>(&text).map_err(|e| e.to_string()))
            .and_then(|seed| seed.apply(&mut shared.lock().world));
        if let Err(err) = seeded {
            eprintln!("hetzner-fake: seed file {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let fake =
        match FakeHetzner::start_on(SocketAddr::from(([127, 0, 0, 1], args.port)), shared).await {
            Ok(fake) => fake,
            Err(err) => {
                eprintln!("hetzner-fake: cannot listen on port {}: {err}", args.port);
                return ExitCode::FAILURE;
            }
        };
    println!("fake Hetzner Cloud API at {}", fake.base_url());
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
