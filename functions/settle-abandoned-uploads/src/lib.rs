//! Every 15 minutes: documents still pending after their upload URL expired are
//! checked as their S3 notification would have, so every upload completes and its
//! email goes out.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::documents::abandoned_uploads::{SweepRun, settle_abandoned_uploads};
use serde_json::Value;

/// The schedule's event says only when it fired; the job reads the clock itself.
pub fn handler(svc: &Services, _event: Value) -> BoxFuture<'_, anyhow::Result<SweepRun>> {
    Box::pin(settle_abandoned_uploads(svc))
}
