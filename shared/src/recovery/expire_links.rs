//! `expire-recovery-links`, hourly: every open recovery whose link is older than
//! 72 hours becomes `expired`, page by page. Running it again changes nothing; a
//! link is refused at use time by its own expiry whether or not this has run.

use crate::Services;
use crate::domain::{AuditEvent, AuditKind};
use crate::ports::Conditional;

/// Cases read per page.
const PAGE: usize = 100;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExpiryRun {
    pub expired: usize,
}

#[tracing::instrument(skip_all)]
pub async fn expire_recovery_links(svc: &Services) -> anyhow::Result<ExpiryRun> {
    expire_recovery_links_by(svc, PAGE).await
}

/// The job, reading `page` cases at a time.
pub async fn expire_recovery_links_by(svc: &Services, page: usize) -> anyhow::Result<ExpiryRun> {
    let now = svc.clock.now();
    let mut run = ExpiryRun::default();
    let mut after: Option<String> = None;
    loop {
        let (ids, next) = svc
            .store
            .expired_open_recoveries(now, after.as_deref(), page)
            .await?;
        for id in ids {
            let Some(recovery) = svc.store.recovery(id).await? else {
                continue;
            };
            let audit = AuditEvent::new(AuditKind::RecoveryExpired, now, recovery.user_id);
            if svc.store.expire_recovery(id, now, &audit).await? == Conditional::Applied {
                run.expired += 1;
            }
        }
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    tracing::info!(expired = run.expired, "recovery links expired");
    Ok(run)
}
