//! Second factors, as the domain sees them.

use time::OffsetDateTime;

use crate::domain::{PhoneNumber, TokenDigest, UserId};

use crate::mfa::PushDevice;

/// A way to pass the second step of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MfaMethod {
    Totp,
    Sms,
    Push,
    BackupCode,
}

impl MfaMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Sms => "sms",
            Self::Push => "push",
            Self::BackupCode => "backup_code",
        }
    }
}

/// An authenticator app's factor: its sealed secret, and the last time step a
/// code was accepted for (a step is accepted at most once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpFactor {
    /// The secret sealed with [`crate::crypto::ServerKey::seal`]; never stored plain.
    pub sealed_secret: String,
    pub created_at: OffsetDateTime,
    /// `None` until the user has shown a code from it.
    pub confirmed_at: Option<OffsetDateTime>,
    pub last_step: u64,
}

/// A phone that receives sign-in codes by SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsFactor {
    pub phone: PhoneNumber,
    pub created_at: OffsetDateTime,
    /// `None` until the user has typed a code sent to it.
    pub confirmed_at: Option<OffsetDateTime>,
}

/// A code sent by SMS, known to the store by its digest: valid 10 minutes, dead
/// after 5 wrong tries, and another is sent no sooner than 60 s after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCode {
    pub digest: String,
    pub sent_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Tries an SMS code takes (counted by [`crate::sign_in::limits`]).
pub const MAX_CODE_TRIES: u64 = 5;

impl SentCode {
    pub fn is_unexpired_at(&self, now: OffsetDateTime) -> bool {
        now < self.expires_at
    }
}

/// A user's second factors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MfaState {
    pub totp: Option<TotpFactor>,
    pub sms: Option<SmsFactor>,
    /// Phones registered for push approval.
    pub push_devices: Vec<PushDevice>,
    /// Backup codes not used yet.
    pub backup_codes_left: usize,
}

impl MfaState {
    /// The methods that can pass a sign-in, in a stable order.
    pub fn methods(&self) -> Vec<MfaMethod> {
        let mut methods = Vec::new();
        if self
            .totp
            .as_ref()
            .is_some_and(|totp| totp.confirmed_at.is_some())
        {
            methods.push(MfaMethod::Totp);
        }
        if self
            .sms
            .as_ref()
            .is_some_and(|sms| sms.confirmed_at.is_some())
        {
            methods.push(MfaMethod::Sms);
        }
        if !self.push_devices.is_empty() {
            methods.push(MfaMethod::Push);
        }
        if self.backup_codes_left > 0 {
            methods.push(MfaMethod::BackupCode);
        }
        methods
    }

    /// Every kind of factor stored, confirmed or pending, with the backup codes:
    /// what removing all of the user's MFA removes.
    pub fn stored_methods(&self) -> Vec<MfaMethod> {
        [
            (MfaMethod::Totp, self.totp.is_some()),
            (MfaMethod::Sms, self.sms.is_some()),
            (MfaMethod::Push, !self.push_devices.is_empty()),
            (MfaMethod::BackupCode, self.backup_codes_left > 0),
        ]
        .into_iter()
        .filter_map(|(method, stored)| stored.then_some(method))
        .collect()
    }

    /// Whether a confirmed second factor would be left after removing `removed`.
    pub fn enabled_without(&self, removed: &[MfaMethod]) -> bool {
        self.methods()
            .iter()
            .any(|method| *method != MfaMethod::BackupCode && !removed.contains(method))
    }

    /// A second factor is on: sign-ins need it.
    pub fn enabled(&self) -> bool {
        self.methods()
            .iter()
            .any(|method| *method != MfaMethod::BackupCode)
    }
}

/// The second step of a sign-in, known to the store by its token's digest. It
/// lasts 5 minutes and dies after 5 wrong codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaChallenge {
    pub digest: TokenDigest,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The user's credential version when the password was checked.
    pub credential_version: u64,
}

/// Codes (and push denials) a challenge takes, counted by
/// [`crate::sign_in::limits`]: after 5 wrong ones it is dead.
pub const MAX_CHALLENGE_ATTEMPTS: u64 = 5;

impl MfaChallenge {
    /// Unexpired, and issued under the user's current credentials.
    pub fn is_usable_by(&self, user: &crate::accounts::User, now: OffsetDateTime) -> bool {
        now < self.expires_at
            && self.user_id == user.id
            && self.credential_version == user.credential_version
    }
}
