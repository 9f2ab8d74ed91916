//! Firms and their users, as the domain sees them (the adapters decide how).

use time::OffsetDateTime;

use crate::domain::{EmailAddress, FirmId, Language, Role, UserId};

use crate::accounts::{FirmSettings, PasswordExpiry, PasswordHash};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firm {
    pub id: FirmId,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub settings: FirmSettings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub firm_id: FirmId,
    pub email: EmailAddress,
    pub name: String,
    pub role: Role,
    pub language: Language,
    pub created_at: OffsetDateTime,
    /// Firm users sign in with a password; clients never have one.
    pub password: Option<PasswordState>,
    /// Goes up with every change of the user's credentials (password, second
    /// factors, a recovery). Whatever was issued against the credentials (reset
    /// links, password-change tokens, `mfa_token`s, enrolment sessions, pushes,
    /// trusted browsers) carries the version it was issued at and dies with it.
    pub credential_version: u64,
}

/// A firm user's password: its hash and what the password policy needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordState {
    pub hash: PasswordHash,
    pub changed_at: OffsetDateTime,
    /// An administrator forced a change: the next sign-in must replace it.
    pub must_change: bool,
    /// The `changed_at` of the password whose expiry notice was sent, if any.
    pub notice_sent_for: Option<OffsetDateTime>,
}

impl PasswordState {
    /// When the password expires under `expiry`; `None` when it never does.
    pub fn expires_at(&self, expiry: PasswordExpiry) -> Option<OffsetDateTime> {
        match expiry.days() {
            0 => None,
            days => Some(self.changed_at + time::Duration::days(i64::from(days))),
        }
    }

    /// Whether the next sign-in must replace this password.
    pub fn must_be_replaced_at(&self, expiry: PasswordExpiry, now: OffsetDateTime) -> bool {
        self.must_change
            || self
                .expires_at(expiry)
                .is_some_and(|expires_at| now >= expires_at)
    }
}
