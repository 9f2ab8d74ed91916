//! Account-recovery cases. A case is one item, listed per firm through the index;
//! its unspent link is an item keyed by the link's digest; an open case also has
//! an item in the `OPENRECOVERY` partition, sorted by expiry, for the hourly job.

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use time::OffsetDateTime;

use crate::aws::items::{Item, Reader, epoch, item, s};
use crate::aws::keys::firm_pk;
use crate::aws::keys::schema::{GSI1_PK, GSI1_SK, PK, SK, TTL};
use crate::aws::table::{DynamoStore, Phones};
use crate::domain::{AuditEvent, FirmId, RecoveryId, TokenDigest, UserId};
use crate::ports::Conditional;
use crate::recovery::{Recovery, RecoveryStatus, VerificationOutcome};
use crate::recovery::{RecoverySettlement, RecoveryStore};

pub(crate) const CASE: &str = "RECOVERY";
pub(crate) const OPEN: &str = "OPENRECOVERY";

pub(crate) fn case_pk(id: RecoveryId) -> String {
    format!("RECOVERY#{id}")
}

pub(crate) fn link_pk(digest: &TokenDigest) -> String {
    format!("RECOVERYLINK#{digest}")
}

pub(crate) fn firm_index(firm: FirmId) -> String {
    format!("RECOVERIES#{}", firm_pk(firm))
}

/// Sorts by time, then id: zero-padded seconds sort as numbers do.
pub(crate) fn time_key(at: OffsetDateTime, id: RecoveryId) -> String {
    format!("{:012}#{id}", at.unix_timestamp().max(0))
}

pub(crate) fn case_item(recovery: &Recovery) -> Item {
    let mut case = item([
        (PK, s(case_pk(recovery.id))),
        (SK, s(CASE)),
        (GSI1_PK, s(firm_index(recovery.firm_id))),
        (GSI1_SK, s(time_key(recovery.created_at, recovery.id))),
        ("id", s(recovery.id.to_string())),
        ("user_id", s(recovery.user_id.to_string())),
        ("firm_id", s(recovery.firm_id.to_string())),
        ("status", s(recovery.status.as_str())),
        ("link_digest", s(recovery.link_digest.as_str())),
        ("provider", s(recovery.provider.as_str())),
        ("created_at", epoch(recovery.created_at)),
        ("expires_at", epoch(recovery.expires_at)),
    ]);
    if let Some(admin) = recovery.opened_by {
        case.insert("opened_by".into(), s(admin.to_string()));
    }
    case
}

pub(crate) fn read_case(item: &Item) -> anyhow::Result<Recovery> {
    let r = Reader(item);
    Ok(Recovery {
        id: r.parsed("id", RecoveryId::parse)?,
        user_id: r.parsed("user_id", UserId::parse)?,
        firm_id: r.parsed("firm_id", FirmId::parse)?,
        status: r.parsed("status", |raw| RecoveryStatus::parse(raw).ok_or(()))?,
        link_digest: r.parsed("link_digest", |raw| TokenDigest::from_stored(raw).ok_or(()))?,
        provider: r.string("provider")?.to_owned(),
        opened_by: match item.get("opened_by") {
            Some(_) => Some(r.parsed("opened_by", UserId::parse)?),
            None => None,
        },
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
    })
}

impl DynamoStore {
    /// Moves an open case to `to`, on condition that it is open and its expiry
    /// compares to `now` as `comparison` says.
    fn leave_open_update(
        &self,
        id: RecoveryId,
        to: RecoveryStatus,
        (comparison, now): (&str, OffsetDateTime),
    ) -> anyhow::Result<TransactWriteItem> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(case_pk(id), CASE)))
            .update_expression("SET #status = :to")
            .condition_expression(format!("#status = :open AND expires_at {comparison} :now"))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":open", s(RecoveryStatus::Open.as_str()))
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":now", epoch(now))
            .build()?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Moves an open case to `to`, on condition that it is still open and its
    /// expiry compares to `now` as `expiry` says, and deletes its link and its
    /// place in the expiry job's queue, at once.
    async fn leave_open(
        &self,
        id: RecoveryId,
        to: RecoveryStatus,
        expiry: (&str, OffsetDateTime),
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let Some(recovery) = self.recovery(id).await? else {
            return Ok(Conditional::Refused);
        };
        let mut items = vec![
            self.leave_open_update(id, to, expiry)?,
            self.audit_put(audit)?,
        ];
        items.extend(self.link_deletes(&recovery)?);
        self.transact(items).await
    }

    /// Deletes the case's link and its place in the expiry job's queue.
    fn link_deletes(&self, recovery: &Recovery) -> anyhow::Result<Vec<TransactWriteItem>> {
        [
            Self::key(link_pk(&recovery.link_digest), "LINK"),
            Self::key(OPEN.to_owned(), &time_key(recovery.expires_at, recovery.id)),
        ]
        .into_iter()
        .map(|key| {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key))
                .build()?;
            Ok(TransactWriteItem::builder().delete(delete).build())
        })
        .collect()
    }
}

#[async_trait]
impl RecoveryStore for DynamoStore {
    async fn put_recovery(
        &self,
        recovery: &Recovery,
        supersedes: &[Recovery],
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let link = item([
            (PK, s(link_pk(&recovery.link_digest))),
            (SK, s("LINK")),
            ("recovery_id", s(recovery.id.to_string())),
            (TTL, epoch(recovery.expires_at)),
        ]);
        let queued = item([
            (PK, s(OPEN)),
            (SK, s(time_key(recovery.expires_at, recovery.id))),
            ("recovery_id", s(recovery.id.to_string())),
        ]);
        let mut items = vec![
            self.put(case_item(recovery), Some("attribute_not_exists(pk)"))?,
            self.put(link, Some("attribute_not_exists(pk)"))?,
            self.put(queued, None)?,
            self.audit_put(audit)?,
        ];
        for old in supersedes {
            let close = Update::builder()
                .table_name(&self.table)
                .set_key(Some(Self::key(case_pk(old.id), CASE)))
                .update_expression("SET #status = :expired")
                .condition_expression("#status = :was")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":was", s(old.status.as_str()))
                .expression_attribute_values(":expired", s(RecoveryStatus::Expired.as_str()))
                .build()?;
            items.push(TransactWriteItem::builder().update(close).build());
            if old.status == RecoveryStatus::Open {
                items.extend(self.link_deletes(old)?);
            }
        }
        self.transact(items).await
    }

    async fn recovery(&self, id: RecoveryId) -> anyhow::Result<Option<Recovery>> {
        self.get(case_pk(id), CASE)
            .await?
            .map(|item| read_case(&item))
            .transpose()
    }

    async fn recovery_by_link(&self, digest: &TokenDigest) -> anyhow::Result<Option<Recovery>> {
        let Some(link) = self.get(link_pk(digest), "LINK").await? else {
            return Ok(None);
        };
        let id = Reader(&link).parsed("recovery_id", RecoveryId::parse)?;
        Ok(self
            .recovery(id)
            .await?
            .filter(|recovery| recovery.link_digest == *digest))
    }

    async fn firm_recoveries(&self, firm: FirmId, limit: usize) -> anyhow::Result<Vec<Recovery>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(crate::aws::keys::schema::GSI1)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", GSI1_PK)
            .expression_attribute_values(":pk", s(firm_index(firm)))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .context("Query the firm's recoveries")?;
        output.items().iter().map(read_case).collect()
    }

    async fn submit_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        self.leave_open(id, RecoveryStatus::PendingVerification, (">", now), audit)
            .await
    }

    async fn settle_recovery(
        &self,
        settlement: &RecoverySettlement<'_>,
    ) -> anyhow::Result<Conditional> {
        let recovery = settlement.recovery;
        let to = settlement.outcome.status();
        let mut decide = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(case_pk(recovery.id), CASE)))
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":from", s(RecoveryStatus::PendingVerification.as_str()))
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":at", epoch(settlement.decided_at));
        let mut set = vec!["#status = :to", "decided_at = :at"];
        if let Some(admin) = settlement.decided_by {
            set.push("decided_by = :by");
            decide = decide.expression_attribute_values(":by", s(admin.to_string()));
        }
        if let Some(note) = settlement.note {
            set.push("note = :note");
            decide = decide.expression_attribute_values(":note", AttributeValue::S(note.into()));
        }
        let decide = decide
            .update_expression(format!("SET {}", set.join(", ")))
            .build()?;
        let mut items = vec![
            TransactWriteItem::builder().update(decide).build(),
            self.audit_put(settlement.audit)?,
        ];
        match settlement.outcome {
            VerificationOutcome::Passed => {
                items.push(self.credential_change(
                    recovery.user_id,
                    Some(settlement.expected_version),
                    Phones::after_removing(settlement.remove),
                )?);
                items.extend(
                    self.mfa_removal(recovery.user_id, settlement.remove)
                        .await?,
                );
                self.transact_ending_sessions(items, recovery.user_id, None)
                    .await
            }
            VerificationOutcome::Failed => self.transact(items).await,
        }
    }

    async fn expired_open_recoveries(
        &self,
        now: OffsetDateTime,
        after: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<(Vec<RecoveryId>, Option<String>)> {
        let start = after.map(|sk| Self::key(OPEN.to_owned(), sk));
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk < :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(OPEN))
            .expression_attribute_values(":now", s(format!("{:012}", now.unix_timestamp().max(0))))
            .set_exclusive_start_key(start)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .consistent_read(true)
            .send()
            .await
            .context("Query expired recovery links")?;
        let ids = output
            .items()
            .iter()
            .map(|queued| Reader(queued).parsed("recovery_id", RecoveryId::parse))
            .collect::<anyhow::Result<_>>()?;
        let next = output
            .last_evaluated_key()
            .and_then(|key| key.get(SK))
            .and_then(|sk| sk.as_s().ok())
            .cloned();
        Ok((ids, next))
    }

    async fn expire_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        self.leave_open(id, RecoveryStatus::Expired, ("<=", now), audit)
            .await
    }
}
