//! What the accounts capability stores: users and firms.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, EmailAddress, FirmId, Language, TokenDigest, UserId};

use crate::accounts::{Firm, FirmSettings, PasswordHash, PasswordState, User};

use crate::sign_in::LinkKind;

use crate::ports::Conditional;

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn user_id_by_email(&self, email: &EmailAddress) -> anyhow::Result<Option<UserId>>;
    async fn user(&self, id: UserId) -> anyhow::Result<Option<User>>;
    /// Creates the user and claims their email address in one transaction;
    /// `Refused` when the address belongs to someone already.
    async fn create_user(&self, user: &User, audit: &AuditEvent) -> anyhow::Result<Conditional>;
    async fn set_language(
        &self,
        id: UserId,
        language: Language,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Records that the expiry notice for the password set at `password_changed_at`
    /// is being sent; `Refused` when it was already, or the password changed since.
    async fn claim_expiry_notice(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Undoes a claim whose email could not be sent, so the next run tries again.
    async fn release_expiry_notice(&self, id: UserId) -> anyhow::Result<()>;
    /// Makes the user's next sign-in replace their password (a change of
    /// credentials); `Refused` when the user has no password (or is gone).
    async fn force_password_change(
        &self,
        id: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// The expiry job's forced change: as [`UserStore::force_password_change`], but
    /// `Refused` too when the password changed since `password_changed_at`, or a
    /// change is forced already (a job run twice, or two at once, forces it once).
    async fn expire_password(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Every user of the firm (clients included), in pages from the index.
    async fn users_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<User>>;
    /// Replaces a password and ends the user's other sessions, with its audit
    /// entry, in one transaction. `Refused` when the user is gone, when their
    /// credentials changed since the caller read them, or, with `expected`, when
    /// the password is no longer the one the caller checked.
    async fn replace_password(&self, change: &PasswordChange<'_>) -> anyhow::Result<Conditional>;
}

/// A new password for a user, as [`UserStore::replace_password`] applies it.
#[derive(Debug)]
pub struct PasswordChange<'a> {
    pub user: UserId,
    pub new: &'a PasswordState,
    /// The hash the caller verified the current password against, if any.
    pub expected: Option<&'a PasswordHash>,
    /// The user's credential version the caller read.
    pub expected_version: u64,
    /// The session that stays signed in (the one making the change), if any.
    pub keep_session: Option<&'a TokenDigest>,
    /// A one-time link spent by this change, on condition that it is unused and
    /// unexpired at the given time.
    pub spends: Option<(LinkKind, &'a TokenDigest, OffsetDateTime)>,
    pub audit: &'a AuditEvent,
}

#[async_trait]
pub trait FirmStore: Send + Sync {
    async fn create_firm(&self, firm: &Firm) -> anyhow::Result<()>;
    async fn firm(&self, id: FirmId) -> anyhow::Result<Option<Firm>>;
    /// Every firm, from the index (for the scheduled jobs).
    async fn firms(&self) -> anyhow::Result<Vec<Firm>>;
    /// Records that `client`, who came to the portal through another firm, is a
    /// client of `firm` too, with its audit entry; `Refused` when they were one
    /// already (and nothing is written).
    async fn add_client(
        &self,
        firm: FirmId,
        client: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Whether `user` was made a client of `firm` by [`FirmStore::add_client`].
    async fn is_client_of(&self, firm: FirmId, user: UserId) -> anyhow::Result<bool>;
    /// Replaces the firm's settings; `Refused` when there is no such firm.
    async fn set_firm_settings(
        &self,
        id: FirmId,
        settings: &FirmSettings,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
}
