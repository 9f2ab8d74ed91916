//! Scheduled work, fanned out. A schedule's function only finds what is due and
//! puts one message a unit of work on the jobs queue: one a firm for password
//! expiry, one a page of expired recoveries, one an abandoned upload. `run-jobs`
//! takes them off the queue (one an invocation, as the template's event source
//! says), many invocations at once, so a large tenant base spreads across
//! concurrent invocations instead of one run that Lambda's 15 minutes would cut
//! short.
//!
//! Every job is safe to run again: a message delivered twice, or retried after a
//! failure part-way, sends no notice twice and changes nothing more (each unit's
//! writes are conditional, and each notice is claimed before it is sent).

mod batch;

use serde::{Deserialize, Serialize};

use crate::Services;
use crate::accounts::expire_passwords::{ExpiryRun, expire_passwords_of};
use crate::documents::UploadId;
use crate::documents::abandoned_uploads::{SweepRun, settle_upload};
use crate::domain::{CaseId, FirmId, RecoveryId};
use crate::recovery::expire_links::{RecoveryExpiryRun, expire_recoveries};

pub use batch::{
    BatchItemFailure, BatchResponse, Outcome, SqsEvent, SqsMessage, batch_response, run_batch,
    run_jobs,
};

/// One unit of scheduled work, as its message on the queue says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "kebab-case")]
pub enum Job {
    /// Notices and forced changes for the firm users of one firm.
    ExpirePasswords { firm_id: FirmId },
    /// These open recoveries (one page of them) are past their 72 hours.
    ExpireRecoveries { recovery_ids: Vec<RecoveryId> },
    /// One upload whose URLs expired: settle its documents and announce it.
    SettleUpload {
        case_id: CaseId,
        upload_id: UploadId,
    },
}

/// What a dispatcher did: how many jobs it put on the queue.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dispatched {
    pub jobs: usize,
}

/// Puts `jobs` on the queue.
pub async fn dispatch(svc: &Services, jobs: Vec<Job>) -> anyhow::Result<Dispatched> {
    svc.jobs.enqueue(&jobs).await?;
    tracing::info!(jobs = jobs.len(), "jobs dispatched");
    Ok(Dispatched { jobs: jobs.len() })
}

/// What one job did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum JobRun {
    Passwords(ExpiryRun),
    Recoveries(RecoveryExpiryRun),
    Upload(SweepRun),
}

/// Runs one job.
pub async fn run_job(svc: &Services, job: &Job) -> anyhow::Result<JobRun> {
    Ok(match job {
        Job::ExpirePasswords { firm_id } => {
            JobRun::Passwords(expire_passwords_of(svc, *firm_id).await?)
        }
        Job::ExpireRecoveries { recovery_ids } => {
            JobRun::Recoveries(expire_recoveries(svc, recovery_ids).await?)
        }
        Job::SettleUpload { case_id, upload_id } => {
            JobRun::Upload(settle_upload(svc, *case_id, *upload_id).await?)
        }
    })
}
