//! The daily password-expiry job, run by an EventBridge schedule.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::accounts::expire_passwords::{ExpiryRun, expire_passwords};
use serde_json::Value;

/// The schedule's event says only when it fired; the job reads the clock itself.
pub fn handler(svc: &Services, _event: Value) -> BoxFuture<'_, anyhow::Result<ExpiryRun>> {
    Box::pin(expire_passwords(svc))
}
