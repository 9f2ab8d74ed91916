//! What the second factors store: factors, sent codes, challenges, pushes.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, TokenDigest, UserId};

use crate::sign_in::Session;

use crate::domain::{PhoneNumber, PushChallengeId};
use crate::mfa::{MfaChallenge, MfaMethod, MfaState, SentCode};
use crate::mfa::{PushChallenge, PushDevice, PushStatus};

use crate::ports::Conditional;

/// Turning on a pending factor (an authenticator app, with the step of the code
/// that proved it; or a phone): the backup codes to store (the first time MFA is
/// turned on), the session that stays signed in while every other one ends, and
/// the audit entry.
#[derive(Debug)]
pub struct FactorConfirmation<'a> {
    pub user: UserId,
    /// The credential version the caller read the user's factors at: of
    /// concurrent confirmations, one applies, and the others read again.
    pub expected_version: u64,
    pub factor: ConfirmedFactor,
    pub at: OffsetDateTime,
    pub backup_code_digests: &'a [String],
    /// The session that made the change, which stays; `None` ends every session.
    pub keep_session: Option<&'a TokenDigest>,
    pub audit: &'a AuditEvent,
}

#[async_trait]
pub trait MfaStore: Send + Sync {
    async fn mfa_state(&self, user: UserId) -> anyhow::Result<MfaState>;
    /// Stores a new, unconfirmed authenticator secret; `Refused` when the user
    /// has a confirmed one (it must be removed first).
    async fn begin_totp(
        &self,
        user: UserId,
        sealed_secret: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Confirms the pending factor, stores the backup codes, moves the credential
    /// version on and ends the user's other sessions, all at once; `Refused` when
    /// there is no pending one, the version is no longer the one expected, or (a
    /// phone) the user has [`crate::mfa::MAX_PUSH_DEVICES`] already.
    async fn confirm_factor(
        &self,
        confirmation: &FactorConfirmation<'_>,
    ) -> anyhow::Result<Conditional>;
    /// Stores a new, unconfirmed phone; `Refused` when the user has a confirmed
    /// one (it must be removed first).
    async fn begin_sms(
        &self,
        user: UserId,
        phone: &PhoneNumber,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Stores the code just drawn under `scope` (one per enrolment or sign-in
    /// attempt), replacing an older one; `Refused` when the one there was sent
    /// after `cooldown_since` (too soon for another).
    async fn put_sent_code(
        &self,
        scope: &str,
        code: &SentCode,
        cooldown_since: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    async fn sent_code(&self, scope: &str) -> anyhow::Result<Option<SentCode>>;
    /// Spends the code, on condition that it is still `digest` and unexpired at
    /// `now`: of concurrent uses, at most one is `Applied`.
    async fn spend_sent_code(
        &self,
        scope: &str,
        digest: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    async fn put_mfa_challenge(&self, challenge: &MfaChallenge) -> anyhow::Result<()>;
    async fn mfa_challenge(&self, digest: &TokenDigest) -> anyhow::Result<Option<MfaChallenge>>;
    /// Ends the challenge, spends what passed it and starts the session, with its
    /// audit entries, at once, on condition that the challenge is unexpired at
    /// `now`, the user's credentials are still at `credential_version`, and what
    /// is spent is unspent: of concurrent uses of one code (or challenge), at most
    /// one is `Applied`.
    async fn pass_mfa_challenge(&self, pass: &ChallengePass<'_>) -> anyhow::Result<Conditional>;
    async fn has_backup_code(&self, user: UserId, digest: &str) -> anyhow::Result<bool>;
    /// Replaces the user's backup codes with these (the old ones void), moves the
    /// credential version on and ends every other session, at once; `Refused`
    /// when the version is no longer `expected_version`.
    async fn replace_backup_codes(
        &self,
        user: UserId,
        expected_version: u64,
        digests: &[String],
        keep_session: &TokenDigest,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Removes second factors of the kinds `methods` (every phone, every backup
    /// code), moves the credential version on and ends every other session, at
    /// once; `Refused` when the version is no longer `expected_version`.
    async fn remove_mfa_methods(
        &self,
        user: UserId,
        expected_version: u64,
        methods: &[MfaMethod],
        keep_session: Option<&TokenDigest>,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    async fn put_push_challenge(&self, challenge: &PushChallenge) -> anyhow::Result<()>;
    async fn push_challenge(&self, id: PushChallengeId) -> anyhow::Result<Option<PushChallenge>>;
    /// Records the phone's answer, on condition that the push is still pending
    /// and unexpired at `now`: of two answers, at most one is `Applied`.
    async fn answer_push_challenge(
        &self,
        id: PushChallengeId,
        answer: PushStatus,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
}

/// Which pending factor a confirmation turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmedFactor {
    /// The authenticator app, with the time step of the code that proved it.
    Totp { step: u64 },
    /// The pending phone for SMS codes, on condition that it is still this number.
    Sms(PhoneNumber),
    /// A phone for push approval, registered with its platform already.
    Push(PushDevice),
}

/// Passing the second step of a sign-in, as [`MfaStore::pass_mfa_challenge`] applies it.
#[derive(Debug)]
pub struct ChallengePass<'a> {
    pub challenge: &'a TokenDigest,
    pub now: OffsetDateTime,
    pub user: UserId,
    pub credential_version: u64,
    pub spends: Passed<'a>,
    pub session: &'a Session,
    pub audit: &'a [AuditEvent],
}

/// What passed the second step, spent with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed<'a> {
    /// A code of the authenticator app of this time step: accepted on condition
    /// that no code of it or a later step was (a replay).
    TotpStep(u64),
    /// The texted code of `scope`, by digest, on condition it is still the live one.
    SmsCode { scope: &'a str, digest: &'a str },
    /// A backup code, by digest, on condition that it is unspent.
    BackupCode(&'a str),
    /// An approved push: nothing more to spend.
    Push,
}
