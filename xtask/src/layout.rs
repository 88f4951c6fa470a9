//! Where things live, checked: every server function of `app` is in a
//! `server_fns.rs`, beside the pages of its feature, and no production
//! source file grows past `MAX_FILE_LINES` (tests may).

use std::path::{Path, PathBuf};

use crate::files::files_under;
use crate::Result;

pub const MAX_FILE_LINES: usize = 400;

/// The crates whose production sources are held to the file size.
const SIZED: &[&str] = &[
    "app/src",
    "digitalocean-fake/src",
    "domain/src",
    "fake-kit/src",
    "frontend/src",
    "hetzner-fake/src",
    "model/src",
    "server/src",
    "testkit/src",
    "xtask/src",
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(dir, &["tests"], &mut files);
    files.retain(|file| file.extension().is_some_and(|e| e == "rs"));
    files.sort();
    files
}

fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// `app` files that declare a server function without being a `server_fns.rs`.
pub fn server_functions_outside(root: &Path) -> Vec<String> {
    rust_files(&root.join("app/src"))
        .into_iter()
        .filter(|file| !file.ends_with("server_fns.rs"))
        .filter(|file| {
            std::fs::read_to_string(file)
                .unwrap_or_default()
                .lines()
                .any(|line| line.trim_start().starts_with("#[server("))
        })
        .map(|file| shown(root, &file))
        .collect()
}

/// Production files over the size, as `path (n lines)`.
pub fn long_files(root: &Path) -> Vec<String> {
    SIZED
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)))
        .filter_map(|file| {
            let lines = std::fs::read_to_string(&file)
                .unwrap_or_default()
                .lines()
                .count();
            (lines > MAX_FILE_LINES).then(|| format!("{} ({lines} lines)", shown(root, &file)))
        })
        .collect()
}

pub fn check(root: &Path) -> Result {
    let mut problems = Vec::new();
    for file in server_functions_outside(root) {
        problems.push(format!(
            "{file}: server functions belong in the feature's server_fns.rs"
        ));
    }
    for file in long_files(root) {
        problems.push(format!(
            "{file}: over {MAX_FILE_LINES} lines; split it by what it does"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "files out of place or too long:\n  {}",
            problems.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_function_in_a_page_and_a_long_file_fail_the_check() {
        let root = std::env::temp_dir().join(format!("xtask-layout-{}", std::process::id()));
        let feature = root.join("app/src/account");
        std::fs::create_dir_all(&feature).unwrap_or_default();
        let server_fn = "#[server(prefix = \"/api\", endpoint = \"x\")]\npub async fn x() {}\n";
        std::fs::write(feature.join("server_fns.rs"), server_fn).unwrap_or_default();
        std::fs::write(feature.join("page.rs"), "// a page\n").unwrap_or_default();
        let kept = check(&root);
        std::fs::write(feature.join("page.rs"), server_fn).unwrap_or_default();
        let outside = server_functions_outside(&root);
        std::fs::write(feature.join("page.rs"), "\n".repeat(MAX_FILE_LINES + 1))
            .unwrap_or_default();
        let long = long_files(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(kept, Ok(()));
        assert_eq!(outside, ["app/src/account/page.rs"]);
        assert_eq!(
            long,
            [format!(
                "app/src/account/page.rs ({} lines)",
                MAX_FILE_LINES + 1
            )]
        );
    }
}
