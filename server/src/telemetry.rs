//! Structured logs, as text or JSON.

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let asked = std::env::var(EnvFilter::DEFAULT_ENV).unwrap_or_default();
    let mut filter = EnvFilter::try_new(without_webauthn(&asked))
        .ok()
        .filter(|_| !asked.trim().is_empty())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // The WebAuthn library's debug and trace events print ceremony data:
    // capped whatever RUST_LOG asks (a directive naming one of its modules
    // would be more specific than the cap, so those are dropped above).
    for quiet in ["webauthn_rs=info", "webauthn_rs_core=info"] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let builder = fmt().with_env_filter(filter).with_target(false);
    // A second init (tests spawning several servers) is harmless: keep the first.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// RUST_LOG's directives without those naming the WebAuthn crates or their
/// modules (`webauthn_rs_core::core=trace`).
fn without_webauthn(directives: &str) -> String {
    directives
        .split(',')
        .filter(|directive| !directive.trim_start().starts_with("webauthn"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_that_would_lift_the_webauthn_cap_are_dropped() {
        assert_eq!(
            without_webauthn("debug,webauthn_rs_core::core=trace,sqlx=warn,webauthn_rs=debug"),
            "debug,sqlx=warn"
        );
        assert_eq!(without_webauthn("info"), "info");
    }
}
