//! The house rule rustfmt cannot enforce on its own: no line of Rust, CSS or
//! TypeScript longer than 120 characters (strings included).

use std::path::Path;

use crate::files::files_under;
use crate::Result;

pub const MAX_LINE_CHARS: usize = 120;

/// Folders whose sources are checked.
const CHECKED: &[&str] = &[
    "app",
    "digitalocean-fake",
    "domain",
    "fake-kit",
    "frontend",
    "hetzner-fake",
    "model",
    "server",
    "testkit",
    "xtask",
    "style",
    "end2end/tests",
];

/// Every line over the limit, as `path:line (n characters)`.
pub fn long_lines(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for dir in CHECKED {
        files_under(&root.join(dir), &[], &mut files);
    }
    files.retain(|path| {
        path.extension()
            .is_some_and(|e| e == "rs" || e == "css" || e == "ts")
    });
    files.sort();
    let mut long = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let chars = line.chars().count();
            if chars > MAX_LINE_CHARS {
                let shown = file
                    .strip_prefix(root)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                long.push(format!("{shown}:{} ({chars} characters)", n + 1));
            }
        }
    }
    long
}

pub fn check_line_lengths(root: &Path) -> Result {
    let long = long_lines(root);
    if long.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "lines over {MAX_LINE_CHARS} characters:\n  {}",
            long.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_long_lines_and_only_those() {
        let root = std::env::temp_dir().join(format!("xtask-lines-{}", std::process::id()));
        let dir = root.join("style");
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let text = format!("short\n{}\n", "x".repeat(MAX_LINE_CHARS + 1));
        std::fs::write(dir.join("a.css"), text).unwrap_or_default();
        let long = long_lines(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            long,
            vec![format!("style/a.css:2 ({} characters)", MAX_LINE_CHARS + 1)]
        );
    }
}
