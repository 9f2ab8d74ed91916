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

mod cases;
mod documents;
mod mfa;
mod notices;
mod recovery;

use std::time::Duration as StdDuration;

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, PutRequest, TransactWriteItem, Update,
    WriteRequest,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::items::{Item, Reader, epoch, item, n, s};
use crate::accounts::{Firm, FirmSettings, PasswordExpiry, PasswordHash, PasswordState, User};
use crate::accounts::{FirmStore, PasswordChange, UserStore};
use crate::domain::{
    AuditEvent, CaseId, EmailAddress, FirmId, Language, Role, TokenDigest, UserId,
};
use crate::ports::Conditional;
use crate::sign_in::{CounterStore, LinkStore, SessionStore};
use crate::sign_in::{LinkKind, OneTimeLink, Session, TrustedDevice};

/// Attribute and index names, shared with provisioning and the SAM template.
pub mod schema {
    pub const PK: &str = "pk";
    pub const SK: &str = "sk";
    pub const GSI1: &str = "gsi1";
    pub const GSI1_PK: &str = "gsi1pk";
    pub const GSI1_SK: &str = "gsi1sk";
    pub const TTL: &str = "ttl";
}
use schema::{GSI1, GSI1_PK, GSI1_SK, PK, SK, TTL};

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: String) -> Self {
        Self { client, table }
    }

    /// Writes users and their email claims in bulk, without conditions or audit
    /// entries: for importing into an empty table (a migration, a benchmark), never
    /// for users who may exist already.
    pub async fn import_users(&self, users: &[User]) -> anyhow::Result<()> {
        let items: Vec<Item> = users
            .iter()
            .flat_map(|user| {
                let claim = item([
                    (PK, s(email_pk(&user.email))),
                    (SK, s("EMAIL")),
                    ("user_id", s(user.id.to_string())),
                ]);
                [user_item(user), claim]
            })
            .collect();
        for chunk in items.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder().set_item(Some(item.clone())).build()?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<anyhow::Result<_>>()?;
            while !pending.is_empty() {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .context("BatchWriteItem users")?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .unwrap_or_default();
            }
        }
        Ok(())
    }

    fn key(pk: String, sk: &str) -> Item {
        item([(PK, s(pk)), (SK, s(sk))])
    }

    async fn get(&self, pk: String, sk: &str) -> anyhow::Result<Option<Item>> {
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

    fn put(&self, item: Item, condition: Option<&str>) -> anyhow::Result<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned))
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Marks a one-time link used, on condition that it is unused and unexpired.
    fn spend_link(
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

    fn session_delete(&self, digest: &TokenDigest) -> anyhow::Result<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(session_pk(digest), "SESSION")))
            .build()?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Moves the user's credential version on, on condition (with `expected`)
    /// that it is still the version the caller read, and keeps the count of
    /// their phones: a new phone is counted on condition that there is room.
    fn credential_change(
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
    fn credentials_at(&self, user: UserId, version: u64) -> anyhow::Result<TransactWriteItem> {
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
    async fn index_items(&self, pk: String, sk_prefix: &str) -> anyhow::Result<Vec<Item>> {
        self.index_query(pk, "begins_with(#sk, :sk)", sk_prefix)
            .await
    }

    /// Every item of the index partition `pk` whose sort key meets `sk_condition`
    /// (written with `#sk` and `:sk`, the latter bound to `sk`), page after page.
    async fn index_query(
        &self,
        pk: String,
        sk_condition: &str,
        sk: &str,
    ) -> anyhow::Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression(format!("#pk = :pk AND {sk_condition}"))
            .expression_attribute_names("#pk", GSI1_PK)
            .expression_attribute_names("#sk", GSI1_SK)
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":sk", s(sk))
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            items.push(item.with_context(|| format!("Query {GSI1} where {sk_condition}"))?);
        }
        Ok(items)
    }

    /// Every item of the table partition `pk` whose sort key starts with
    /// `sk_prefix`, page after page, read consistently.
    async fn partition_items(&self, pk: String, sk_prefix: &str) -> anyhow::Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(sk_prefix))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            items.push(item.with_context(|| format!("Query for {sk_prefix}"))?);
        }
        Ok(items)
    }

    /// The digests of the user's sessions, from the index.
    async fn sessions_of(&self, user: UserId) -> anyhow::Result<Vec<TokenDigest>> {
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
    async fn transact_ending_sessions(
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

    fn audit_put(&self, event: &AuditEvent) -> anyhow::Result<TransactWriteItem> {
        self.put(audit_item(event), Some("attribute_not_exists(pk)"))
    }

    /// Runs a transaction. `Refused` when a condition did not hold. A conflict with
    /// another transaction on the same items is retried a few times, so that the
    /// loser of a race sees the winner's write and is refused by its condition.
    async fn transact(&self, items: Vec<TransactWriteItem>) -> anyhow::Result<Conditional> {
        let mut attempt = 0;
        loop {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let Err(err) = result else {
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
fn conditional<T, E>(
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

enum Cancellation {
    ConditionFailed,
    Conflict,
}

fn cancellation(err: &SdkError<TransactWriteItemsError>) -> Option<Cancellation> {
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
enum Phones {
    Unchanged,
    /// One more, of at most `max`.
    OneMore {
        max: u64,
    },
    /// Every phone is removed.
    NoneLeft,
}

impl Phones {
    fn after_removing(methods: &[crate::mfa::MfaMethod]) -> Self {
        match methods.contains(&crate::mfa::MfaMethod::Push) {
            true => Self::NoneLeft,
            false => Self::Unchanged,
        }
    }
}

/// The condition (on `:version`) that an item's credential version is `version`;
/// users written before versions existed are at 0.
fn at_version(version: u64) -> &'static str {
    match version {
        0 => "(attribute_not_exists(credential_version) OR credential_version = :version)",
        _ => "credential_version = :version",
    }
}

fn user_pk(id: UserId) -> String {
    format!("USER#{id}")
}

/// The index partition that lists every firm, for the scheduled jobs.
const FIRMS: &str = "FIRMS";

fn firm_pk(id: FirmId) -> String {
    format!("FIRM#{id}")
}

fn case_pk(id: CaseId) -> String {
    format!("CASE#{id}")
}

fn email_pk(email: &EmailAddress) -> String {
    format!("EMAIL#{}", email.as_str())
}

fn link_pk(kind: LinkKind, digest: &TokenDigest) -> String {
    format!("{}#{digest}", kind.as_str())
}

fn session_pk(digest: &TokenDigest) -> String {
    format!("SESSION#{digest}")
}

fn audit_item(event: &AuditEvent) -> Item {
    let at = event.at.format(&Rfc3339).unwrap_or_default();
    let mut audit = item([
        (PK, s(user_pk(event.subject))),
        (SK, s(format!("{at}#{}", uuid::Uuid::new_v4()))),
        ("kind", s(event.kind.as_str())),
        ("at", epoch(event.at)),
    ]);
    if let Some(actor) = event.actor {
        audit.insert("actor".into(), s(actor.to_string()));
    }
    if let Some(ip) = &event.source_ip {
        audit.insert("source_ip".into(), s(ip.as_str()));
    }
    if let Some(detail) = &event.detail {
        audit.insert("detail".into(), s(detail.as_str()));
    }
    audit
}

fn user_item(user: &User) -> Item {
    let mut user_item = item([
        (PK, s(user_pk(user.id))),
        (SK, s("PROFILE")),
        (GSI1_PK, s(firm_pk(user.firm_id))),
        (GSI1_SK, s(user_pk(user.id))),
        ("id", s(user.id.to_string())),
        ("firm_id", s(user.firm_id.to_string())),
        ("email", s(user.email.as_str())),
        ("name", s(user.name.as_str())),
        ("role", s(user.role.as_str())),
        ("language", s(user.language.code())),
        ("created_at", epoch(user.created_at)),
        ("credential_version", n(user.credential_version)),
    ]);
    if let Some(password) = &user.password {
        user_item.extend(password_attributes(password));
    }
    user_item
}

fn password_attributes(password: &PasswordState) -> Item {
    item([
        ("password_hash", s(password.hash.as_str())),
        ("password_changed_at", epoch(password.changed_at)),
        (
            "must_change_password",
            AttributeValue::Bool(password.must_change),
        ),
    ])
}

fn read_firm(item: &Item) -> anyhow::Result<Firm> {
    let r = Reader(item);
    Ok(Firm {
        id: r.parsed("id", FirmId::parse)?,
        name: r.string("name")?.to_owned(),
        created_at: r.time("created_at")?,
        settings: FirmSettings {
            require_strong_passwords: r.boolean("require_strong_passwords")?,
            password_expiry: PasswordExpiry::from_days(
                r.number("password_expiry_days")?.max(0) as u64
            )?,
            require_mfa: r.flag("require_mfa")?,
        },
    })
}

fn read_user(item: &Item) -> anyhow::Result<User> {
    let r = Reader(item);
    Ok(User {
        id: r.parsed("id", UserId::parse)?,
        firm_id: r.parsed("firm_id", FirmId::parse)?,
        email: r.parsed("email", EmailAddress::parse)?,
        name: r.string("name")?.to_owned(),
        role: r.parsed("role", |raw| Role::parse(raw).ok_or(()))?,
        language: r.parsed("language", Language::parse)?,
        created_at: r.time("created_at")?,
        password: match item.contains_key("password_hash") {
            true => Some(PasswordState {
                hash: PasswordHash::from_stored(r.string("password_hash")?.to_owned()),
                changed_at: r.time("password_changed_at")?,
                must_change: r.boolean("must_change_password")?,
                notice_sent_for: r.optional_time("expiry_notice_for")?,
            }),
            false => None,
        },
        credential_version: r.count("credential_version")?,
    })
}

fn read_link(digest: &TokenDigest, item: &Item) -> anyhow::Result<OneTimeLink> {
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

fn session_item(session: &Session) -> Item {
    item([
        (PK, s(session_pk(&session.digest))),
        (SK, s("SESSION")),
        (GSI1_PK, s(user_pk(session.user_id))),
        (GSI1_SK, s(session_pk(&session.digest))),
        ("user_id", s(session.user_id.to_string())),
        ("role", s(session.role.as_str())),
        ("created_at", epoch(session.created_at)),
        ("expires_at", epoch(session.expires_at)),
        ("last_seen_at", epoch(session.last_seen_at)),
        (
            "idle_timeout_seconds",
            n(session.idle_timeout.whole_seconds()),
        ),
        (
            "enrollment_only",
            AttributeValue::Bool(session.enrollment_only),
        ),
        ("credential_version", n(session.credential_version)),
        (TTL, epoch(session.expires_at)),
    ])
}

fn read_session(digest: &TokenDigest, item: &Item) -> anyhow::Result<Session> {
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
impl UserStore for DynamoStore {
    async fn user_id_by_email(&self, email: &EmailAddress) -> anyhow::Result<Option<UserId>> {
        self.get(email_pk(email), "EMAIL")
            .await?
            .map(|item| Reader(&item).parsed("user_id", UserId::parse))
            .transpose()
    }

    async fn user(&self, id: UserId) -> anyhow::Result<Option<User>> {
        self.get(user_pk(id), "PROFILE")
            .await?
            .map(|item| read_user(&item))
            .transpose()
    }

    async fn create_user(&self, user: &User, audit: &AuditEvent) -> anyhow::Result<Conditional> {
        let claim = item([
            (PK, s(email_pk(&user.email))),
            (SK, s("EMAIL")),
            ("user_id", s(user.id.to_string())),
        ]);
        self.transact(vec![
            self.put(user_item(user), Some("attribute_not_exists(pk)"))?,
            self.put(claim, Some("attribute_not_exists(pk)"))?,
            self.audit_put(audit)?,
        ])
        .await
    }

    async fn set_language(
        &self,
        id: UserId,
        language: Language,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(id), "PROFILE")))
            .update_expression("SET #language = :language")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#language", "language")
            .expression_attribute_values(":language", s(language.code()))
            .build()?;
        self.transact(vec![
            TransactWriteItem::builder().update(update).build(),
            self.audit_put(audit)?,
        ])
        .await
    }

    async fn force_password_change(
        &self,
        id: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(id), "PROFILE")))
            .update_expression("SET must_change_password = :yes ADD credential_version :one")
            .condition_expression("attribute_exists(password_hash)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":one", n(1))
            .build()?;
        self.transact(vec![
            TransactWriteItem::builder().update(update).build(),
            self.audit_put(audit)?,
        ])
        .await
    }

    async fn claim_expiry_notice(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(id), "PROFILE")))
            .update_expression("SET expiry_notice_for = :changed_at")
            .condition_expression(
                "password_changed_at = :changed_at AND \
                 (attribute_not_exists(expiry_notice_for) OR expiry_notice_for <> :changed_at)",
            )
            .expression_attribute_values(":changed_at", epoch(password_changed_at))
            .send()
            .await;
        conditional(result, "UpdateItem expiry notice")
    }

    async fn release_expiry_notice(&self, id: UserId) -> anyhow::Result<()> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(id), "PROFILE")))
            .update_expression("REMOVE expiry_notice_for")
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
            .context("UpdateItem expiry notice")?;
        Ok(())
    }

    async fn users_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<User>> {
        self.index_items(firm_pk(firm), "USER#")
            .await?
            .iter()
            .map(read_user)
            .collect()
    }

    async fn replace_password(&self, change: &PasswordChange<'_>) -> anyhow::Result<Conditional> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(change.user), "PROFILE")))
            .update_expression(
                "SET password_hash = :hash, password_changed_at = :changed_at, \
                 must_change_password = :must_change ADD credential_version :one",
            )
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":version", n(change.expected_version))
            .expression_attribute_values(":hash", s(change.new.hash.as_str()))
            .expression_attribute_values(":changed_at", epoch(change.new.changed_at))
            .expression_attribute_values(
                ":must_change",
                AttributeValue::Bool(change.new.must_change),
            );
        let version = at_version(change.expected_version);
        update = match change.expected {
            Some(current) => update
                .condition_expression(format!(
                    "attribute_exists(pk) AND {version} AND password_hash = :expected"
                ))
                .expression_attribute_values(":expected", s(current.as_str())),
            None => update.condition_expression(format!("attribute_exists(pk) AND {version}")),
        };
        let mut items = vec![
            TransactWriteItem::builder().update(update.build()?).build(),
            self.audit_put(change.audit)?,
        ];
        if let Some((kind, token, now)) = change.spends {
            items.push(self.spend_link(kind, token, now)?);
        }
        self.transact_ending_sessions(items, change.user, change.keep_session)
            .await
    }
}

#[async_trait]
impl FirmStore for DynamoStore {
    async fn create_firm(&self, firm: &Firm) -> anyhow::Result<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item([
                (PK, s(firm_pk(firm.id))),
                (SK, s("PROFILE")),
                (GSI1_PK, s(FIRMS)),
                (GSI1_SK, s(firm_pk(firm.id))),
                ("id", s(firm.id.to_string())),
                ("name", s(firm.name.as_str())),
                ("created_at", epoch(firm.created_at)),
                (
                    "require_strong_passwords",
                    AttributeValue::Bool(firm.settings.require_strong_passwords),
                ),
                (
                    "password_expiry_days",
                    n(firm.settings.password_expiry.days()),
                ),
                (
                    "require_mfa",
                    AttributeValue::Bool(firm.settings.require_mfa),
                ),
            ])))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .context("PutItem firm")?;
        Ok(())
    }

    async fn firm(&self, id: FirmId) -> anyhow::Result<Option<Firm>> {
        self.get(firm_pk(id), "PROFILE")
            .await?
            .map(|item| read_firm(&item))
            .transpose()
    }

    async fn firms(&self) -> anyhow::Result<Vec<Firm>> {
        self.index_items(FIRMS.to_owned(), "FIRM#")
            .await?
            .iter()
            .map(read_firm)
            .collect()
    }

    async fn add_client(
        &self,
        firm: FirmId,
        client: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let record = item([
            (PK, s(firm_pk(firm))),
            (SK, s(format!("CLIENT#{client}"))),
            ("added_at", epoch(audit.at)),
        ]);
        self.transact(vec![
            self.put(record, Some("attribute_not_exists(pk)"))?,
            self.audit_put(audit)?,
        ])
        .await
    }

    async fn is_client_of(&self, firm: FirmId, user: UserId) -> anyhow::Result<bool> {
        Ok(self
            .get(firm_pk(firm), &format!("CLIENT#{user}"))
            .await?
            .is_some())
    }

    async fn set_firm_settings(
        &self,
        id: FirmId,
        settings: &FirmSettings,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(firm_pk(id), "PROFILE")))
            .update_expression(
                "SET require_strong_passwords = :strong, password_expiry_days = :days, \
                 require_mfa = :mfa",
            )
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(
                ":strong",
                AttributeValue::Bool(settings.require_strong_passwords),
            )
            .expression_attribute_values(":days", n(settings.password_expiry.days()))
            .expression_attribute_values(":mfa", AttributeValue::Bool(settings.require_mfa))
            .build()?;
        self.transact(vec![
            TransactWriteItem::builder().update(update).build(),
            self.audit_put(audit)?,
        ])
        .await
    }
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

fn trusted_pk(digest: &TokenDigest) -> String {
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

fn counter_pk(key: &str) -> String {
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
