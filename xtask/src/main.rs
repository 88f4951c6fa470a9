//! The project's two set-up commands, and the rest of its tooling:
//!
//!   cargo xtask run     install what is missing, build in release, serve on :3000
//!   cargo xtask test    install what is missing, then every check CI runs
//!
//! Every install step is idempotent and quiet when already done.

mod bench;
mod bundle;
mod docs;
mod files;
mod layout;
mod lines;
mod modules;
mod phases;
mod release;
mod screenshots;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use phases::Phases;
use release::{build_fakes, build_release, Optimisation, SERVER_RUSTFLAGS};
use tools::Toolchain;

const USAGE: &str =
    "usage: cargo xtask <run|test|demo|bench|check-repo|screenshots> [-- potions flags]

  run    build Potions in release and serve it at http://127.0.0.1:3000
         (SQLite and a key file in ./data; no other service needed)
  test   formatting, clippy, unit and integration tests on SQLite and
         PostgreSQL, then the end-to-end tests in headless Chromium
  demo   like run, against the fake Hetzner Cloud API with a seeded
         project; prints a Read & Write and a Read-only demo token
  bench  measure size, speed and memory against the budgets; prints a table
  check-repo  the repository's own rules (part of test): nothing names a
         path outside it, every link and path in README.md and docs/
         exists, no two modules of a crate import each other
  screenshots  redraw docs/images/ from the end-to-end set-up against the fakes";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("demo") => demo(),
        Some("bench") => bench::bench(),
        Some("check-repo") => check_repository(),
        Some("screenshots") => screenshots::screenshots(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: {err}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn say(message: &str) {
    println!("==> {message}");
}

/// Runs a command in the workspace root and fails on a non-zero exit.
pub fn run_step(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}").replace('"', "");
    let status = cmd
        .current_dir(
            cmd.get_current_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(workspace_root),
        )
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("failed ({status}): {shown}"))
    }
}

fn run(potions_args: &[String]) -> Result {
    let tools = Toolchain::ensure_for_build()?;
    build_release(&tools, Optimisation::Served)?;
    let root = workspace_root();
    say("Starting Potions at http://127.0.0.1:3000 (Ctrl-C stops it)");
    let potions_args: Vec<&String> = potions_args.iter().filter(|a| *a != "--").collect();
    run_step(
        Command::new(root.join("target/release/potions"))
            .env("LEPTOS_SITE_ROOT", root.join("target/site"))
            .args(potions_args),
    )
}

fn demo() -> Result {
    let tools = Toolchain::ensure_for_build()?;
    build_release(&tools, Optimisation::Served)?;
    build_fakes(Optimisation::Served)?;
    let root = workspace_root();
    let seed = root.join("hetzner-fake/demo-seed.json");
    let seed_text =
        std::fs::read_to_string(&seed).map_err(|e| format!("{}: {e}", seed.display()))?;
    say("Starting the fake Hetzner Cloud API at http://127.0.0.1:4010/v1");
    let mut fake = Command::new(root.join("target/release/hetzner-fake"))
        .args(["--port", "4010", "--seed"])
        .arg(&seed)
        .spawn()
        .map_err(|e| format!("could not start hetzner-fake: {e}"))?;
    let token = |permission: &str| {
        seed_text
            .lines()
            .find(|l| l.contains(&format!("\"permission\": \"{permission}\"")))
            .and_then(|l| l.split('"').nth(3))
            .unwrap_or("see hetzner-fake/demo-seed.json")
            .to_string()
    };
    say("Starting the fake DigitalOcean (OAuth and API) at http://127.0.0.1:4020");
    let do_seed = root.join("digitalocean-fake/demo-seed.json");
    let mut do_fake = Command::new(root.join("target/release/digitalocean-fake"))
        .args(["--port", "4020", "--seed"])
        .arg(&do_seed)
        .spawn()
        .map_err(|e| format!("could not start digitalocean-fake: {e}"))?;
    println!(
        "\n  Demo tokens for the seeded Hetzner project \"demo\":\n    Read & Write: {}\n    Read-only:    {}\n\n  \
         Open http://127.0.0.1:3000, sign up, click Connect next to Hetzner Cloud and paste a token.\n\n  \
         DigitalOcean: click Connect next to DigitalOcean, Continue, and on the fake consent page sign in as\n    \
         sammy@example.com / shark-demo-password\n  and pick one of Sammy's two teams.\n",
        token("read_write"),
        token("read")
    );
    say("Starting Potions at http://127.0.0.1:3000 (Ctrl-C stops both)");
    let served = run_step(
        Command::new(root.join("target/release/potions"))
            .env("LEPTOS_SITE_ROOT", root.join("target/site"))
            .env("POTIONS_DATA_DIR", root.join("data/demo"))
            .env("POTIONS_HETZNER_API_URL", "http://127.0.0.1:4010/v1")
            .env("POTIONS_DIGITALOCEAN_CLIENT_ID", "potions-demo-client-id")
            .env(
                "POTIONS_DIGITALOCEAN_CLIENT_SECRET",
                "potions-demo-client-secret",
            )
            .env("POTIONS_DIGITALOCEAN_API_URL", "http://127.0.0.1:4020")
            .env(
                "POTIONS_DIGITALOCEAN_OAUTH_URL",
                "http://127.0.0.1:4020/v1/oauth",
            ),
    );
    let _ = fake.kill();
    let _ = do_fake.kill();
    served
}

/// Which databases the integration tests will run on, said before they run.
fn databases_under_test() -> String {
    if std::env::var_os("POTIONS_TEST_SKIP_POSTGRES").is_some() {
        return "Unit and integration tests on SQLite only: POTIONS_TEST_SKIP_POSTGRES is set, \
                so every PostgreSQL half is skipped"
            .into();
    }
    let postgres = std::env::var("POTIONS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    format!(
        "Unit and integration tests, each on SQLite and on PostgreSQL ({postgres}; \
         unreachable fails the run)"
    )
}

/// The CI size guard: sizes are deterministic, so this is a real check.
fn check_bundle_size() -> Result {
    let bundle = bundle::measure(&workspace_root().join("target/site/pkg"))?;
    let total = bundle.dashboard_total();
    say(&format!(
        "Bundle: the Dashboard needs {:.1} KB gzip -9 ({:.1} KB brotli) of at most {:.1} KB",
        total.gzip as f64 / 1024.0,
        total.brotli as f64 / 1024.0,
        bundle::DASHBOARD_BUDGET_BYTES as f64 / 1024.0
    ));
    bundle::check_budget(total.gzip, bundle::DASHBOARD_BUDGET_BYTES)
}

fn test() -> Result {
    let mut phases = Phases::new();
    let tools = phases.run("Tools", Toolchain::ensure_for_tests)?;
    phases.run("Formatting", || check_formatting(&tools))?;
    phases.run("Repository rules", check_repository)?;
    phases.run("Clippy", lint)?;
    phases.run("Unit and integration tests", unit_and_integration_tests)?;
    phases.run("Build and bundle guard", || {
        build_release(&tools, Optimisation::Tested)?;
        check_bundle_size()?;
        build_fakes(Optimisation::Tested)
    })?;
    phases.run("End-to-end tests", || end_to_end_tests(&tools))?;
    phases.print_summary();
    Ok(())
}

fn check_repository() -> Result {
    say("Checking that nothing names a path outside the repository, that the docs' links and paths exist, \
         that no two modules import each other, that server functions are in server_fns.rs \
         and that no source file is over 400 lines");
    let root = workspace_root();
    docs::check(&root)?;
    modules::check(&root)?;
    layout::check(&root)
}

/// A one-off build gains nothing from incremental caches, which are large.
fn cargo() -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.env("CARGO_INCREMENTAL", "0");
    cmd
}

fn check_formatting(tools: &Toolchain) -> Result {
    say("Checking formatting (rustfmt, leptosfmt inside view!, lines of at most 120 characters)");
    run_step(cargo().args(["fmt", "--all", "--check"]))?;
    run_step(
        Command::new("leptosfmt")
            .env("PATH", tools.path_with_tools())
            .args(["--check", "--config-file", "leptosfmt.toml", "app/src"]),
    )?;
    lines::check_line_lengths(&workspace_root())
}

/// Every server-side package in one cargo invocation, so each dependency
/// is built once with one set of features (separate invocations per
/// package built shared dependencies again for each feature set).
const SERVER_SIDE: &[&str] = &[
    "--workspace",
    "--exclude",
    "frontend",
    "--features",
    "app/ssr",
];

/// The browser's build: the app as it hydrates, and its entry point.
const BROWSER_SIDE: &[&str] = &[
    "-p",
    "frontend",
    "-p",
    "app",
    "--features",
    "app/hydrate",
    "--target=wasm32-unknown-unknown",
];

fn lint() -> Result {
    say("Linting the server build and the browser build, warnings as errors");
    run_step(
        cargo()
            .env("RUSTFLAGS", SERVER_RUSTFLAGS)
            .arg("clippy")
            .args(SERVER_SIDE)
            .args(["--all-targets", "--", "-D", "warnings"]),
    )?;
    run_step(
        cargo()
            .arg("clippy")
            .args(BROWSER_SIDE)
            .args(["--", "-D", "warnings"]),
    )
}

fn unit_and_integration_tests() -> Result {
    say(&databases_under_test());
    // With the served build's flags: the end-to-end tests' server and fakes
    // are then built on what this compiled.
    run_step(
        cargo()
            .env("RUSTFLAGS", SERVER_RUSTFLAGS)
            .env("POTIONS_SDK_PYTHON", tools::sdk_python())
            .arg("test")
            .args(SERVER_SIDE),
    )
}

fn end_to_end_tests(tools: &Toolchain) -> Result {
    say("End-to-end tests in headless Chromium");
    let _ = std::fs::remove_dir_all(workspace_root().join("target/e2e-data"));
    run_step(playwright(tools, Optimisation::Tested).args(["playwright", "test"]))
}

/// `npx` in `end2end/`, with the tools on PATH and the binaries the
/// Playwright config starts taken from the profile they were built in.
pub fn playwright(tools: &Toolchain, optimisation: Optimisation) -> Command {
    let mut npx = Command::new("npx");
    npx.current_dir(workspace_root().join("end2end"))
        .env("PATH", tools.path_with_tools())
        .env(
            "POTIONS_BIN_DIR",
            format!("../target/{}", optimisation.profile_dir()),
        );
    npx
}
