//! Structured logs, as text or JSON.

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let mut filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // The WebAuthn library's debug and trace events print ceremony data:
    // capped whatever RUST_LOG asks.
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
