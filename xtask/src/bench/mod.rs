//! `cargo xtask bench`: measures Potions' size, speed and memory against its
//! budgets on this machine and prints one table. Figures, not pass/fail.

mod accounts;
mod figures;
mod http;
mod processes;

use std::path::Path;
use std::process::Command;

use crate::release::{build_fakes, build_release, Optimisation};
use crate::tools::Toolchain;
use crate::{run_step, say, workspace_root, Result};
use http::Host;

const POTIONS: Host = Host("127.0.0.1:3300");
const FAKE: Host = Host("127.0.0.1:4310");

/// One line of the table.
pub struct Row {
    figure: String,
    value: String,
    budget: String,
}

impl Row {
    fn new(figure: &str, value: String, budget: &str) -> Self {
        Self {
            figure: figure.into(),
            value,
            budget: budget.into(),
        }
    }
}

fn ensure_wrk() -> Result {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    say("Installing wrk from Debian's packages");
    run_step(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))
}

pub fn bench() -> Result {
    let tools = Toolchain::ensure_for_tests()?;
    ensure_wrk()?;
    build_release(&tools, Optimisation::Served)?;
    build_fakes(Optimisation::Served)?;
    let root = workspace_root();
    let mut rows = figures::bundle_size(&root)?;

    say("Starting the fake Hetzner; Potions starts afresh for each figure");
    let fake = processes::start_fake()?;
    let measured = measure_running(&root, &mut rows);
    processes::stop(fake);
    measured?;

    println!("\n{:<44} {:<52} budget", "figure", "value");
    println!("{}", "-".repeat(120));
    for r in &rows {
        println!("{:<44} {:<52} {}", r.figure, r.value, r.budget);
    }
    Ok(())
}

/// The figures that need Potions and the fake running; each starts from an
/// empty SQLite database.
fn measure_running(root: &Path, rows: &mut Vec<Row>) -> Result {
    let data = root.join("target/bench-data");
    let fresh = || {
        let _ = std::fs::remove_dir_all(&data);
        data.as_path()
    };
    rows.extend(figures::startup_and_idle_memory(fresh())?);
    rows.extend(figures::connect_overhead(fresh())?);
    rows.push(figures::dashboard_fan_out(fresh())?);
    rows.extend(figures::ssr_throughput_and_interactivity(root, fresh())?);
    rows.extend(figures::secrets(root)?);
    Ok(())
}
