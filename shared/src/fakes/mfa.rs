//! In-memory second factors and MFA challenges.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::MemoryStore;
use crate::domain::{AuditEvent, MfaChallenge, MfaState, Session, TokenDigest, TotpFactor, UserId};
use crate::ports::{Conditional, MfaStore, TotpConfirmation};

#[async_trait]
impl MfaStore for MemoryStore {
    async fn mfa_state(&self, user: UserId) -> anyhow::Result<MfaState> {
        let t = self.tables();
        Ok(MfaState {
            totp: t.totp.get(&user).cloned(),
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

    async fn confirm_totp(
        &self,
        confirmation: &TotpConfirmation<'_>,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.totp.get_mut(&confirmation.user) {
            Some(totp) if totp.confirmed_at.is_none() => {
                totp.confirmed_at = Some(confirmation.at);
                totp.last_step = confirmation.step;
            }
            _ => return Ok(Conditional::Refused),
        }
        if !confirmation.backup_code_digests.is_empty() {
            t.backup_codes
                .insert(confirmation.user, confirmation.backup_code_digests.to_vec());
        }
        t.sessions.retain(|digest, session| {
            session.user_id != confirmation.user || digest == confirmation.keep_session
        });
        t.audit.push(confirmation.audit.clone());
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

    async fn pass_mfa_challenge(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
        max_failures: u32,
        session: &Session,
        audit: &[AuditEvent],
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let usable = t
            .challenges
            .get(digest)
            .is_some_and(|c| now < c.expires_at && c.failures < max_failures);
        if !usable {
            return Ok(Conditional::Refused);
        }
        t.challenges.remove(digest);
        t.sessions.insert(session.digest.clone(), session.clone());
        t.audit.extend_from_slice(audit);
        Ok(Conditional::Applied)
    }
}
