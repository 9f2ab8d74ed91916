//! Users and firms on the DynamoDB table (keys in [`crate::aws::keys`]).

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use time::OffsetDateTime;

use crate::accounts::{Firm, FirmSettings, PasswordExpiry, PasswordHash, PasswordState, User};
use crate::accounts::{FirmStore, PasswordChange, UserStore};
use crate::aws::items::{Item, Reader, epoch, item, n, s};
use crate::aws::keys::schema::{GSI1_PK, GSI1_SK, PK, SK};
use crate::aws::keys::{firm_pk, user_pk};
use crate::aws::table::{DynamoStore, at_version, conditional};
use crate::domain::{AuditEvent, EmailAddress, FirmId, Language, Role, UserId};
use crate::ports::Conditional;

/// The index partition that lists every firm, for the scheduled jobs.
pub(crate) const FIRMS: &str = "FIRMS";

pub(crate) fn email_pk(email: &EmailAddress) -> String {
    format!("EMAIL#{}", email.as_str())
}

/// The firm partition's record that `client` is a client of that firm too.
pub(crate) fn client_sk(client: UserId) -> String {
    format!("CLIENT#{client}")
}

pub(crate) fn user_item(user: &User) -> Item {
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

pub(crate) fn password_attributes(password: &PasswordState) -> Item {
    item([
        ("password_hash", s(password.hash.as_str())),
        ("password_changed_at", epoch(password.changed_at)),
        (
            "must_change_password",
            AttributeValue::Bool(password.must_change),
        ),
    ])
}

pub(crate) fn read_firm(item: &Item) -> anyhow::Result<Firm> {
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

pub(crate) fn read_user(item: &Item) -> anyhow::Result<User> {
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
        let update = self
            .forcing_change(id)
            .condition_expression("attribute_exists(password_hash)");
        self.force_change(update, audit).await
    }

    async fn expire_password(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let update = self
            .forcing_change(id)
            .condition_expression(
                "attribute_exists(password_hash) AND password_changed_at = :changed_at AND \
                 (attribute_not_exists(must_change_password) OR must_change_password = :no)",
            )
            .expression_attribute_values(":changed_at", epoch(password_changed_at))
            .expression_attribute_values(":no", AttributeValue::Bool(false));
        self.force_change(update, audit).await
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
            (SK, s(client_sk(client))),
            ("added_at", epoch(audit.at)),
        ]);
        self.transact(vec![
            self.put(record, Some("attribute_not_exists(pk)"))?,
            self.audit_put(audit)?,
        ])
        .await
    }

    async fn is_client_of(&self, firm: FirmId, user: UserId) -> anyhow::Result<bool> {
        Ok(self.get(firm_pk(firm), &client_sk(user)).await?.is_some())
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

impl DynamoStore {
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
        let puts = items
            .into_iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(item)).build()?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<anyhow::Result<_>>()?;
        self.batch_write(puts).await.context("importing users")?;
        Ok(())
    }
}

impl DynamoStore {
    /// Applies `update` (a [`DynamoStore::forcing_change`] with its condition) and
    /// its audit entry at once.
    async fn force_change(
        &self,
        update: aws_sdk_dynamodb::types::builders::UpdateBuilder,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        self.transact(vec![
            TransactWriteItem::builder().update(update.build()?).build(),
            self.audit_put(audit)?,
        ])
        .await
    }

    /// The update that makes the user's next sign-in replace their password, a
    /// change of credentials; its condition is the caller's.
    fn forcing_change(&self, id: UserId) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(user_pk(id), "PROFILE")))
            .update_expression("SET must_change_password = :yes ADD credential_version :one")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":one", n(1))
    }
}
