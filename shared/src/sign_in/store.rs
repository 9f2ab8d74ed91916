//! What signing in stores: one-time links, sessions, trusted browsers, limit counters.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, TokenDigest};

use crate::sign_in::{LinkKind, OneTimeLink, Session, TrustedDevice};

use crate::ports::Conditional;

#[async_trait]
pub trait LinkStore: Send + Sync {
    async fn put_link(
        &self,
        kind: LinkKind,
        link: &OneTimeLink,
        audit: &AuditEvent,
    ) -> anyhow::Result<()>;
    async fn link(
        &self,
        kind: LinkKind,
        digest: &TokenDigest,
    ) -> anyhow::Result<Option<OneTimeLink>>;
    /// Marks the link used and starts the session in one transaction, on condition
    /// that the link is unused and unexpired at `now`: of concurrent redemptions, at
    /// most one is `Applied`.
    async fn redeem_login_link(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
        session: &Session,
        audit: &[AuditEvent],
    ) -> anyhow::Result<Conditional>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn put_trusted_device(&self, device: &TrustedDevice) -> anyhow::Result<()>;
    async fn trusted_device(&self, digest: &TokenDigest) -> anyhow::Result<Option<TrustedDevice>>;
    async fn session(&self, digest: &TokenDigest) -> anyhow::Result<Option<Session>>;
    /// Records activity; `Refused` when the session was revoked meanwhile.
    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Stores a new session with the audit entries of its sign-in.
    async fn start_session(&self, session: &Session, audit: &[AuditEvent]) -> anyhow::Result<()>;
    async fn revoke_session(&self, digest: &TokenDigest, audit: &AuditEvent) -> anyhow::Result<()>;
}

/// Counters of attempts that a limit bounds (see [`crate::sign_in::limits`]).
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Takes one of the `max` slots of the counter `key`, on condition that fewer
    /// than `max` are taken: of any number of concurrent takers, at most `max`
    /// are `Applied`. The counter is kept at least until `expires_at`.
    async fn take_slot(
        &self,
        key: &str,
        max: u64,
        expires_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Gives one taken slot back: an attempt that turned out not to count.
    async fn give_back_slot(&self, key: &str) -> anyhow::Result<()>;
    /// How many slots of the counter `key` are taken.
    async fn slots_taken(&self, key: &str) -> anyhow::Result<u64>;
}
