use clap::Parser;
use server::config::Settings;
use server::{telemetry, Server};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = Settings::parse();
    telemetry::init(settings.log_format);
    let server = match Server::bind(&settings).await {
        Ok(server) => server,
        Err(err) => {
            tracing::error!(error = %err, "Potions could not start");
            eprintln!("potions: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(address = %server.local_addr(), "Potions is listening");
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(term) => term,
                    Err(_) => return std::future::pending().await,
                };
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    };
    match server.run(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("potions: {err}");
            ExitCode::FAILURE
        }
    }
}
