//! The build that `run`, `demo`, `test` and `bench` serve, skipped when
//! nothing it is built from changed since the last successful build (the
//! WebAssembly's wasm-bindgen and wasm-opt steps alone take minutes).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::files_under;
use crate::tools::Toolchain;
use crate::{run_step, say, workspace_root, Result};

/// The flags cargo-leptos gives the server's build (`always-erase-components`
/// in `Cargo.toml`). Every server-side build of the test command uses them
/// too: builds with other flags share no compiled dependency.
pub const SERVER_RUSTFLAGS: &str = "--cfg erase_components";

/// How the server and the fakes are built; the WebAssembly is always built
/// as it is served (release, split by page, precompressed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Optimisation {
    /// The release profile as `Cargo.toml` says: fat LTO and one codegen
    /// unit, about 20 % faster signed-in rendering. For serving and benchmarks.
    Served,
    /// The dev profile, with the test phase's flags, so the server and the
    /// fakes reuse what `cargo test` compiled: minutes sooner than a release
    /// build. For the end-to-end tests, which check behaviour, not speed.
    Tested,
}

impl Optimisation {
    /// The folder under `target/` the server and the fakes are built into.
    pub fn profile_dir(self) -> &'static str {
        match self {
            Self::Served => "release",
            Self::Tested => "debug",
        }
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

/// A fingerprint of every file the build reads, their names included, and
/// of how it optimises. Errs on the side of building: a change anywhere in
/// the workspace's crates counts.
pub fn inputs_fingerprint(root: &Path, optimisation: Optimisation) -> String {
    let mut files = Vec::new();
    files_under(root, NOT_INPUTS, &mut files);
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
fn up_to_date(root: &Path, optimisation: Optimisation, fingerprint: &str) -> bool {
    let outputs = [
        root.join("target")
            .join(optimisation.profile_dir())
            .join("potions"),
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
    if up_to_date(&root, optimisation, &fingerprint) {
        say("Build: nothing it is built from changed since the last one; kept");
        if optimisation == Optimisation::Tested {
            // `cargo test` builds the same server binary without the
            // environment cargo-leptos gives it (the split WebAssembly's
            // names): build it as served again, a no-op when it already is.
            say("Building the server in the dev profile, as served");
            run_step(tools.cargo_leptos().args(["build", "--server-only"]))?;
        }
        return Ok(());
    }
    let _ = std::fs::remove_file(stamp_path(&root));
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
    let release = ["build", "--release", "--split", "--precompress"];
    match optimisation {
        Optimisation::Served => {
            say("Building Potions in release (server, WebAssembly split by page, CSS)");
            run_step(tools.cargo_leptos().args(release))?;
        }
        Optimisation::Tested => {
            say("Building the WebAssembly and CSS in release, as served");
            run_step(tools.cargo_leptos().args(release).arg("--frontend-only"))?;
            say("Building the server in the dev profile, on what the tests compiled");
            run_step(tools.cargo_leptos().args(["build", "--server-only"]))?;
        }
    }
    std::fs::write(stamp_path(&root), &fingerprint)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path(&root).display()))
}

/// The fakes, built as the server is (profile and flags), so that both
/// builds share every dependency they have in common.
pub fn build_fakes(optimisation: Optimisation) -> Result {
    say("Building the fake Hetzner Cloud API and the fake DigitalOcean");
    let mut build = Command::new(env!("CARGO"));
    build.env("RUSTFLAGS", SERVER_RUSTFLAGS).args([
        "build",
        "-p",
        "hetzner-fake",
        "-p",
        "digitalocean-fake",
    ]);
    if optimisation == Optimisation::Served {
        build.arg("--release");
    }
    run_step(&mut build)
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
