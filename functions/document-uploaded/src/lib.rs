//! The documents bucket's `s3:ObjectCreated:*` notification: checks each new
//! object against what was declared, then tells the other side once per upload.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::documents::uploaded::{S3Notification, UploadedRun, documents_uploaded};

pub fn handler(
    svc: &Services,
    event: S3Notification,
) -> BoxFuture<'_, anyhow::Result<UploadedRun>> {
    Box::pin(documents_uploaded(svc, event))
}
