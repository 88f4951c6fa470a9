//! Starting and stopping the release binaries, and reading their memory.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::http::Host;
use super::{FAKE, POTIONS};
use crate::{workspace_root, Result};

/// A program already on the port would answer in our place, and every
/// figure would be its own.
fn ensure_port_free(host: Host) -> Result {
    match std::net::TcpStream::connect(host.0) {
        Ok(_) => Err(format!(
            "something already listens on {}: stop it first, or the figures would be its",
            host.0
        )),
        Err(_) => Ok(()),
    }
}

/// Starts Potions on `data` and waits for `/healthz`; answers how long it took.
pub fn start_potions(data: &Path) -> Result<(Child, Duration)> {
    ensure_port_free(POTIONS)?;
    let root = workspace_root();
    let started = Instant::now();
    let mut child = Command::new(root.join("target/release/potions"))
        .env("POTIONS_LISTEN", POTIONS.0)
        .env("POTIONS_DATA_DIR", data)
        .env("LEPTOS_SITE_ROOT", root.join("target/site"))
        .env("POTIONS_HETZNER_API_URL", FAKE.url("/v1"))
        // The benchmarks connect hundreds of projects as one user.
        .env("POTIONS_TOKEN_CHECKS_PER_USER", "100000")
        .env("POTIONS_TOKEN_CHECKS_PER_TOKEN", "100000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start potions: {e}"))?;
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("potions exited as it started: {status}"));
        }
        if POTIONS
            .request("GET", "/healthz", &[], "")
            .is_ok_and(|a| a.status == 200)
        {
            return Ok((child, started.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Err("potions did not start".into())
}

/// The fake Hetzner with a rate limit no benchmark reaches.
pub fn start_fake() -> Result<Child> {
    ensure_port_free(FAKE)?;
    let port = FAKE.0.rsplit(':').next().unwrap_or("4310");
    let child = Command::new(workspace_root().join("target/release/hetzner-fake"))
        .args([
            "--port",
            port,
            "--rate-limit",
            "1000000",
            "--refill-per-sec",
            "1000",
        ])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("hetzner-fake: {e}"))?;
    std::thread::sleep(Duration::from_millis(300));
    Ok(child)
}

pub fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A memory figure of a process from `/proc`, in kB (`VmRSS:`, `VmHWM:`).
pub fn memory_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_something_listens_on_is_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr: &'static str =
            Box::leak(listener.local_addr().unwrap().to_string().into_boxed_str());
        let refused = ensure_port_free(Host(addr)).unwrap_err();
        assert!(refused.contains(addr), "{refused}");
        drop(listener);
        assert!(ensure_port_free(Host(addr)).is_ok());
    }
}
