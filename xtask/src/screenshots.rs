//! `cargo xtask screenshots`: redraws the README's and docs' images
//! (`docs/images/`) from the end-to-end set-up against the fakes, so they
//! show Potions as it is. Not part of `cargo xtask test`.

use crate::release::{build_fakes, build_release, Optimisation};
use crate::tools::Toolchain;
use crate::{playwright, run_step, say, workspace_root, Result};

pub fn screenshots() -> Result {
    let tools = Toolchain::ensure_for_tests()?;
    build_release(&tools, Optimisation::Tested)?;
    build_fakes(Optimisation::Tested)?;
    let root = workspace_root();
    let _ = std::fs::remove_dir_all(root.join("target/e2e-data"));
    say("Drawing docs/images/ in headless Chromium (end2end/screenshots/)");
    run_step(playwright(&tools, Optimisation::Tested).args([
        "playwright",
        "test",
        "--config",
        "screenshots.config.ts",
    ]))
}
