//! Every 15 minutes: every upload whose URLs expired with documents still pending
//! is put on the jobs queue, one job an upload, for `run-jobs` to check each as
//! its S3 notification would have, so every upload completes and its email goes
//! out.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::documents::abandoned_uploads::dispatch_abandoned_uploads;
use portcullis::jobs::Dispatched;
use serde_json::Value;

/// The schedule's event says only when it fired; the job reads the clock itself.
pub fn handler(svc: &Services, _event: Value) -> BoxFuture<'_, anyhow::Result<Dispatched>> {
    Box::pin(dispatch_abandoned_uploads(svc))
}
