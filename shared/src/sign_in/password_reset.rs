//! Forgotten passwords: a firm user asks for a link by email and chooses a new
//! password with it.

use crate::Services;
use crate::accounts::User;
use crate::accounts::password_change::{PasswordChangeError, replace};
use crate::domain::{AuditEvent, AuditKind, PasswordResetPurpose, Role, Token};
use crate::email::password_reset_email;
use crate::sign_in::link_request;
use crate::sign_in::link_request::LinkRequestError;
use crate::sign_in::one_time;
use crate::sign_in::{LinkKind, OneTimeLink};

/// How long an emailed reset link works.
pub const RESET_LINK_TTL: time::Duration = time::Duration::HOUR;

/// Emails a reset link to the firm user with this address, if there is one; the
/// answer says nothing about whether there is.
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    svc: &Services,
    raw_email: &str,
    source_ip: Option<&str>,
) -> Result<(), LinkRequestError> {
    let firm_user = |role| matches!(role, Role::Staff | Role::Admin);
    link_request::answer(
        svc,
        "password-reset",
        raw_email,
        source_ip,
        firm_user,
        async |user| issue_reset_link(svc, user, source_ip).await,
    )
    .await
}

async fn issue_reset_link(
    svc: &Services,
    user: &User,
    source_ip: Option<&str>,
) -> anyhow::Result<()> {
    let url = store_reset_link(
        svc,
        user,
        RESET_LINK_TTL,
        AuditKind::PasswordResetRequested,
        source_ip,
    )
    .await?;
    let email = password_reset_email(user.language, &user.name, &url);
    svc.mailer.send(&email.to(&user.email)).await
}

/// Stores a fresh reset link for `user`, valid `ttl`, and returns its URL.
pub(crate) async fn store_reset_link(
    svc: &Services,
    user: &User,
    ttl: time::Duration,
    kind: AuditKind,
    source_ip: Option<&str>,
) -> anyhow::Result<String> {
    let now = svc.clock.now();
    let token = Token::<PasswordResetPurpose>::generate(svc.random.as_ref());
    let link = OneTimeLink {
        digest: svc.keys.digest(&token),
        user_id: user.id,
        created_at: now,
        expires_at: now + ttl,
        used_at: None,
        credential_version: user.credential_version,
    };
    let audit = AuditEvent::new(kind, now, user.id).from_ip(source_ip);
    svc.store
        .put_link(LinkKind::PasswordReset, &link, &audit)
        .await?;
    Ok(format!(
        "{}/auth/reset?token={}",
        svc.settings.portal_url,
        token.expose()
    ))
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordResetError {
    #[error(
        "This password reset link has expired or has already been used. Please request a new one."
    )]
    Expired,
    #[error(transparent)]
    Change(#[from] PasswordChangeError),
}

impl From<anyhow::Error> for PasswordResetError {
    fn from(err: anyhow::Error) -> Self {
        Self::Change(PasswordChangeError::Unexpected(err))
    }
}

/// Sets a new password with an emailed reset link, under the same rules as a
/// change; the interval restarts and every session of the user ends. Used,
/// expired and unknown links all end as `Expired`.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    svc: &Services,
    raw_token: &str,
    new: String,
    source_ip: Option<&str>,
) -> Result<(), PasswordResetError> {
    let now = svc.clock.now();
    let (digest, user) =
        one_time::redeemable::<PasswordResetPurpose>(svc, LinkKind::PasswordReset, raw_token, now)
            .await?
            .filter(|(_, user)| user.role != Role::Client)
            .ok_or(PasswordResetError::Expired)?;
    let spends = Some((LinkKind::PasswordReset, &digest, now));
    let replaced = replace(
        svc,
        &user,
        user.password.as_ref(),
        new,
        None,
        spends,
        source_ip,
    )
    .await?;
    replaced.then_some(()).ok_or(PasswordResetError::Expired)
}
