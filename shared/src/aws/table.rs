//! The store on one DynamoDB table (single-table design).
//!
//! | item | pk | sk | gsi1pk / gsi1sk |
//! | --- | --- | --- | --- |
//! | firm | `FIRM#id` | `PROFILE` | |
//! | user | `USER#id` | `PROFILE` | `FIRM#firm` / `USER#id` |
//! | email claim | `EMAIL#address` | `EMAIL` | |
//! | client of another firm | `FIRM#firm` | `CLIENT#user` | |
//! | case | `CASE#id` | `CASE` | `FIRM#firm` / `CASE#id` |
//! | membership | `CASE#id` | `MEMBER#user` | `USER#user` / `CASE#id` |
//! | upload | `CASE#id` | `UPLOAD#id` | `UNANNOUNCED` / `time#case#id` until announced |
//! | document | `CASE#id` | `DOC#id` (time-ordered) | |
//! | notice claim | `NOTICE#what#whom` | `NOTICE` | |
//! | authenticator app | `USER#user` | `TOTP` | |
//! | backup code | `USER#user` | `BACKUP#digest` | |
//! | MFA challenge | `MFA#digest` | `MFA` | |
//! | login link | `LOGINLINK#digest` | `LOGINLINK` | |
//! | session | `SESSION#digest` | `SESSION` | `USER#user` / `SESSION#digest` |
//! | trusted browser | `TRUSTED#digest` | `TRUSTED` | |
//! | limit counter | `RATE#scope#digest[#window]` | `RATE` | |
//! | audit entry | `AUDIT#user` | `time#uuid` | |
//!
//! Every one-time secret is consumed by a conditional write, and expiry is checked
//! in code on read as well: the `ttl` attribute only lets DynamoDB collect garbage.

use std::time::Duration as StdDuration;

use anyhow::Context;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, Put, TransactWriteItem, Update, WriteRequest,
};
use time::OffsetDateTime;

use crate::aws::items::{Item, Reader, epoch, item, n, s};
use crate::aws::keys::schema::{GSI1, GSI1_PK, GSI1_SK, PK, SK};
use crate::aws::keys::{audit_item, link_pk, session_pk, user_pk};
use crate::domain::{AuditEvent, TokenDigest, UserId};
use crate::ports::Conditional;
use crate::sign_in::LinkKind;

#[derive(Debug, Clone)]
pub struct DynamoStore {
    pub(crate) client: Client,
    pub(crate) table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: String) -> Self {
        Self { client, table }
    }

    pub(crate) fn key(pk: String, sk: &str) -> Item {
        item([(PK, s(pk)), (SK, s(sk))])
    }

    pub(crate) async fn get(&self, pk: String, sk: &str) -> anyhow::Result<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .context("GetItem")?;
        Ok(output.item)
    }

    pub(crate) fn put(
        &self,
        item: Item,
        condition: Option<&str>,
    ) -> anyhow::Result<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned))
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Marks a one-time link used, on condition that it is unused and unexpired.
    pub(crate) fn spend_link(
        &self,
        kind: LinkKind,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> anyhow::Result<TransactWriteItem> {
        let spend = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(link_pk(kind, digest), kind.as_str())))
            .update_expression("SET used_at = :now")
            .condition_expression(
                "attribute_exists(pk) AND attribute_not_exists(used_at) AND expires_at > :now",
            )
            .expression_attribute_values(":now", epoch(now))
            .build()?;
        Ok(TransactWriteItem::builder().update(spend).build())
    }

    pub(crate) fn session_delete(&self, digest: &TokenDigest) -> anyhow::Result<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(session_pk(digest), "SESSION")))
            .build()?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Moves the user's credential version on, on condition (with `expected`)
    /// that it is still the version the caller read, and keeps the count of
    /// their phones: a new phone is counted on condition that there is room.
    pub(crate) fn credential_change(
        &self,
        user: UserId,
        expected: Option<u64>,
        phones: Phones,
    ) -> anyhow::Result<TransactWriteItem> {
        let mut conditions = vec!["attribute_exists(pk)".to_owned()];
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(user), "PROFILE")))
            .expression_attribute_values(":one", n(1));
        let update = match phones {
            Phones::Unchanged => update.update_expression("ADD credential_version :one"),
            Phones::OneMore { max } => {
                conditions.push(
                    "(attribute_not_exists(push_devices) OR push_devices < :max_phones)".into(),
                );
                update
                    .update_expression("ADD credential_version :one, push_devices :one")
                    .expression_attribute_values(":max_phones", n(max))
            }
            Phones::NoneLeft => {
                update.update_expression("ADD credential_version :one REMOVE push_devices")
            }
        };
        let update = match expected {
            Some(version) => {
                conditions.push(at_version(version).to_owned());
                update.expression_attribute_values(":version", n(version))
            }
            None => update,
        };
        let update = update.condition_expression(conditions.join(" AND "));
        Ok(TransactWriteItem::builder().update(update.build()?).build())
    }

    /// A condition that the user's credentials are still at `version`.
    pub(crate) fn credentials_at(
        &self,
        user: UserId,
        version: u64,
    ) -> anyhow::Result<TransactWriteItem> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(user), "PROFILE")))
            .condition_expression(at_version(version))
            .expression_attribute_values(":version", n(version))
            .build()?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// Every item of the index partition `pk` whose sort key starts with
    /// `sk_prefix`, page after page.
    pub(crate) async fn index_items(
        &self,
        pk: String,
        sk_prefix: &str,
    ) -> anyhow::Result<Vec<Item>> {
        self.index_query(pk, "begins_with(#sk, :sk)", sk_prefix)
            .await
    }

    /// Every item of the index partition `pk` whose sort key meets `sk_condition`
    /// (written with `#sk` and `:sk`, the latter bound to `sk`), page after page.
    pub(crate) async fn index_query(
        &self,
        pk: String,
        sk_condition: &str,
        sk: &str,
    ) -> anyhow::Result<Vec<Item>> {
        self.query_partition(Some(GSI1), pk, Some((sk_condition, sk)))
            .await
    }

    /// Every item of the table partition `pk` whose sort key starts with
    /// `sk_prefix`, page after page, read consistently.
    pub(crate) async fn partition_items(
        &self,
        pk: String,
        sk_prefix: &str,
    ) -> anyhow::Result<Vec<Item>> {
        self.query_partition(None, pk, Some(("begins_with(#sk, :sk)", sk_prefix)))
            .await
    }

    /// Every item of the partition `pk` of the table (read consistently) or of
    /// `index`, page after page; only those whose sort key meets the condition
    /// when one is given (written with `#sk` and `:sk`, the latter bound to the
    /// value given with it).
    pub(crate) async fn query_partition(
        &self,
        index: Option<&str>,
        pk: String,
        sk: Option<(&str, &str)>,
    ) -> anyhow::Result<Vec<Item>> {
        let (pk_name, sk_name) = match index {
            Some(_) => (GSI1_PK, GSI1_SK),
            None => (PK, SK),
        };
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_owned))
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", s(pk))
            .set_consistent_read(index.is_none().then_some(true));
        query = match sk {
            Some((condition, value)) => query
                .key_condition_expression(format!("#pk = :pk AND {condition}"))
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":sk", s(value)),
            None => query.key_condition_expression("#pk = :pk"),
        };
        let mut pages = query.into_paginator().items().send();
        let mut items = Vec::new();
        while let Some(item) = pages.next().await {
            items.push(
                item.with_context(|| {
                    format!("Query {} on {pk_name}", index.unwrap_or("the table"))
                })?,
            );
        }
        Ok(items)
    }

    /// Writes `requests` 25 at a time (BatchWriteItem's most), sending again,
    /// after a growing pause, whatever DynamoDB left unprocessed.
    pub(crate) async fn batch_write(&self, requests: Vec<WriteRequest>) -> anyhow::Result<()> {
        for chunk in requests.chunks(25) {
            let mut pending = chunk.to_vec();
            let mut attempt: u64 = 0;
            while !pending.is_empty() {
                if attempt > 0 {
                    tokio::time::sleep(StdDuration::from_millis(50 * attempt.min(20))).await;
                }
                attempt += 1;
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .context("BatchWriteItem")?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .unwrap_or_default();
            }
        }
        Ok(())
    }

    /// The digests of the user's sessions, from the index.
    pub(crate) async fn sessions_of(&self, user: UserId) -> anyhow::Result<Vec<TokenDigest>> {
        self.index_items(user_pk(user), "SESSION#")
            .await?
            .iter()
            .map(|session| {
                Reader(session)
                    .string(GSI1_SK)?
                    .strip_prefix("SESSION#")
                    .and_then(TokenDigest::from_stored)
                    .context("a session key in the index is malformed")
            })
            .collect()
    }

    /// Runs the transaction with the user's other sessions ended in it. A
    /// transaction takes 100 items: the sessions that do not fit (nobody has that
    /// many) are ended right after it, before the change is reported done.
    pub(crate) async fn transact_ending_sessions(
        &self,
        mut items: Vec<TransactWriteItem>,
        user: UserId,
        keep: Option<&TokenDigest>,
    ) -> anyhow::Result<Conditional> {
        let ended: Vec<TokenDigest> = self
            .sessions_of(user)
            .await?
            .into_iter()
            .filter(|digest| Some(digest) != keep)
            .collect();
        let (now, later) = ended.split_at(ended.len().min(100usize.saturating_sub(items.len())));
        for digest in now {
            items.push(self.session_delete(digest)?);
        }
        if self.transact(items).await? == Conditional::Refused {
            return Ok(Conditional::Refused);
        }
        for digest in later {
            self.transact(vec![self.session_delete(digest)?]).await?;
        }
        Ok(Conditional::Applied)
    }

    pub(crate) fn audit_put(&self, event: &AuditEvent) -> anyhow::Result<TransactWriteItem> {
        self.put(audit_item(event), Some("attribute_not_exists(pk)"))
    }

    /// Runs a transaction. `Refused` when a condition did not hold. A conflict with
    /// another transaction on the same items is retried a few times, so that the
    /// loser of a race sees the winner's write and is refused by its condition.
    pub(crate) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> anyhow::Result<Conditional> {
        let mut attempt = 0;
        loop {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let Err(err) = result else {
                log_security_events(&items);
                return Ok(Conditional::Applied);
            };
            match cancellation(&err) {
                Some(Cancellation::ConditionFailed) => return Ok(Conditional::Refused),
                Some(Cancellation::Conflict) if attempt < 3 => {
                    attempt += 1;
                    tokio::time::sleep(StdDuration::from_millis(20 * attempt)).await;
                }
                _ => return Err(err).context("TransactWriteItems"),
            }
        }
    }
}

/// A conditional write's outcome (PutItem, UpdateItem, DeleteItem): `Refused`
/// when its condition did not hold.
pub(crate) fn conditional<T, E>(
    result: Result<T, SdkError<E>>,
    what: &'static str,
) -> anyhow::Result<Conditional>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(Conditional::Applied),
        Err(err) if err.code() == Some("ConditionalCheckFailedException") => {
            Ok(Conditional::Refused)
        }
        Err(err) => Err(err).context(what),
    }
}

pub(crate) enum Cancellation {
    ConditionFailed,
    Conflict,
}

pub(crate) fn cancellation(err: &SdkError<TransactWriteItemsError>) -> Option<Cancellation> {
    let TransactWriteItemsError::TransactionCanceledException(cancelled) =
        err.as_service_error()?
    else {
        return None;
    };
    let codes: Vec<&str> = cancelled
        .cancellation_reasons()
        .iter()
        .filter_map(|reason| reason.code())
        .collect();
    if codes.contains(&"ConditionalCheckFailed") {
        Some(Cancellation::ConditionFailed)
    } else if codes.contains(&"TransactionConflict") {
        Some(Cancellation::Conflict)
    } else {
        None
    }
}

/// What a change of credentials does to the count of the user's phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phones {
    Unchanged,
    /// One more, of at most `max`.
    OneMore {
        max: u64,
    },
    /// Every phone is removed.
    NoneLeft,
}

impl Phones {
    pub(crate) fn after_removing(methods: &[crate::mfa::MfaMethod]) -> Self {
        match methods.contains(&crate::mfa::MfaMethod::Push) {
            true => Self::NoneLeft,
            false => Self::Unchanged,
        }
    }
}

/// The condition (on `:version`) that an item's credential version is `version`;
/// users written before versions existed are at 0.
/// The condition that the user exists with credentials at `version` (a user
/// never changed has no `credential_version` yet).
pub(crate) fn at_version(version: u64) -> &'static str {
    match version {
        0 => {
            "(attribute_exists(pk) AND (attribute_not_exists(credential_version) OR credential_version = :version))"
        }
        _ => "credential_version = :version",
    }
}

/// The audit events a committed transaction wrote, each logged as a line of its
/// own (the audit trail stays the record; the line is for the function's logs and
/// their alarms): the kind, whose account and who acted, never an address or a
/// detail.
fn log_security_events(items: &[TransactWriteItem]) {
    for (kind, subject, actor) in security_events(items) {
        tracing::info!(event = kind, user_id = subject, actor, "security event");
    }
}

/// The audit items among `items` (only they have a `kind`): kind, subject, actor.
fn security_events(items: &[TransactWriteItem]) -> Vec<(&str, &str, Option<&str>)> {
    items
        .iter()
        .filter_map(|item| {
            let attributes = &item.put()?.item;
            let text = |name: &str| attributes.get(name)?.as_s().ok().map(String::as_str);
            let kind = text("kind")?;
            Some((kind, text(PK)?.strip_prefix("USER#")?, text("actor")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AuditKind;

    #[test]
    fn the_audit_items_of_a_transaction_are_its_security_events() {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .build();
        let store = DynamoStore::new(Client::from_conf(config), "portcullis".into());
        let (user, admin) = (UserId::new(), UserId::new());
        let now = OffsetDateTime::now_utc();
        let mut disabled = AuditEvent::new(AuditKind::MfaRemoved, now, user)
            .from_ip(Some("203.0.113.9"))
            .with_detail("by an administrator");
        disabled.actor = Some(admin);
        let items = vec![
            store
                .put(item([(PK, s(user_pk(user))), (SK, s("PROFILE"))]), None)
                .unwrap(),
            store.audit_put(&disabled).unwrap(),
            store
                .audit_put(&AuditEvent::new(AuditKind::SignedIn, now, user))
                .unwrap(),
        ];
        let (user, admin) = (user.to_string(), admin.to_string());
        assert_eq!(
            security_events(&items),
            vec![
                (
                    AuditKind::MfaRemoved.as_str(),
                    user.as_str(),
                    Some(admin.as_str())
                ),
                (AuditKind::SignedIn.as_str(), user.as_str(), None),
            ]
        );
    }
}
