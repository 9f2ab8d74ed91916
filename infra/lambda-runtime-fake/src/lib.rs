//! What a function binary needs around it to run as Lambda runs it, on 127.0.0.1:
//! a [`RuntimeApi`] to hand it an event, and a [`SecretsManager`] to answer the one
//! AWS call its cold start makes (the server key), so a test can spawn it without
//! an emulator.

mod runtime_api;
mod secrets_manager;

pub use runtime_api::{Finished, Invocation, Moment, Outcome, RuntimeApi};
pub use secrets_manager::SecretsManager;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

/// Serves `router` on a free port of 127.0.0.1 while the Tokio runtime runs; returns
/// its `host:port`.
async fn serve(router: Router, what: &'static str) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .with_context(|| format!("binding {what}"))?;
    let address = listener.local_addr()?.to_string();
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            eprintln!("{what} stopped: {err}");
        }
    });
    Ok(address)
}
