//! Logging set-up shared by every binary.

use tracing_subscriber::EnvFilter;

/// JSON logs, one object per line, as CloudWatch wants them. `RUST_LOG` picks the
/// level (default `info`).
pub fn init_json() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_current_span(false)
        .without_time()
        .with_target(false)
        .init();
}

/// Human-readable logs for local tools.
pub fn init_pretty() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_target(false)
        .init();
}
