//! The hourly job that expires recovery links older than 72 hours, run by an
//! EventBridge schedule: it puts one job a page of them on the jobs queue, which
//! `run-jobs` works through.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::jobs::Dispatched;
use portcullis::recovery::expire_links::dispatch_recovery_expiry;
use serde_json::Value;

/// The schedule's event says only when it fired; the job reads the clock itself.
pub fn handler(svc: &Services, _event: Value) -> BoxFuture<'_, anyhow::Result<Dispatched>> {
    Box::pin(dispatch_recovery_expiry(svc))
}
