//! Dependencies between a crate's top-level modules run one way: a module
//! never reaches, through `crate::…` paths, one that reaches it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::files::files_under;
use crate::Result;

/// The crates whose top-level modules are held to it.
const CHECKED: &[&str] = &["app/src", "domain/src", "model/src", "server/src"];

/// Top-level modules of the crate whose sources are in `src`, each with its files.
fn top_level_modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(src) else {
        return modules;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut files = Vec::new();
            files_under(&path, &[], &mut files);
            files.retain(|file| file.extension().is_some_and(|e| e == "rs"));
            modules.entry(name).or_insert_with(Vec::new).extend(files);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if stem != "lib" && stem != "main" {
                modules
                    .entry(stem.to_string())
                    .or_insert_with(Vec::new)
                    .push(path);
            }
        }
    }
    modules
}

/// The top-level modules a text names with `crate::name` or `use crate::{name, …}`;
/// comments (doc links among them) and the file's closing test module are
/// not dependencies of the module.
pub fn named_modules(text: &str) -> BTreeSet<String> {
    let production = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    let code: String = production
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inside = group.split('}').next().unwrap_or_default();
            named.extend(first_segments(inside));
        } else {
            named.extend(first_segments(rest).into_iter().take(1));
        }
    }
    named
}

/// The first path segment of each comma-separated item: `a::b, c` → `a`, `c`.
fn first_segments(list: &str) -> Vec<String> {
    list.split(',')
        .filter_map(|item| {
            let name: String = item
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

type Graph = BTreeMap<String, BTreeSet<String>>;

fn graph_of(src: &Path) -> Graph {
    let modules = top_level_modules(src);
    let mut graph = Graph::new();
    for (module, files) in &modules {
        let mut reaches = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            reaches.extend(
                named_modules(&text)
                    .into_iter()
                    .filter(|other| other != module && modules.contains_key(other)),
            );
        }
        graph.insert(module.clone(), reaches);
    }
    graph
}

/// Every pair of modules that reach each other, directly or through others,
/// as one circle each: `a → b → a`.
pub fn circles(graph: &Graph) -> Vec<String> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = vec![from];
        while let Some(m) = todo.pop() {
            for next in graph.get(m).into_iter().flatten() {
                if seen.insert(next.as_str()) {
                    todo.push(next);
                }
            }
        }
        seen
    };
    let mut found = Vec::new();
    let mut reported = BTreeSet::new();
    for (module, direct) in graph {
        for other in direct {
            if module < other
                && reach(other).contains(module.as_str())
                && reported.insert((module, other))
            {
                found.push(format!("{module} → {other} → … → {module}"));
            }
        }
    }
    found
}

pub fn check(root: &Path) -> Result {
    let mut problems = Vec::new();
    for src in CHECKED {
        for circle in circles(&graph_of(&root.join(src))) {
            problems.push(format!("{src}: {circle}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "modules that import each other:\n  {}",
            problems.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_groups_name_modules_and_comments_do_not() {
        let text = "use crate::error::AppError;\nuse crate::{paths, nav::Nav};\n\
                    /// See [`X`](crate::auth::X).\nlet a = crate::format::date(1); // crate::ssr\n\
                    #[cfg(test)]\nmod tests {\n    use crate::wire::TextJson;\n}\n";
        let named: Vec<String> = named_modules(text).into_iter().collect();
        assert_eq!(named, ["error", "format", "nav", "paths"]);
    }

    #[test]
    fn a_circle_is_found_and_a_line_is_not() {
        let graph = |edges: &[(&str, &str)]| {
            let mut g = Graph::new();
            for (from, to) in edges {
                g.entry(from.to_string())
                    .or_default()
                    .insert(to.to_string());
                g.entry(to.to_string()).or_default();
            }
            g
        };
        assert!(circles(&graph(&[("routes", "pages"), ("pages", "components")])).is_empty());
        let circle = circles(&graph(&[
            ("auth", "components"),
            ("components", "error"),
            ("error", "auth"),
        ]));
        assert_eq!(circle.len(), 2, "{circle:?}");
        assert!(circle[0].starts_with("auth → components"), "{circle:?}");
    }

    #[test]
    fn a_circle_between_two_files_fails_the_check() {
        let root = std::env::temp_dir().join(format!("xtask-modules-{}", std::process::id()));
        let src = root.join("app/src");
        std::fs::create_dir_all(src.join("auth")).unwrap_or_default();
        std::fs::write(src.join("auth/mod.rs"), "use crate::components::Loaded;\n")
            .unwrap_or_default();
        std::fs::write(src.join("components.rs"), "// none yet\n").unwrap_or_default();
        let one_way = check(&root);
        std::fs::write(src.join("components.rs"), "use crate::auth::use_auth;\n")
            .unwrap_or_default();
        let both_ways = check(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(one_way, Ok(()));
        assert!(both_ways.is_err_and(|e| e.contains("auth → components → … → auth")));
    }
}
