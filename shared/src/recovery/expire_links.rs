//! `expire-recovery-links`, hourly: every open recovery whose link is older than
//! 72 hours becomes `expired`. The schedule's function reads them page by page and
//! puts one job a page on the queue (see [`crate::jobs`]). Running either again
//! changes nothing; a link is refused at use time by its own expiry whether or
//! not this has run.

use crate::Services;
use crate::domain::{AuditEvent, AuditKind, RecoveryId};
use crate::jobs::{Dispatched, Job, dispatch};
use crate::ports::Conditional;

/// Cases read per page, and expired per job.
const PAGE: usize = 100;

/// What one job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecoveryExpiryRun {
    pub expired: usize,
}

#[tracing::instrument(skip_all)]
pub async fn dispatch_recovery_expiry(svc: &Services) -> anyhow::Result<Dispatched> {
    dispatch_recovery_expiry_by(svc, PAGE).await
}

/// The dispatch, reading `page` cases at a time: one job a page.
pub async fn dispatch_recovery_expiry_by(
    svc: &Services,
    page: usize,
) -> anyhow::Result<Dispatched> {
    let now = svc.clock.now();
    let mut jobs = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (recovery_ids, next) = svc
            .store
            .expired_open_recoveries(now, after.as_deref(), page)
            .await?;
        if !recovery_ids.is_empty() {
            jobs.push(Job::ExpireRecoveries { recovery_ids });
        }
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    dispatch(svc, jobs).await
}

/// One page's job: each of these recoveries still open is expired, audited.
pub async fn expire_recoveries(
    svc: &Services,
    ids: &[RecoveryId],
) -> anyhow::Result<RecoveryExpiryRun> {
    let now = svc.clock.now();
    let mut run = RecoveryExpiryRun::default();
    for &id in ids {
        let Some(recovery) = svc.store.recovery(id).await? else {
            continue;
        };
        let audit = AuditEvent::new(AuditKind::RecoveryExpired, now, recovery.user_id);
        if svc.store.expire_recovery(id, now, &audit).await? == Conditional::Applied {
            run.expired += 1;
        }
    }
    tracing::info!(expired = run.expired, "recovery links expired");
    Ok(run)
}
