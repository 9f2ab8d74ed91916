//! In-memory account-recovery cases.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, FirmId, RecoveryId, TokenDigest};
use crate::fakes::MemoryStore;
use crate::ports::Conditional;
use crate::recovery::{Recovery, RecoveryStatus, VerificationOutcome};
use crate::recovery::{RecoverySettlement, RecoveryStore};

#[async_trait]
impl RecoveryStore for MemoryStore {
    async fn put_recovery(
        &self,
        recovery: &Recovery,
        supersedes: &[Recovery],
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.recoveries.contains_key(&recovery.id)
            || t.recovery_links.contains_key(&recovery.link_digest)
        {
            return Ok(Conditional::Refused);
        }
        let unchanged = supersedes.iter().all(|old| {
            t.recoveries
                .get(&old.id)
                .is_some_and(|now| now.status == old.status)
        });
        if !unchanged {
            return Ok(Conditional::Refused);
        }
        for old in supersedes {
            t.recovery_links.remove(&old.link_digest);
            if let Some(case) = t.recoveries.get_mut(&old.id) {
                case.status = RecoveryStatus::Expired;
            }
        }
        t.recoveries.insert(recovery.id, recovery.clone());
        t.recovery_links
            .insert(recovery.link_digest.clone(), recovery.id);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn recovery(&self, id: RecoveryId) -> anyhow::Result<Option<Recovery>> {
        Ok(self.tables().recoveries.get(&id).cloned())
    }

    async fn recovery_by_link(&self, digest: &TokenDigest) -> anyhow::Result<Option<Recovery>> {
        let t = self.tables();
        Ok(t.recovery_links
            .get(digest)
            .and_then(|id| t.recoveries.get(id))
            .cloned())
    }

    async fn firm_recoveries(&self, firm: FirmId, limit: usize) -> anyhow::Result<Vec<Recovery>> {
        let mut cases: Vec<Recovery> = self
            .tables()
            .recoveries
            .values()
            .filter(|recovery| recovery.firm_id == firm)
            .cloned()
            .collect();
        cases.sort_by_key(|recovery| std::cmp::Reverse((recovery.created_at, recovery.id)));
        cases.truncate(limit);
        Ok(cases)
    }

    async fn submit_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        self.leave_open(id, RecoveryStatus::PendingVerification, audit, |recovery| {
            recovery.link_is_usable_at(now)
        })
    }

    async fn settle_recovery(
        &self,
        settlement: &RecoverySettlement<'_>,
    ) -> anyhow::Result<Conditional> {
        let user = settlement.recovery.user_id;
        {
            let mut t = self.tables();
            let stale = settlement.outcome == VerificationOutcome::Passed
                && !t.at_version(user, settlement.expected_version);
            if stale {
                return Ok(Conditional::Refused);
            }
            match t.recoveries.get_mut(&settlement.recovery.id) {
                Some(recovery) if recovery.status == RecoveryStatus::PendingVerification => {
                    recovery.status = settlement.outcome.status();
                }
                _ => return Ok(Conditional::Refused),
            }
            if settlement.outcome == VerificationOutcome::Failed {
                t.audit.push(settlement.audit.clone());
                return Ok(Conditional::Applied);
            }
        }
        // A pass: the factors go, the credentials move on and every session
        // ends, audited once.
        let mut t = self.tables();
        t.credential_change(user);
        t.remove_factors(user, settlement.remove);
        t.sessions.retain(|_, session| session.user_id != user);
        t.audit.push(settlement.audit.clone());
        Ok(Conditional::Applied)
    }

    async fn expired_open_recoveries(
        &self,
        now: OffsetDateTime,
        after: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<(Vec<RecoveryId>, Option<String>)> {
        let t = self.tables();
        let mut open: Vec<(String, RecoveryId)> = t
            .recoveries
            .values()
            .filter(|recovery| recovery.status == RecoveryStatus::Open && recovery.expires_at < now)
            .map(|recovery| {
                (
                    format!(
                        "{:012}#{}",
                        recovery.expires_at.unix_timestamp(),
                        recovery.id
                    ),
                    recovery.id,
                )
            })
            .filter(|(key, _)| after.is_none_or(|after| key.as_str() > after))
            .collect();
        open.sort();
        let next = (limit > 0 && open.len() > limit).then(|| open[limit - 1].0.clone());
        open.truncate(limit);
        Ok((open.into_iter().map(|(_, id)| id).collect(), next))
    }

    async fn expire_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        self.leave_open(id, RecoveryStatus::Expired, audit, |recovery| {
            recovery.status == RecoveryStatus::Open && recovery.expires_at <= now
        })
    }
}

impl MemoryStore {
    /// Moves an open case on and spends its link, when `allowed` holds for it.
    fn leave_open(
        &self,
        id: RecoveryId,
        to: RecoveryStatus,
        audit: &AuditEvent,
        allowed: impl FnOnce(&Recovery) -> bool,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let digest = match t.recoveries.get_mut(&id) {
            Some(recovery) if allowed(recovery) => {
                recovery.status = to;
                recovery.link_digest.clone()
            }
            _ => return Ok(Conditional::Refused),
        };
        t.recovery_links.remove(&digest);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }
}
