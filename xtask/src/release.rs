//! The release build that `run`, `demo`, `test` and `bench` serve, skipped
//! when nothing it is built from changed since the last successful build
//! (the WebAssembly's wasm-bindgen and wasm-opt steps alone take minutes).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::Toolchain;
use crate::{run_step, say, workspace_root, Result};

/// How the server binary is optimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Optimisation {
    /// As `Cargo.toml`'s release profile says: fat LTO and one codegen unit,
    /// about 20 % faster signed-in rendering. For serving and benchmarks.
    Served,
    /// Release without whole-program LTO: the same code and the same
    /// WebAssembly (its own profile is untouched), built minutes sooner.
    /// For the end-to-end tests, which measure behaviour, not speed.
    Tested,
}

impl Optimisation {
    /// Sets a cargo command's release profile to this optimisation.
    fn apply(self, cargo: &mut Command) -> &mut Command {
        if self == Self::Tested {
            // Only the release profile: the WebAssembly's (wasm-release) sets
            // its own LTO and codegen units, so the bundle is byte for byte the same.
            cargo
                .env("CARGO_PROFILE_RELEASE_LTO", "off")
                .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
        }
        cargo
    }
}

/// What is not an input of the release build.
const NOT_INPUTS: &[&str] = &[
    ".git",
    ".tools",
    "target",
    "data",
    "docs",
    "end2end",
    "third_party",
    "xtask",
    "README.md",
    "node_modules",
];

fn input_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if NOT_INPUTS.iter().any(|n| entry.file_name() == *n) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            input_files(&path, found);
        } else {
            found.push(path);
        }
    }
}

/// A fingerprint of every file the build reads, their names included, and
/// of how it optimises. Errs on the side of building: a change anywhere in
/// the workspace's crates counts.
pub fn inputs_fingerprint(root: &Path, optimisation: Optimisation) -> String {
    let mut files = Vec::new();
    input_files(root, &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    optimisation.hash(&mut hasher);
    for file in files {
        file.strip_prefix(root).unwrap_or(&file).hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn stamp_path(root: &Path) -> PathBuf {
    root.join("target/site/.built-from")
}

/// True when the outputs exist and were built from exactly these inputs.
fn up_to_date(root: &Path, fingerprint: &str) -> bool {
    let outputs = [
        root.join("target/release/potions"),
        root.join("target/site/pkg/potions.wasm"),
        root.join("target/site/pkg/potions.js"),
        root.join("target/site/pkg/potions.css"),
    ];
    outputs.iter().all(|p| p.is_file())
        && std::fs::read_to_string(stamp_path(root)).is_ok_and(|s| s.trim() == fingerprint)
}

pub fn build_release(tools: &Toolchain, optimisation: Optimisation) -> Result {
    let root = workspace_root();
    let fingerprint = inputs_fingerprint(&root, optimisation);
    if up_to_date(&root, &fingerprint) {
        say("Release build: nothing it is built from changed since the last one; kept");
        return Ok(());
    }
    let _ = std::fs::remove_file(stamp_path(&root));
    say(&format!(
        "Building Potions in release ({optimisation:?}: server, WebAssembly split by page, CSS)"
    ));
    // The splitter rewrites the browser build's .wasm; split again, it fails
    // (cargo-leptos#557). Without it, cargo links the browser build afresh.
    let front = root.join("target/front/wasm32-unknown-unknown/wasm-release");
    for name in ["frontend.wasm", "frontend_split.wasm"] {
        match std::fs::remove_file(front.join(name)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot remove {name}: {err}"))
            }
            _ => {}
        }
    }
    let mut build = tools.cargo_leptos();
    build.args(["build", "--release", "--split", "--precompress"]);
    run_step(optimisation.apply(&mut build))?;
    std::fs::write(stamp_path(&root), &fingerprint)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path(&root).display()))
}

/// The fakes, built as cargo-leptos builds the server (the same profile and
/// the same `RUSTFLAGS`, which `always-erase-components` sets), so that both
/// builds share every dependency they have in common: a different profile
/// or different flags would build them all again.
pub fn build_fakes(optimisation: Optimisation) -> Result {
    say("Building the fake Hetzner Cloud API and the fake DigitalOcean");
    let mut build = Command::new(env!("CARGO"));
    build.env("RUSTFLAGS", "--cfg erase_components").args([
        "build",
        "--release",
        "-p",
        "hetzner-fake",
        "-p",
        "digitalocean-fake",
    ]);
    run_step(optimisation.apply(&mut build))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_follows_inputs_and_ignores_the_rest() {
        let root = std::env::temp_dir().join(format!("xtask-release-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["app/src", "docs", "target"] {
            std::fs::create_dir_all(root.join(dir)).unwrap_or_default();
        }
        std::fs::write(root.join("app/src/lib.rs"), "fn a() {}").unwrap_or_default();
        let first = inputs_fingerprint(&root, Optimisation::Served);

        std::fs::write(root.join("docs/README.md"), "words").unwrap_or_default();
        std::fs::write(root.join("target/out"), "built").unwrap_or_default();
        let unchanged = inputs_fingerprint(&root, Optimisation::Served);
        let other_profile = inputs_fingerprint(&root, Optimisation::Tested);

        std::fs::write(root.join("app/src/lib.rs"), "fn b() {}").unwrap_or_default();
        let changed = inputs_fingerprint(&root, Optimisation::Served);
        std::fs::rename(root.join("app/src/lib.rs"), root.join("app/src/main.rs"))
            .unwrap_or_default();
        let renamed = inputs_fingerprint(&root, Optimisation::Served);
        let _ = std::fs::remove_dir_all(&root);

        assert_eq!(first, unchanged, "docs and build outputs are not inputs");
        assert_ne!(first, other_profile);
        assert_ne!(first, changed);
        assert_ne!(changed, renamed);
    }
}
