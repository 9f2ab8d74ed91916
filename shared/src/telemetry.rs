//! Logging set-up shared by every binary.

use tracing_subscriber::filter::LevelFilter;

/// The level named by `RUST_LOG` (`error`, `warn`, `info`, `debug`, `trace`, `off`),
/// `info` by default. Only a plain level: per-module directives would need a regex
/// engine in every binary.
fn level() -> LevelFilter {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|raw| raw.trim().parse().ok())
        .unwrap_or(LevelFilter::INFO)
}

/// JSON logs, one object per line, as CloudWatch wants them.
pub fn init_json() {
    tracing_subscriber::fmt()
        .json()
        .with_max_level(level())
        .with_current_span(false)
        .without_time()
        .with_target(false)
        .init();
}

/// Human-readable logs for local tools.
pub fn init_pretty() {
    tracing_subscriber::fmt()
        .with_max_level(level())
        .with_target(false)
        .init();
}
