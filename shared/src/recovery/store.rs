//! What account recovery stores: the recovery cases.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, FirmId, TokenDigest, UserId};

use crate::domain::RecoveryId;
use crate::mfa::MfaMethod;
use crate::recovery::{Recovery, VerificationOutcome};

use crate::ports::Conditional;

/// Account-recovery cases and their links.
#[async_trait]
pub trait RecoveryStore: Send + Sync {
    /// Stores a new case, its link and the audit entry, and closes the cases it
    /// supersedes (still open or pending; their links die), at once. `Refused`
    /// when one of those moved on meanwhile.
    async fn put_recovery(
        &self,
        recovery: &Recovery,
        supersedes: &[Recovery],
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    async fn recovery(&self, id: RecoveryId) -> anyhow::Result<Option<Recovery>>;
    /// The case whose link has this digest, while the link is unspent.
    async fn recovery_by_link(&self, digest: &TokenDigest) -> anyhow::Result<Option<Recovery>>;
    /// The firm's cases, newest first, at most `limit`.
    async fn firm_recoveries(&self, firm: FirmId, limit: usize) -> anyhow::Result<Vec<Recovery>>;
    /// Spends the link and moves the case to pending verification, on condition
    /// that it is open and unexpired at `now`: of two submissions, at most one
    /// is `Applied`.
    async fn submit_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Records the identity check's result on condition that the case is pending
    /// verification; a pass also removes `remove`, moves the user's credential
    /// version on (on condition that it is still `expected_version`) and ends
    /// every session of the user, all at once. A replayed result is `Refused` and changes nothing.
    async fn settle_recovery(
        &self,
        settlement: &RecoverySettlement<'_>,
    ) -> anyhow::Result<Conditional>;
    /// A page of open cases whose link expired before `now`, oldest first, and
    /// where the next page starts.
    async fn expired_open_recoveries(
        &self,
        now: OffsetDateTime,
        after: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<(Vec<RecoveryId>, Option<String>)>;
    /// Marks an open case whose link expired before `now` as expired; `Refused`
    /// when it is no longer open (the job ran already, or the link was used).
    async fn expire_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
}

/// The result of an identity check, as [`RecoveryStore::settle_recovery`] applies it.
#[derive(Debug)]
pub struct RecoverySettlement<'a> {
    pub recovery: &'a Recovery,
    pub outcome: VerificationOutcome,
    /// The administrator who decided; `None` for a provider's callback.
    pub decided_by: Option<UserId>,
    pub decided_at: OffsetDateTime,
    pub note: Option<&'a str>,
    /// The second factors to remove on a pass, as read at `expected_version`.
    pub remove: &'a [MfaMethod],
    pub expected_version: u64,
    pub audit: &'a AuditEvent,
}
