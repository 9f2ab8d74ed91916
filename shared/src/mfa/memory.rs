//! In-memory second factors and MFA challenges.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, PhoneNumber, PushChallengeId, TokenDigest, UserId};
use crate::fakes::MemoryStore;
use crate::mfa::{ChallengePass, ConfirmedFactor, FactorConfirmation, MfaStore, Passed};
use crate::mfa::{
    MfaChallenge, MfaMethod, MfaState, PushChallenge, PushStatus, SentCode, SmsFactor, TotpFactor,
};
use crate::ports::Conditional;

#[async_trait]
impl MfaStore for MemoryStore {
    async fn mfa_state(&self, user: UserId) -> anyhow::Result<MfaState> {
        let t = self.tables();
        Ok(MfaState {
            totp: t.totp.get(&user).cloned(),
            sms: t.sms.get(&user).cloned(),
            push_devices: t.push_devices.get(&user).cloned().unwrap_or_default(),
            backup_codes_left: t.backup_codes.get(&user).map_or(0, Vec::len),
        })
    }

    async fn begin_totp(
        &self,
        user: UserId,
        sealed_secret: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.totp
            .get(&user)
            .is_some_and(|totp| totp.confirmed_at.is_some())
        {
            return Ok(Conditional::Refused);
        }
        t.totp.insert(
            user,
            TotpFactor {
                sealed_secret: sealed_secret.to_owned(),
                created_at: at,
                confirmed_at: None,
                last_step: 0,
            },
        );
        Ok(Conditional::Applied)
    }

    async fn confirm_factor(
        &self,
        confirmation: &FactorConfirmation<'_>,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if !t.at_version(confirmation.user, confirmation.expected_version) {
            return Ok(Conditional::Refused);
        }
        let confirmed = match &confirmation.factor {
            ConfirmedFactor::Totp { step } => match t.totp.get_mut(&confirmation.user) {
                Some(totp) if totp.confirmed_at.is_none() => {
                    totp.confirmed_at = Some(confirmation.at);
                    totp.last_step = *step;
                    true
                }
                _ => false,
            },
            ConfirmedFactor::Sms(phone) => match t.sms.get_mut(&confirmation.user) {
                Some(sms) if sms.confirmed_at.is_none() && sms.phone == *phone => {
                    sms.confirmed_at = Some(confirmation.at);
                    true
                }
                _ => false,
            },
            ConfirmedFactor::Push(device) => {
                let devices = t.push_devices.entry(confirmation.user).or_default();
                let new = !devices.iter().any(|known| known.id == device.id)
                    && (devices.len() as u64) < crate::mfa::MAX_PUSH_DEVICES;
                if new {
                    devices.push(device.clone());
                }
                new
            }
        };
        if !confirmed {
            return Ok(Conditional::Refused);
        }
        t.credential_change(confirmation.user);
        if !confirmation.backup_code_digests.is_empty() {
            t.backup_codes
                .insert(confirmation.user, confirmation.backup_code_digests.to_vec());
        }
        t.sessions.retain(|digest, session| {
            session.user_id != confirmation.user || Some(digest) == confirmation.keep_session
        });
        t.audit.push(confirmation.audit.clone());
        Ok(Conditional::Applied)
    }

    async fn begin_sms(
        &self,
        user: UserId,
        phone: &PhoneNumber,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.sms
            .get(&user)
            .is_some_and(|sms| sms.confirmed_at.is_some())
        {
            return Ok(Conditional::Refused);
        }
        t.sms.insert(
            user,
            SmsFactor {
                phone: phone.clone(),
                created_at: at,
                confirmed_at: None,
            },
        );
        Ok(Conditional::Applied)
    }

    async fn put_sent_code(
        &self,
        scope: &str,
        code: &SentCode,
        cooldown_since: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.sent_codes
            .get(scope)
            .is_some_and(|sent| sent.sent_at > cooldown_since)
        {
            return Ok(Conditional::Refused);
        }
        t.sent_codes.insert(scope.to_owned(), code.clone());
        Ok(Conditional::Applied)
    }

    async fn sent_code(&self, scope: &str) -> anyhow::Result<Option<SentCode>> {
        Ok(self.tables().sent_codes.get(scope).cloned())
    }

    async fn spend_sent_code(
        &self,
        scope: &str,
        digest: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let usable = t
            .sent_codes
            .get(scope)
            .is_some_and(|code| code.digest == digest && code.is_unexpired_at(now));
        if !usable {
            return Ok(Conditional::Refused);
        }
        t.sent_codes.remove(scope);
        Ok(Conditional::Applied)
    }

    async fn put_mfa_challenge(&self, challenge: &MfaChallenge) -> anyhow::Result<()> {
        self.tables()
            .challenges
            .insert(challenge.digest.clone(), challenge.clone());
        Ok(())
    }

    async fn mfa_challenge(&self, digest: &TokenDigest) -> anyhow::Result<Option<MfaChallenge>> {
        Ok(self.tables().challenges.get(digest).cloned())
    }

    async fn pass_mfa_challenge(&self, pass: &ChallengePass<'_>) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let usable = t
            .challenges
            .get(pass.challenge)
            .is_some_and(|c| pass.now < c.expires_at)
            && t.at_version(pass.user, pass.credential_version);
        let unspent = match pass.spends {
            Passed::TotpStep(step) => t
                .totp
                .get(&pass.user)
                .is_some_and(|totp| totp.confirmed_at.is_some() && totp.last_step < step),
            Passed::SmsCode { scope, digest } => t
                .sent_codes
                .get(scope)
                .is_some_and(|code| code.digest == digest && code.is_unexpired_at(pass.now)),
            Passed::BackupCode(digest) => t
                .backup_codes
                .get(&pass.user)
                .is_some_and(|codes| codes.iter().any(|code| code == digest)),
            Passed::Push => true,
        };
        if !usable || !unspent {
            return Ok(Conditional::Refused);
        }
        match pass.spends {
            Passed::TotpStep(step) => {
                if let Some(totp) = t.totp.get_mut(&pass.user) {
                    totp.last_step = step;
                }
            }
            Passed::SmsCode { scope, .. } => {
                t.sent_codes.remove(scope);
            }
            Passed::BackupCode(digest) => {
                if let Some(codes) = t.backup_codes.get_mut(&pass.user) {
                    codes.retain(|code| code != digest);
                }
            }
            Passed::Push => {}
        }
        t.challenges.remove(pass.challenge);
        t.sessions
            .insert(pass.session.digest.clone(), pass.session.clone());
        t.audit.extend_from_slice(pass.audit);
        Ok(Conditional::Applied)
    }

    async fn has_backup_code(&self, user: UserId, digest: &str) -> anyhow::Result<bool> {
        Ok(self
            .tables()
            .backup_codes
            .get(&user)
            .is_some_and(|codes| codes.iter().any(|code| code == digest)))
    }

    async fn replace_backup_codes(
        &self,
        user: UserId,
        expected_version: u64,
        digests: &[String],
        keep_session: &TokenDigest,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if !t.at_version(user, expected_version) {
            return Ok(Conditional::Refused);
        }
        t.credential_change(user);
        t.backup_codes.insert(user, digests.to_vec());
        t.sessions
            .retain(|digest, session| session.user_id != user || digest == keep_session);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn remove_mfa_methods(
        &self,
        user: UserId,
        expected_version: u64,
        methods: &[MfaMethod],
        keep_session: Option<&TokenDigest>,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if !t.at_version(user, expected_version) {
            return Ok(Conditional::Refused);
        }
        t.credential_change(user);
        t.remove_factors(user, methods);
        t.sessions
            .retain(|digest, session| session.user_id != user || Some(digest) == keep_session);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn put_push_challenge(&self, challenge: &PushChallenge) -> anyhow::Result<()> {
        self.tables().pushes.insert(challenge.id, challenge.clone());
        Ok(())
    }

    async fn push_challenge(&self, id: PushChallengeId) -> anyhow::Result<Option<PushChallenge>> {
        Ok(self.tables().pushes.get(&id).cloned())
    }

    async fn answer_push_challenge(
        &self,
        id: PushChallengeId,
        answer: PushStatus,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.pushes.get_mut(&id) {
            Some(push) if push.status == PushStatus::Pending && !push.is_expired_at(now) => {
                push.status = answer;
                Ok(Conditional::Applied)
            }
            _ => Ok(Conditional::Refused),
        }
    }
}
