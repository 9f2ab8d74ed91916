//! Second factors and the second step of sign-ins.

pub(crate) mod items;
mod removal;

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use time::OffsetDateTime;

use crate::aws::items::{epoch, item, n, s};
use crate::aws::keys::schema::{PK, SK, TTL};
use crate::aws::keys::{session_item, user_pk};
use crate::aws::table::{DynamoStore, Phones, conditional};
use crate::domain::{AuditEvent, PhoneNumber, PushChallengeId, TokenDigest, UserId};
use crate::mfa::dynamo::items::{
    BACKUP, DEVICE, SMS, TOTP, challenge_pk, code_pk, device_item, push_pk, read_challenge,
    read_device, read_push, read_sent_code, read_sms, read_totp,
};
use crate::mfa::{ChallengePass, ConfirmedFactor, FactorConfirmation, MfaStore, Passed};
use crate::mfa::{
    MAX_PUSH_DEVICES, MfaChallenge, MfaMethod, MfaState, PushChallenge, PushStatus, SentCode,
};
use crate::ports::Conditional;

#[async_trait]
impl MfaStore for DynamoStore {
    async fn mfa_state(&self, user: UserId) -> anyhow::Result<MfaState> {
        let totp = self
            .get(user_pk(user), TOTP)
            .await?
            .map(|item| read_totp(&item))
            .transpose()?;
        let sms = self
            .get(user_pk(user), SMS)
            .await?
            .map(|item| read_sms(&item))
            .transpose()?;
        let backup_codes_left = self.partition_items(user_pk(user), BACKUP).await?.len();
        let push_devices = self
            .partition_items(user_pk(user), DEVICE)
            .await?
            .iter()
            .map(read_device)
            .collect::<anyhow::Result<_>>()?;
        Ok(MfaState {
            totp,
            sms,
            push_devices,
            backup_codes_left,
        })
    }

    async fn begin_totp(
        &self,
        user: UserId,
        sealed_secret: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let factor = item([
            (PK, s(user_pk(user))),
            (SK, s(TOTP)),
            ("sealed_secret", s(sealed_secret)),
            ("created_at", epoch(at)),
            ("last_step", n(0)),
        ]);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(factor))
            .condition_expression("attribute_not_exists(confirmed_at)")
            .send()
            .await;
        conditional(result, "PutItem TOTP factor")
    }

    async fn confirm_factor(
        &self,
        confirmation: &FactorConfirmation<'_>,
    ) -> anyhow::Result<Conditional> {
        let confirm = Update::builder()
            .table_name(&self.table)
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(confirmed_at)")
            .expression_attribute_values(":at", epoch(confirmation.at));
        let confirm = match &confirmation.factor {
            ConfirmedFactor::Totp { step } => TransactWriteItem::builder()
                .update(
                    confirm
                        .set_key(Some(Self::key(user_pk(confirmation.user), TOTP)))
                        .update_expression("SET confirmed_at = :at, last_step = :step")
                        .expression_attribute_values(":step", n(*step))
                        .build()?,
                )
                .build(),
            ConfirmedFactor::Sms(phone) => TransactWriteItem::builder()
                .update(
                    confirm
                        .set_key(Some(Self::key(user_pk(confirmation.user), SMS)))
                        .update_expression("SET confirmed_at = :at")
                        .condition_expression(
                            "attribute_exists(pk) AND attribute_not_exists(confirmed_at) \
                             AND phone = :phone",
                        )
                        .expression_attribute_values(":phone", s(phone.as_str()))
                        .build()?,
                )
                .build(),
            ConfirmedFactor::Push(device) => self.put(
                device_item(confirmation.user, device),
                Some("attribute_not_exists(pk)"),
            )?,
        };
        let mut items = vec![
            confirm,
            self.credential_change(
                confirmation.user,
                Some(confirmation.expected_version),
                match confirmation.factor {
                    ConfirmedFactor::Push(_) => Phones::OneMore {
                        max: MAX_PUSH_DEVICES,
                    },
                    _ => Phones::Unchanged,
                },
            )?,
            self.audit_put(confirmation.audit)?,
        ];
        for digest in confirmation.backup_code_digests {
            let code = item([
                (PK, s(user_pk(confirmation.user))),
                (SK, s(format!("{BACKUP}{digest}"))),
            ]);
            items.push(self.put(code, None)?);
        }
        self.transact_ending_sessions(items, confirmation.user, confirmation.keep_session)
            .await
    }

    async fn begin_sms(
        &self,
        user: UserId,
        phone: &PhoneNumber,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let factor = item([
            (PK, s(user_pk(user))),
            (SK, s(SMS)),
            ("phone", s(phone.as_str())),
            ("created_at", epoch(at)),
        ]);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(factor))
            .condition_expression("attribute_not_exists(confirmed_at)")
            .send()
            .await;
        conditional(result, "PutItem SMS factor")
    }

    async fn put_sent_code(
        &self,
        scope: &str,
        code: &SentCode,
        cooldown_since: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let record = item([
            (PK, s(code_pk(scope))),
            (SK, s("SMSCODE")),
            ("digest", s(code.digest.as_str())),
            ("sent_at", epoch(code.sent_at)),
            ("expires_at", epoch(code.expires_at)),
            (TTL, epoch(code.expires_at)),
        ]);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record))
            .condition_expression("attribute_not_exists(pk) OR sent_at <= :cooldown")
            .expression_attribute_values(":cooldown", epoch(cooldown_since))
            .send()
            .await;
        conditional(result, "PutItem SMS code")
    }

    async fn sent_code(&self, scope: &str) -> anyhow::Result<Option<SentCode>> {
        self.get(code_pk(scope), "SMSCODE")
            .await?
            .map(|item| read_sent_code(&item))
            .transpose()
    }

    async fn spend_sent_code(
        &self,
        scope: &str,
        digest: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(code_pk(scope), "SMSCODE")))
            .condition_expression("digest = :digest AND expires_at > :now")
            .expression_attribute_values(":digest", s(digest))
            .expression_attribute_values(":now", epoch(now))
            .send()
            .await;
        conditional(result, "DeleteItem SMS code")
    }

    async fn put_mfa_challenge(&self, challenge: &MfaChallenge) -> anyhow::Result<()> {
        let record = item([
            (PK, s(challenge_pk(&challenge.digest))),
            (SK, s("MFA")),
            ("user_id", s(challenge.user_id.to_string())),
            ("created_at", epoch(challenge.created_at)),
            ("expires_at", epoch(challenge.expires_at)),
            ("credential_version", n(challenge.credential_version)),
            (TTL, epoch(challenge.expires_at)),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .context("PutItem MFA challenge")?;
        Ok(())
    }

    async fn mfa_challenge(&self, digest: &TokenDigest) -> anyhow::Result<Option<MfaChallenge>> {
        self.get(challenge_pk(digest), "MFA")
            .await?
            .map(|item| read_challenge(digest, &item))
            .transpose()
    }

    async fn pass_mfa_challenge(&self, pass: &ChallengePass<'_>) -> anyhow::Result<Conditional> {
        let end = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(challenge_pk(pass.challenge), "MFA")))
            .condition_expression("expires_at > :now")
            .expression_attribute_values(":now", epoch(pass.now))
            .build()?;
        let mut items = vec![
            TransactWriteItem::builder().delete(end).build(),
            self.credentials_at(pass.user, pass.credential_version)?,
            self.put(session_item(pass.session), Some("attribute_not_exists(pk)"))?,
        ];
        match pass.spends {
            Passed::TotpStep(step) => {
                let accept = Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key(user_pk(pass.user), TOTP)))
                    .update_expression("SET last_step = :step")
                    .condition_expression("attribute_exists(confirmed_at) AND last_step < :step")
                    .expression_attribute_values(":step", n(step))
                    .build()?;
                items.push(TransactWriteItem::builder().update(accept).build());
            }
            Passed::SmsCode { scope, digest } => {
                let spend = Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key(code_pk(scope), "SMSCODE")))
                    .condition_expression("digest = :digest AND expires_at > :now")
                    .expression_attribute_values(":digest", s(digest))
                    .expression_attribute_values(":now", epoch(pass.now))
                    .build()?;
                items.push(TransactWriteItem::builder().delete(spend).build());
            }
            Passed::BackupCode(digest) => {
                let spend = Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key(
                        user_pk(pass.user),
                        &format!("{BACKUP}{digest}"),
                    )))
                    .condition_expression("attribute_exists(pk)")
                    .build()?;
                items.push(TransactWriteItem::builder().delete(spend).build());
            }
            Passed::Push => {}
        }
        for event in pass.audit {
            items.push(self.audit_put(event)?);
        }
        self.transact(items).await
    }

    async fn has_backup_code(&self, user: UserId, digest: &str) -> anyhow::Result<bool> {
        Ok(self
            .get(user_pk(user), &format!("{BACKUP}{digest}"))
            .await?
            .is_some())
    }

    async fn replace_backup_codes(
        &self,
        user: UserId,
        expected_version: u64,
        digests: &[String],
        keep_session: &TokenDigest,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut items = self.partition_deletes(user, BACKUP).await?;
        for digest in digests {
            let code = item([(PK, s(user_pk(user))), (SK, s(format!("{BACKUP}{digest}")))]);
            items.push(self.put(code, None)?);
        }
        items.push(self.audit_put(audit)?);
        items.push(self.credential_change(user, Some(expected_version), Phones::Unchanged)?);
        self.transact_ending_sessions(items, user, Some(keep_session))
            .await
    }

    async fn remove_mfa_methods(
        &self,
        user: UserId,
        expected_version: u64,
        methods: &[MfaMethod],
        keep_session: Option<&TokenDigest>,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut items = vec![
            self.audit_put(audit)?,
            self.credential_change(
                user,
                Some(expected_version),
                Phones::after_removing(methods),
            )?,
        ];
        items.extend(self.mfa_removal(user, methods).await?);
        self.transact_ending_sessions(items, user, keep_session)
            .await
    }

    async fn put_push_challenge(&self, challenge: &PushChallenge) -> anyhow::Result<()> {
        let [choice_0, choice_1, choice_2] = challenge.choices;
        let record = item([
            (PK, s(push_pk(challenge.id))),
            (SK, s("PUSH")),
            ("id", s(challenge.id.to_string())),
            ("user_id", s(challenge.user_id.to_string())),
            ("mfa_challenge", s(challenge.mfa_challenge.as_str())),
            ("number", n(challenge.number)),
            ("choice_0", n(choice_0)),
            ("choice_1", n(choice_1)),
            ("choice_2", n(choice_2)),
            ("status", s(challenge.status.as_str())),
            ("created_at", epoch(challenge.created_at)),
            ("expires_at", epoch(challenge.expires_at)),
            ("credential_version", n(challenge.credential_version)),
            (TTL, epoch(challenge.expires_at + time::Duration::DAY)),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .context("PutItem push challenge")?;
        Ok(())
    }

    async fn push_challenge(&self, id: PushChallengeId) -> anyhow::Result<Option<PushChallenge>> {
        self.get(push_pk(id), "PUSH")
            .await?
            .map(|item| read_push(&item))
            .transpose()
    }

    async fn answer_push_challenge(
        &self,
        id: PushChallengeId,
        answer: PushStatus,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(push_pk(id), "PUSH")))
            .update_expression("SET #status = :answer")
            .condition_expression("#status = :pending AND expires_at > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":answer", s(answer.as_str()))
            .expression_attribute_values(":pending", s(PushStatus::Pending.as_str()))
            .expression_attribute_values(":now", epoch(now))
            .send()
            .await;
        conditional(result, "UpdateItem push answer")
    }
}
