//! Login links, sessions, trusted browsers and limit counters on the DynamoDB table.

use anyhow::Context;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::aws::items::{Item, Reader, epoch, item, n, s};
use crate::aws::keys::schema::{PK, SK, TTL};
use crate::aws::keys::{link_pk, session_item, session_pk};
use crate::aws::table::{DynamoStore, conditional};
use crate::domain::{AuditEvent, Role, TokenDigest, UserId};
use crate::ports::Conditional;
use crate::sign_in::{CounterStore, LinkStore, SessionStore};
use crate::sign_in::{LinkKind, OneTimeLink, Session, TrustedDevice};

pub(crate) fn read_link(digest: &TokenDigest, item: &Item) -> anyhow::Result<OneTimeLink> {
    let r = Reader(item);
    Ok(OneTimeLink {
        digest: digest.clone(),
        user_id: r.parsed("user_id", UserId::parse)?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        used_at: r.optional_time("used_at")?,
        credential_version: r.count("credential_version")?,
    })
}

pub(crate) fn read_session(digest: &TokenDigest, item: &Item) -> anyhow::Result<Session> {
    let r = Reader(item);
    Ok(Session {
        digest: digest.clone(),
        user_id: r.parsed("user_id", UserId::parse)?,
        role: r.parsed("role", |raw| Role::parse(raw).ok_or(()))?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        last_seen_at: r.time("last_seen_at")?,
        idle_timeout: time::Duration::seconds(r.number("idle_timeout_seconds")?),
        enrollment_only: r.flag("enrollment_only")?,
        credential_version: r.count("credential_version")?,
    })
}

#[async_trait]
impl LinkStore for DynamoStore {
    async fn put_link(
        &self,
        kind: LinkKind,
        link: &OneTimeLink,
        audit: &AuditEvent,
    ) -> anyhow::Result<()> {
        let record = item([
            (PK, s(link_pk(kind, &link.digest))),
            (SK, s(kind.as_str())),
            ("user_id", s(link.user_id.to_string())),
            ("created_at", epoch(link.created_at)),
            ("expires_at", epoch(link.expires_at)),
            ("credential_version", n(link.credential_version)),
            (TTL, epoch(link.expires_at)),
        ]);
        match self
            .transact(vec![
                self.put(record, Some("attribute_not_exists(pk)"))?,
                self.audit_put(audit)?,
            ])
            .await?
        {
            Conditional::Applied => Ok(()),
            Conditional::Refused => anyhow::bail!("a link with this digest exists already"),
        }
    }

    async fn link(
        &self,
        kind: LinkKind,
        digest: &TokenDigest,
    ) -> anyhow::Result<Option<OneTimeLink>> {
        self.get(link_pk(kind, digest), kind.as_str())
            .await?
            .map(|item| read_link(digest, &item))
            .transpose()
    }

    async fn redeem_login_link(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
        session: &Session,
        audit: &[AuditEvent],
    ) -> anyhow::Result<Conditional> {
        let mut items = vec![
            self.spend_link(LinkKind::Login, digest, now)?,
            self.put(session_item(session), Some("attribute_not_exists(pk)"))?,
        ];
        for event in audit {
            items.push(self.audit_put(event)?);
        }
        self.transact(items).await
    }
}

pub(crate) fn trusted_pk(digest: &TokenDigest) -> String {
    format!("TRUSTED#{digest}")
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn put_trusted_device(&self, device: &TrustedDevice) -> anyhow::Result<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item([
                (PK, s(trusted_pk(&device.digest))),
                (SK, s("TRUSTED")),
                ("user_id", s(device.user_id.to_string())),
                ("created_at", epoch(device.created_at)),
                ("expires_at", epoch(device.expires_at)),
                ("credential_version", n(device.credential_version)),
                (TTL, epoch(device.expires_at)),
            ])))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .context("PutItem trusted device")?;
        Ok(())
    }

    async fn trusted_device(&self, digest: &TokenDigest) -> anyhow::Result<Option<TrustedDevice>> {
        let Some(item) = self.get(trusted_pk(digest), "TRUSTED").await? else {
            return Ok(None);
        };
        let r = Reader(&item);
        Ok(Some(TrustedDevice {
            digest: digest.clone(),
            user_id: r.parsed("user_id", UserId::parse)?,
            created_at: r.time("created_at")?,
            expires_at: r.time("expires_at")?,
            credential_version: r.count("credential_version")?,
        }))
    }

    async fn session(&self, digest: &TokenDigest) -> anyhow::Result<Option<Session>> {
        self.get(session_pk(digest), "SESSION")
            .await?
            .map(|item| read_session(digest, &item))
            .transpose()
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(session_pk(digest), "SESSION")))
            .update_expression("SET last_seen_at = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", epoch(now))
            .send()
            .await;
        conditional(result, "UpdateItem session")
    }

    async fn start_session(&self, session: &Session, audit: &[AuditEvent]) -> anyhow::Result<()> {
        let mut items = vec![self.put(session_item(session), Some("attribute_not_exists(pk)"))?];
        for event in audit {
            items.push(self.audit_put(event)?);
        }
        match self.transact(items).await? {
            Conditional::Applied => Ok(()),
            Conditional::Refused => anyhow::bail!("a session with this digest exists already"),
        }
    }

    async fn revoke_session(&self, digest: &TokenDigest, audit: &AuditEvent) -> anyhow::Result<()> {
        self.transact(vec![self.session_delete(digest)?, self.audit_put(audit)?])
            .await?;
        Ok(())
    }
}

pub(crate) fn counter_pk(key: &str) -> String {
    format!("RATE#{key}")
}

#[async_trait]
impl CounterStore for DynamoStore {
    async fn take_slot(
        &self,
        key: &str,
        max: u64,
        expires_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(counter_pk(key), "RATE")))
            .update_expression("ADD taken :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(taken) OR taken < :max")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(max))
            .expression_attribute_values(":ttl", epoch(expires_at))
            .send()
            .await;
        conditional(result, "UpdateItem take a slot")
    }

    async fn give_back_slot(&self, key: &str) -> anyhow::Result<()> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(counter_pk(key), "RATE")))
            .update_expression("ADD taken :minus_one")
            .condition_expression("taken > :zero")
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        // Refused: the counter was reset meanwhile, and there is nothing to give back.
        conditional(result, "UpdateItem give a slot back").map(|_| ())
    }

    async fn slots_taken(&self, key: &str) -> anyhow::Result<u64> {
        Ok(self
            .get(counter_pk(key), "RATE")
            .await?
            .map(|item| Reader(&item).number("taken"))
            .transpose()?
            .map_or(0, |taken| taken.max(0) as u64))
    }
}
