//! The sweep of abandoned uploads, run by a schedule: a document still pending
//! after its upload URL expired is checked as its S3 notification would have
//! checked it (its bytes may have landed and the notification been lost), which
//! settles it one way or the other, so its upload can complete and the other
//! side hears of the files that did arrive.

use serde::Serialize;

use crate::Services;
use crate::flows::document_check::{Checked, check_document};
use crate::flows::upload_notice::notify_when_complete;

/// How long after its URL expired a pending document is left to its notification.
pub const GRACE: time::Duration = time::Duration::minutes(5);

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SweepRun {
    pub available: usize,
    pub rejected: usize,
    pub emails_sent: usize,
}

#[tracing::instrument(skip_all)]
pub async fn settle_abandoned_uploads(svc: &Services) -> anyhow::Result<SweepRun> {
    let cutoff = svc.clock.now() - svc.settings.documents.upload_url_ttl - GRACE;
    let mut run = SweepRun::default();
    for document in svc.store.pending_before(cutoff).await? {
        match check_document(svc, &document, None).await? {
            Checked::Available => run.available += 1,
            Checked::Rejected => run.rejected += 1,
            Checked::AlreadySettled => {}
        }
        run.emails_sent += notify_when_complete(svc, document.case_id, document.upload_id).await?;
    }
    tracing::info!(?run, "abandoned uploads settled");
    Ok(run)
}
