use clap::Parser;
use server::config::{Cli, Command, Settings};
use server::{keys, open_database, telemetry, Server};
use std::process::ExitCode;

/// glibc's allocator serialises the render threads on its arena locks under
/// load; mimalloc's per-thread heaps do not (docs/performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.settings).await,
        Command::RotateKey => rotate_key(cli.settings).await,
        Command::GenerateKey => {
            println!(
                "{}",
                domain::crypto::MasterKey::generate().to_base64().as_str()
            );
            ExitCode::SUCCESS
        }
    }
}

async fn rotate_key(settings: Settings) -> ExitCode {
    let rotated = match open_database(&settings).await {
        Ok(db) => keys::rotate(&settings, &db)
            .await
            .map_err(|e| e.to_string()),
        Err(err) => Err(err.to_string()),
    };
    match rotated {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("potions rotate-key: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
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
