//! The sweep of abandoned uploads, run by a schedule, one job an upload. For an upload not yet
//! announced after its URLs expired, each document still pending is checked as
//! its S3 notification would have checked it (its bytes may have landed and the
//! notification been lost), which settles it one way or the other; then the
//! upload is announced, which also retries emails that failed before.

use serde::Serialize;

use crate::Services;
use crate::documents::check::{Checked, check_document};
use crate::documents::upload_notice::notify_when_complete;
use crate::documents::{DocumentStatus, Upload, UploadId};
use crate::domain::CaseId;
use crate::jobs::{Dispatched, Job, dispatch};

/// How long after its URL expired a pending document is left to its notification.
pub const GRACE: time::Duration = time::Duration::minutes(5);

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SweepRun {
    pub available: usize,
    pub rejected: usize,
    pub emails_sent: usize,
}

/// The sweep: one job an upload not announced whose URLs expired more than
/// [`GRACE`] ago (see [`crate::jobs`]).
#[tracing::instrument(skip_all)]
pub async fn dispatch_abandoned_uploads(svc: &Services) -> anyhow::Result<Dispatched> {
    let cutoff = svc.clock.now() - svc.settings.documents.upload_url_ttl - GRACE;
    let jobs = svc
        .store
        .unannounced_before(cutoff)
        .await?
        .into_iter()
        .map(|upload| Job::SettleUpload {
            case_id: upload.case_id,
            upload_id: upload.id,
        })
        .collect();
    dispatch(svc, jobs).await
}

/// One upload's job: settles its pending documents and announces it. An upload
/// gone meanwhile is nothing to do.
#[tracing::instrument(skip_all, fields(upload_id = %upload_id))]
pub async fn settle_upload(
    svc: &Services,
    case_id: CaseId,
    upload_id: UploadId,
) -> anyhow::Result<SweepRun> {
    let mut run = SweepRun::default();
    if let Some(upload) = svc.store.upload(case_id, upload_id).await? {
        settle_and_announce(svc, &upload, &mut run).await?;
    }
    tracing::info!(?run, "abandoned upload settled");
    Ok(run)
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
