//! In-memory second factors and MFA challenges.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::MemoryStore;
use crate::domain::{
    AuditEvent, MfaChallenge, MfaMethod, MfaState, PhoneNumber, PushChallenge, PushChallengeId,
    PushStatus, SentCode, SmsFactor, TokenDigest, TotpFactor, UserId,
};
use crate::ports::{ChallengePass, Conditional, ConfirmedFactor, FactorConfirmation, MfaStore};

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
        let confirmed = match &confirmation.factor {
            ConfirmedFactor::Totp { step } => match t.totp.get_mut(&confirmation.user) {
                Some(totp) if totp.confirmed_at.is_none() => {
                    totp.confirmed_at = Some(confirmation.at);
                    totp.last_step = *step;
                    true
                }
                _ => false,
            },
            ConfirmedFactor::Sms => match t.sms.get_mut(&confirmation.user) {
                Some(sms) if sms.confirmed_at.is_none() => {
                    sms.confirmed_at = Some(confirmation.at);
                    true
                }
                _ => false,
            },
            ConfirmedFactor::Push(device) => {
                let devices = t.push_devices.entry(confirmation.user).or_default();
                let new = !devices.iter().any(|known| known.id == device.id);
                if new {
                    devices.push(device.clone());
                }
                new
            }
        };
        if !confirmed {
            return Ok(Conditional::Refused);
        }
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

    async fn fail_sent_code(&self, scope: &str) -> anyhow::Result<()> {
        if let Some(code) = self.tables().sent_codes.get_mut(scope) {
            code.tries += 1;
        }
        Ok(())
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
            .is_some_and(|code| code.digest == digest && code.is_usable_at(now));
        if !usable {
            return Ok(Conditional::Refused);
        }
        t.sent_codes.remove(scope);
        Ok(Conditional::Applied)
    }

    async fn accept_totp_step(&self, user: UserId, step: u64) -> anyhow::Result<Conditional> {
        match self.tables().totp.get_mut(&user) {
            Some(totp) if totp.confirmed_at.is_some() && totp.last_step < step => {
                totp.last_step = step;
                Ok(Conditional::Applied)
            }
            _ => Ok(Conditional::Refused),
        }
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

    async fn fail_mfa_challenge(&self, digest: &TokenDigest) -> anyhow::Result<()> {
        if let Some(challenge) = self.tables().challenges.get_mut(digest) {
            challenge.failures += 1;
        }
        Ok(())
    }

    async fn pass_mfa_challenge(&self, pass: &ChallengePass<'_>) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let usable = t
            .challenges
            .get(pass.challenge)
            .is_some_and(|c| pass.now < c.expires_at && c.failures < pass.max_failures);
        let code_unspent = pass.backup_code.is_none_or(|(user, digest)| {
            t.backup_codes
                .get(&user)
                .is_some_and(|codes| codes.iter().any(|code| code == digest))
        });
        if !usable || !code_unspent {
            return Ok(Conditional::Refused);
        }
        if let Some((user, digest)) = pass.backup_code
            && let Some(codes) = t.backup_codes.get_mut(&user)
        {
            codes.retain(|code| code != digest);
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
        digests: &[String],
        keep_session: &TokenDigest,
        audit: &AuditEvent,
    ) -> anyhow::Result<()> {
        let mut t = self.tables();
        t.backup_codes.insert(user, digests.to_vec());
        t.sessions
            .retain(|digest, session| session.user_id != user || digest == keep_session);
        t.audit.push(audit.clone());
        Ok(())
    }

    async fn remove_mfa_methods(
        &self,
        user: UserId,
        methods: &[MfaMethod],
        keep_session: Option<&TokenDigest>,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        for method in methods {
            match method {
                MfaMethod::Totp => {
                    t.totp.remove(&user);
                }
                MfaMethod::BackupCode => {
                    t.backup_codes.remove(&user);
                }
                MfaMethod::Sms => {
                    t.sms.remove(&user);
                }
                MfaMethod::Push => {
                    t.push_devices.remove(&user);
                }
            }
        }
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
