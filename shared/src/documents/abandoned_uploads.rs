//! The sweep of abandoned uploads, run by a schedule. For an upload not yet
//! announced after its URLs expired, each document still pending is checked as
//! its S3 notification would have checked it (its bytes may have landed and the
//! notification been lost), which settles it one way or the other; then the
//! upload is announced, which also retries emails that failed before.

use serde::Serialize;

use crate::Services;
use crate::documents::check::{Checked, check_document};
use crate::documents::upload_notice::notify_when_complete;
use crate::documents::{DocumentStatus, Upload};

/// How long after its URL expired a pending document is left to its notification.
pub const GRACE: time::Duration = time::Duration::minutes(5);

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SweepRun {
    pub available: usize,
    pub rejected: usize,
    pub emails_sent: usize,
}

/// Settles the pending documents of every upload whose URLs expired more than
/// [`GRACE`] ago and announces it; one upload that fails does not stop the others,
/// and the run then fails so the failure is seen.
#[tracing::instrument(skip_all)]
pub async fn settle_abandoned_uploads(svc: &Services) -> anyhow::Result<SweepRun> {
    let cutoff = svc.clock.now() - svc.settings.documents.upload_url_ttl - GRACE;
    let mut run = SweepRun::default();
    let mut failure = None;
    for upload in svc.store.unannounced_before(cutoff).await? {
        if let Err(err) = settle_and_announce(svc, &upload, &mut run).await {
            tracing::error!(upload_id = %upload.id, error = format!("{err:#}"), "an upload could not be settled");
            failure = Some(err);
        }
    }
    tracing::info!(?run, "abandoned uploads settled");
    match failure {
        Some(err) => Err(err),
        None => Ok(run),
    }
}

async fn settle_and_announce(
    svc: &Services,
    upload: &Upload,
    run: &mut SweepRun,
) -> anyhow::Result<()> {
    for id in &upload.documents {
        let document = svc.store.document(upload.case_id, *id).await?;
        let Some(document) = document.filter(|d| d.status == DocumentStatus::Pending) else {
            continue;
        };
        match check_document(svc, &document, None).await? {
            Checked::Available => run.available += 1,
            Checked::Rejected => run.rejected += 1,
            Checked::AlreadySettled => {}
        }
    }
    run.emails_sent += notify_when_complete(svc, upload.case_id, upload.id).await?;
    Ok(())
}
