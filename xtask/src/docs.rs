//! Two checks that keep the repository honest about itself:
//!
//! - **Self-contained**: no file names a path outside the repository (a
//!   relative path that climbs above the root, or the team's sibling
//!   `shared` folder), so a plain clone with nothing beside it works.
//! - **Docs that cannot rot silently**: every relative link and every
//!   repository path named in `README.md` and `docs/` exists.

use std::path::{Component, Path, PathBuf};

use crate::files::files_under;
use crate::Result;

/// Folders that are built, installed or written at run time, never committed.
const NOT_OURS: &[&str] = &[
    ".git",
    "target",
    "data",
    ".tools",
    "node_modules",
    "test-results",
];

/// Files too large to be anything but data are not read for paths.
const MAX_SCANNED_BYTES: u64 = 8 * 1024 * 1024;

/// The characters a path is written with.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-')
}

/// The path-like words of a text: runs of path characters.
fn path_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_path_char(c))
        .map(|w| w.trim_end_matches(['.', '-']))
        .filter(|w| !w.is_empty())
}

/// How many folders above `base` a relative path reaches (0: it stays inside).
fn climb(path: &str) -> usize {
    let mut depth: isize = 0;
    let mut lowest: isize = 0;
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        lowest = lowest.min(depth);
    }
    lowest.unsigned_abs()
}

/// The folder a file's relative paths start from: for Rust and Cargo files
/// the package (cargo runs tests there, `CARGO_MANIFEST_DIR` names it), for
/// everything else the file's own folder.
fn base_of(root: &Path, file: &Path) -> PathBuf {
    let own = file.parent().unwrap_or(root).to_path_buf();
    let rust = file.extension().is_some_and(|e| e == "rs" || e == "toml");
    if !rust {
        return own;
    }
    own.ancestors()
        .take_while(|a| a.starts_with(root))
        .find(|a| a.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .unwrap_or(own)
}

/// The ways one file's text names a path outside the repository.
fn outside_paths_in(text: &str, depth_below_root: usize) -> Vec<String> {
    let sibling = format!("{}/", "shared");
    let mut found = Vec::new();
    for word in path_words(text) {
        if word.contains("../") && climb(word) > depth_below_root {
            found.push(format!("`{word}` climbs out of the repository"));
        } else if word.starts_with(&sibling) || word.contains(&format!("../{sibling}")) {
            found.push(format!("`{word}` names the sibling `{sibling}` folder"));
        }
    }
    found
}

/// Every place a file in the repository names a path outside it.
pub fn outside_paths(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    files_under(root, NOT_OURS, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        if std::fs::metadata(&file).map_or(true, |m| m.len() > MAX_SCANNED_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue; // not text
        };
        let base = base_of(root, &file);
        let depth = base
            .strip_prefix(root)
            .map_or(0, |p| p.components().count());
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for problem in outside_paths_in(&text, depth) {
            found.push(format!("{shown}: {problem}"));
        }
    }
    found
}

/// `README.md` and every Markdown file under `docs/`.
fn doc_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(&root.join("docs"), NOT_OURS, &mut files);
    files.retain(|f| f.extension().is_some_and(|e| e == "md"));
    files.push(root.join("README.md"));
    files.sort();
    files
}

/// The targets of a Markdown text's inline links and images: `](target)`.
fn link_targets(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let end = rest.find(')')?;
            let target = rest[..end].split_whitespace().next()?;
            Some(target)
        })
        .collect()
}

fn is_external(target: &str) -> bool {
    target.starts_with('#') || target.contains("://") || target.starts_with("mailto:")
}

/// The repository's own top-level folders, whose names start a repository path.
fn top_level_folders(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !NOT_OURS.contains(&name.as_str()))
        .collect()
}

/// Words that name a repository path (`server/src/lib.rs`, `docs/`), as written.
fn repository_paths<'a>(text: &'a str, folders: &[String]) -> Vec<&'a str> {
    path_words(text)
        .filter(|w| {
            folders.iter().any(|f| {
                w.strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
        })
        .filter(|w| !w.contains("..") && !w.contains("//"))
        .collect()
}

/// Every link and named path in the docs that leads nowhere.
pub fn broken_doc_references(root: &Path) -> Vec<String> {
    let folders = top_level_folders(root);
    let mut broken = Vec::new();
    for file in doc_files(root) {
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let Ok(text) = std::fs::read_to_string(&file) else {
            broken.push(format!("{shown}: cannot be read"));
            continue;
        };
        let here = file.parent().unwrap_or(root);
        let mut dead_links = Vec::new();
        for target in link_targets(&text).into_iter().filter(|t| !is_external(t)) {
            let path = target.split('#').next().unwrap_or(target);
            if !here.join(path).exists() {
                broken.push(format!("{shown}: the link `{target}` leads nowhere"));
                dead_links.push(path);
            }
        }
        for path in repository_paths(&text, &folders) {
            if !root.join(path).exists() && !dead_links.contains(&path) {
                broken.push(format!("{shown}: `{path}` is not in the repository"));
            }
        }
    }
    broken
}

fn report(problems: Vec<String>, what: &str) -> Result {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}:\n  {}", problems.join("\n  ")))
    }
}

pub fn check(root: &Path) -> Result {
    report(outside_paths(root), "paths outside the repository")?;
    report(
        broken_doc_references(root),
        "docs that name what is not there",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-docs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("docs")).unwrap_or_default();
        std::fs::create_dir_all(root.join("server/src")).unwrap_or_default();
        root
    }

    #[test]
    fn a_named_path_that_is_removed_fails_the_check() {
        let root = scratch("removed");
        std::fs::write(root.join("server/src/lib.rs"), "").unwrap_or_default();
        let readme = "See `server/src/lib.rs` and [the docs](docs/README.md#top).\n";
        std::fs::write(root.join("README.md"), readme).unwrap_or_default();
        std::fs::write(root.join("docs/README.md"), "Back [up](../README.md).\n")
            .unwrap_or_default();
        assert_eq!(broken_doc_references(&root), Vec::<String>::new());

        std::fs::remove_file(root.join("server/src/lib.rs")).unwrap_or_default();
        std::fs::remove_file(root.join("docs/README.md")).unwrap_or_default();
        let broken = broken_doc_references(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            broken,
            vec![
                "README.md: the link `docs/README.md#top` leads nowhere".to_string(),
                "README.md: `server/src/lib.rs` is not in the repository".to_string(),
            ]
        );
    }

    #[test]
    fn external_links_and_placeholders_are_not_checked() {
        let root = scratch("external");
        let readme = "[site](https://example.com) [here](#section) `server/<name>.rs`\n";
        std::fs::write(root.join("README.md"), readme).unwrap_or_default();
        let broken = broken_doc_references(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(broken, Vec::<String>::new());
    }

    #[test]
    fn a_path_climbing_out_of_the_repository_is_found() {
        // Written in pieces so that this file does not trip its own check.
        let up = "..";
        let rust =
            format!("concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{up}/{up}/elsewhere/spec.json\")");
        assert_eq!(
            outside_paths_in(&rust, 1).len(),
            1,
            "two up from a package climbs out"
        );
        let inside = format!("\"{up}/third_party/spec.json\"");
        assert!(
            outside_paths_in(&inside, 1).is_empty(),
            "one up from a package stays inside"
        );
        let sibling = format!("read {}{}spec/LIFECYCLE.md", "shared", "/");
        assert_eq!(outside_paths_in(&sibling, 0).len(), 1);
        assert!(outside_paths_in("fake-kit/src/shared.rs", 0).is_empty());
    }

    #[test]
    fn the_base_of_a_rust_file_is_its_package() {
        let root = scratch("base");
        std::fs::write(root.join("server/Cargo.toml"), "").unwrap_or_default();
        let base = base_of(&root, &root.join("server/src/lib.rs"));
        let own = base_of(&root, &root.join("docs/README.md"));
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(base, root.join("server"));
        assert_eq!(own, root.join("docs"));
    }
}
