//! The configuration page (`docs/operations/configuration.md`) names every
//! flag and environment variable of `potions --help`, and nothing else.

use clap::CommandFactory;

use super::Cli;

const PAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../docs/operations/configuration.md"
);

/// clap's own flags, which every command has and the page need not list.
const BUILT_IN: &[&str] = &["--help", "--version"];

/// Every `--flag` and environment variable of the command and its subcommands.
fn names_in_help() -> Vec<String> {
    let command = Cli::command();
    let mut names = Vec::new();
    for arg in command
        .get_arguments()
        .chain(command.get_subcommands().flat_map(|c| c.get_arguments()))
    {
        if let Some(long) = arg.get_long() {
            names.push(format!("--{long}"));
        }
        if let Some(env) = arg.get_env() {
            names.push(env.to_string_lossy().into_owned());
        }
    }
    names.retain(|n| !BUILT_IN.contains(&n.as_str()));
    names.sort();
    names.dedup();
    names
}

/// The flags (`--name`) and variables (all capitals) the page writes as code.
fn names_on_page(page: &str) -> Vec<String> {
    let mut names: Vec<String> = page
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|code| code.split(|c: char| c.is_whitespace() || c == '/' || c == '='))
        .filter(|word| {
            let flag = word.len() > 2
                && word.starts_with("--")
                && word[2..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-');
            let variable = word.len() > 3
                && word.contains('_')
                && word.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            flag || variable
        })
        .map(str::to_string)
        .collect();
    names.retain(|n| !BUILT_IN.contains(&n.as_str()));
    names.sort();
    names.dedup();
    names
}

/// What the page misses and what it names that `potions` does not have.
fn differences(help: &[String], page: &str) -> (Vec<String>, Vec<String>) {
    let on_page = names_on_page(page);
    let missing = help
        .iter()
        .filter(|n| !on_page.contains(n))
        .cloned()
        .collect();
    let stale = on_page.into_iter().filter(|n| !help.contains(n)).collect();
    (missing, stale)
}

/// Variables the page may name that are read outside clap (logging).
const READ_ELSEWHERE: &[&str] = &["RUST_LOG"];

#[test]
fn the_configuration_page_names_every_flag_and_nothing_stale() {
    let page = std::fs::read_to_string(PAGE).unwrap_or_else(|e| panic!("{PAGE}: {e}"));
    let (missing, mut stale) = differences(&names_in_help(), &page);
    stale.retain(|n| !READ_ELSEWHERE.contains(&n.as_str()));
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "in `potions --help`, not on the page"
    );
    assert_eq!(
        stale,
        Vec::<String>::new(),
        "on the page, not in `potions --help`"
    );
}

#[test]
fn a_missing_and_a_stale_flag_are_both_found() {
    let help = vec![
        "--listen".to_string(),
        "POTIONS_LISTEN".to_string(),
        "--data-dir".to_string(),
    ];
    let page = "| `--listen` | `POTIONS_LISTEN` |\n| `--old-flag` | |\n";
    let (missing, stale) = differences(&help, page);
    assert_eq!(missing, vec!["--data-dir".to_string()]);
    assert_eq!(stale, vec!["--old-flag".to_string()]);
}
