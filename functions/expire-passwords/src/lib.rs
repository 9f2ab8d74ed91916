//! The daily password-expiry job, run by an EventBridge schedule: it puts one job
//! a firm with an expiry interval on the jobs queue, which `run-jobs` works
//! through.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::accounts::expire_passwords::dispatch_password_expiry;
use portcullis::jobs::Dispatched;
use serde_json::Value;

/// The schedule's event says only when it fired; the job reads the clock itself.
pub fn handler(svc: &Services, _event: Value) -> BoxFuture<'_, anyhow::Result<Dispatched>> {
    Box::pin(dispatch_password_expiry(svc))
}
