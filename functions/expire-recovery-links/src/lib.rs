//! The hourly job that expires recovery links older than 72 hours, run by an
//! EventBridge schedule.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::recovery::expire_links::{ExpiryRun, expire_recovery_links};
use serde_json::Value;

/// The schedule's event says only when it fired; the job reads the clock itself.
pub fn handler(svc: &Services, _event: Value) -> BoxFuture<'_, anyhow::Result<ExpiryRun>> {
    Box::pin(expire_recovery_links(svc))
}
