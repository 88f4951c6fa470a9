//! Installs the tools a build or test needs, once per machine.

use std::path::PathBuf;
use std::process::Command;

use crate::{run_step, say, workspace_root, Result};

const CARGO_LEPTOS_VERSION: &str = "0.3.10";
/// Formats the markup inside `view!`, which rustfmt leaves alone.
const LEPTOSFMT_VERSION: &str = "0.1.33";
/// wasm-opt from npm: Debian's binaryen is too old and breaks hydration.
const BINARYEN_VERSION: &str = "132.0.0";

/// The first line a command prints for `--version`, if it runs.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

/// The version of a package as resolved in Cargo.lock.
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let len = lock[start..].find('"')?;
    Some(lock[start..start + len].to_string())
}

fn ensure_wasm_target() -> Result {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed: {e}"))?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    say("Adding the wasm32-unknown-unknown target");
    run_step(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_cargo_leptos() -> Result {
    if version_of("cargo-leptos").is_some_and(|v| v.ends_with(CARGO_LEPTOS_VERSION)) {
        return Ok(());
    }
    say(&format!(
        "Installing cargo-leptos {CARGO_LEPTOS_VERSION} (about 20 minutes, once per machine)"
    ));
    run_step(Command::new(env!("CARGO")).args([
        "install",
        "cargo-leptos",
        "--version",
        CARGO_LEPTOS_VERSION,
        "--locked",
    ]))
}

fn ensure_leptosfmt() -> Result {
    if version_of("leptosfmt").is_some_and(|v| v.ends_with(LEPTOSFMT_VERSION)) {
        return Ok(());
    }
    say(&format!(
        "Installing leptosfmt {LEPTOSFMT_VERSION} (about 3 minutes, once per machine)"
    ));
    run_step(Command::new(env!("CARGO")).args([
        "install",
        "leptosfmt",
        "--version",
        LEPTOSFMT_VERSION,
        "--locked",
    ]))
}

fn ensure_wasm_bindgen() -> Result {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let wanted =
        locked_version(&lock, "wasm-bindgen").ok_or("wasm-bindgen is not in Cargo.lock")?;
    if version_of("wasm-bindgen").is_some_and(|v| v == format!("wasm-bindgen {wanted}")) {
        return Ok(());
    }
    say(&format!(
        "Installing wasm-bindgen-cli {wanted} to match Cargo.lock (about 4 minutes, once)"
    ));
    // Not --locked: one of its locked dependencies is missing from the registry.
    run_step(Command::new(env!("CARGO")).args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &wanted,
    ]))
}

fn tools_dir() -> PathBuf {
    workspace_root().join(".tools")
}

fn ensure_binaryen() -> Result {
    let manifest = tools_dir().join("node_modules/binaryen/package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{BINARYEN_VERSION}\"")) {
        return Ok(());
    }
    say(&format!(
        "Installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into .tools/"
    ));
    std::fs::create_dir_all(tools_dir()).map_err(|e| format!("cannot create .tools: {e}"))?;
    run_step(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(tools_dir())
            .arg(format!("binaryen@{BINARYEN_VERSION}")),
    )
}

/// A Debian package, installed when `program` is missing.
fn ensure_debian_package(program: &str, package: &str, what: &str) -> Result {
    if std::path::Path::new(program).exists() {
        return Ok(());
    }
    say(&format!(
        "Installing {what} from Debian's packages ({package})"
    ));
    let sudo = |args: &[&str]| {
        let as_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0"));
        let mut cmd = if as_root {
            Command::new(args[0])
        } else {
            Command::new("sudo")
        };
        if as_root {
            cmd.args(&args[1..]);
        } else {
            cmd.args(args);
        }
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_step(&mut sudo(&["apt-get", "update", "-qq"]))?;
    run_step(&mut sudo(&["apt-get", "install", "-y", "-qq", package]))
}

fn ensure_end2end_packages() -> Result {
    let dir = workspace_root().join("end2end");
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("end2end/package-lock.json: {e}"))?;
    let stamp_path = dir.join("node_modules/.installed-lock");
    if std::fs::read(&stamp_path).is_ok_and(|stamp| stamp == lock) {
        return Ok(());
    }
    say("Installing the end-to-end test packages (npm ci in end2end/)");
    run_step(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir),
    )?;
    std::fs::write(&stamp_path, lock)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))
}

/// The Python with the providers' own clients (hcloud, pydo), which the
/// fakes' tests drive them with.
pub fn sdk_python() -> PathBuf {
    tools_dir().join("python/bin/python")
}

/// A virtual environment in `.tools/python` with the pinned requirements,
/// installed again only when they change.
fn ensure_sdk_python() -> Result {
    let requirements = workspace_root().join("fake-kit/sdk/requirements.txt");
    let wanted =
        std::fs::read(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let venv = tools_dir().join("python");
    let stamp_path = venv.join(".installed-requirements");
    if sdk_python().exists() && std::fs::read(&stamp_path).is_ok_and(|stamp| stamp == wanted) {
        return Ok(());
    }
    say(
        "Installing the providers' Python clients into .tools/python (the fakes' tests drive them)",
    );
    run_step(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run_step(
        Command::new(sdk_python())
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp_path, wanted)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))
}

/// Proof that the build tools are installed, with the PATH that finds them.
pub struct Toolchain {
    path: String,
}

impl Toolchain {
    pub fn ensure_for_build() -> Result<Self> {
        ensure_wasm_target()?;
        ensure_cargo_leptos()?;
        ensure_wasm_bindgen()?;
        ensure_binaryen()?;
        Ok(Self { path: Self::path() })
    }

    pub fn ensure_for_tests() -> Result<Self> {
        let tools = Self::ensure_for_build()?;
        ensure_leptosfmt()?;
        ensure_debian_package(
            "/usr/bin/chromium",
            "chromium",
            "Chromium, for the end-to-end tests",
        )?;
        ensure_debian_package(
            "/usr/sbin/nginx",
            "nginx-light",
            "nginx, the reverse proxy a test runs behind",
        )?;
        ensure_end2end_packages()?;
        ensure_sdk_python()?;
        Ok(tools)
    }

    fn path() -> String {
        let bin = tools_dir().join("node_modules/.bin");
        let cargo_bin = cargo_home().join("bin");
        format!(
            "{}:{}:{}",
            bin.display(),
            cargo_bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    pub fn path_with_tools(&self) -> &str {
        &self.path
    }

    /// `cargo leptos`, finding wasm-opt and wasm-bindgen on PATH so it never
    /// tries to download them.
    pub fn cargo_leptos(&self) -> Command {
        let mut cmd = Command::new("cargo-leptos");
        cmd.env("PATH", &self.path).env("LEPTOS_ENV", "PROD").env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            wasm_rustflags(&cargo_home()),
        );
        cmd
    }
}

fn cargo_home() -> PathBuf {
    std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"))
}

/// The browser build's flags: `.cargo/config.toml`'s (no string merging),
/// and each registry's source folder remapped to nothing. Panic locations
/// name their files in the WebAssembly: remapped, they read
/// `leptos-0.8.17/src/…` instead of the building machine's folders, and the
/// bundle is smaller. A folder with a space in its path is left as it is
/// (the variable is split on spaces).
fn wasm_rustflags(cargo_home: &std::path::Path) -> String {
    let mut flags = vec!["-C".to_string(), "link-arg=-O0".to_string()];
    let registries = std::fs::read_dir(cargo_home.join("registry/src"));
    let mut sources: Vec<String> = registries
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().display().to_string())
        .filter(|path| !path.contains(char::is_whitespace))
        .collect();
    sources.sort();
    flags.extend(
        sources
            .into_iter()
            .map(|path| format!("--remap-path-prefix={path}/=")),
    );
    flags.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_build_remaps_each_registry_and_keeps_its_link_flag() {
        let home = std::env::temp_dir().join(format!("xtask-cargo-home-{}", std::process::id()));
        for registry in ["index.crates.io-1949cf8c6b5b557f", "with space"] {
            std::fs::create_dir_all(home.join("registry/src").join(registry)).unwrap_or_default();
        }
        let flags = wasm_rustflags(&home);
        let registry = home.join("registry/src/index.crates.io-1949cf8c6b5b557f");
        assert_eq!(
            flags,
            format!(
                "-C link-arg=-O0 --remap-path-prefix={}/=",
                registry.display()
            )
        );
        let _ = std::fs::remove_dir_all(&home);
        assert_eq!(wasm_rustflags(&home), "-C link-arg=-O0", "no registry yet");
    }

    #[test]
    fn reads_the_locked_version_of_a_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "absent"), None);
    }
}
