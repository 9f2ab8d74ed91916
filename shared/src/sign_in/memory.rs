//! Login links, sessions, trusted browsers and limit counters in memory.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, TokenDigest};
use crate::fakes::MemoryStore;
use crate::ports::Conditional;
use crate::sign_in::{CounterStore, LinkStore, SessionStore};
use crate::sign_in::{LinkKind, OneTimeLink, Session, TrustedDevice};

#[async_trait]
impl LinkStore for MemoryStore {
    async fn put_link(
        &self,
        kind: LinkKind,
        link: &OneTimeLink,
        audit: &AuditEvent,
    ) -> anyhow::Result<()> {
        let mut t = self.tables();
        let key = (kind.as_str(), link.digest.clone());
        if t.links.contains_key(&key) {
            anyhow::bail!("a link with this digest exists already");
        }
        t.links.insert(key, link.clone());
        t.audit.push(audit.clone());
        Ok(())
    }

    async fn link(
        &self,
        kind: LinkKind,
        digest: &TokenDigest,
    ) -> anyhow::Result<Option<OneTimeLink>> {
        Ok(self
            .tables()
            .links
            .get(&(kind.as_str(), digest.clone()))
            .cloned())
    }

    async fn redeem_login_link(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
        session: &Session,
        audit: &[AuditEvent],
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.links.get_mut(&(LinkKind::Login.as_str(), digest.clone())) {
            Some(link) if link.is_redeemable_at(now) => link.used_at = Some(now),
            _ => return Ok(Conditional::Refused),
        }
        t.sessions.insert(session.digest.clone(), session.clone());
        t.audit.extend_from_slice(audit);
        Ok(Conditional::Applied)
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn put_trusted_device(&self, device: &TrustedDevice) -> anyhow::Result<()> {
        self.tables()
            .trusted_devices
            .insert(device.digest.clone(), device.clone());
        Ok(())
    }

    async fn trusted_device(&self, digest: &TokenDigest) -> anyhow::Result<Option<TrustedDevice>> {
        Ok(self.tables().trusted_devices.get(digest).cloned())
    }

    async fn session(&self, digest: &TokenDigest) -> anyhow::Result<Option<Session>> {
        Ok(self.tables().sessions.get(digest).cloned())
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        Ok(match self.tables().sessions.get_mut(digest) {
            Some(session) => {
                session.last_seen_at = now;
                Conditional::Applied
            }
            None => Conditional::Refused,
        })
    }

    async fn start_session(&self, session: &Session, audit: &[AuditEvent]) -> anyhow::Result<()> {
        let mut t = self.tables();
        if t.sessions.contains_key(&session.digest) {
            anyhow::bail!("a session with this digest exists already");
        }
        t.sessions.insert(session.digest.clone(), session.clone());
        t.audit.extend_from_slice(audit);
        Ok(())
    }

    async fn revoke_session(&self, digest: &TokenDigest, audit: &AuditEvent) -> anyhow::Result<()> {
        let mut t = self.tables();
        t.sessions.remove(digest);
        t.audit.push(audit.clone());
        Ok(())
    }
}

#[async_trait]
impl CounterStore for MemoryStore {
    async fn take_slot(
        &self,
        key: &str,
        max: u64,
        _expires_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let taken = t.counters.entry(key.to_owned()).or_default();
        if *taken >= max {
            return Ok(Conditional::Refused);
        }
        *taken += 1;
        Ok(Conditional::Applied)
    }

    async fn give_back_slot(&self, key: &str) -> anyhow::Result<()> {
        if let Some(taken) = self.tables().counters.get_mut(key) {
            *taken = taken.saturating_sub(1);
        }
        Ok(())
    }

    async fn slots_taken(&self, key: &str) -> anyhow::Result<u64> {
        Ok(self.tables().counters.get(key).copied().unwrap_or_default())
    }
}
