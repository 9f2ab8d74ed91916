//! A firm user changes their password: signed in, with the current one; or with
//! the token a sign-in hands out when the password expired or a change was forced.

use time::OffsetDateTime;

use crate::Services;
use crate::accounts::PasswordChange;
use crate::accounts::passwords;
use crate::accounts::passwords::{PolicyContext, check_policy};
use crate::accounts::reentered_password::{Reentered, check_reentered_password};
use crate::accounts::{Password, PasswordState, User};
use crate::domain::{AuditEvent, AuditKind, PasswordChangePurpose, TokenDigest};
use crate::http::{InvalidBody, Principal};
use crate::ports::Conditional;
use crate::sign_in::LinkKind;
use crate::sign_in::limits::Exceeded;
use crate::sign_in::one_time;

#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("Clients sign in with emailed links and have no password.")]
    Forbidden,
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("The current password is not correct.")]
    InvalidCredentials,
    #[error("Too many failed attempts. Please wait before trying again.")]
    RateLimited(Exceeded),
    #[error("The new password is too weak.")]
    WeakPassword { feedback: Vec<String> },
    #[error("The new password must differ from the current one.")]
    PasswordReused,
    #[error("This password change has expired or was already made. Please sign in again.")]
    TokenExpired,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Checks the current password, applies the firm's policy to the new one, and
/// replaces it: the expiry interval restarts and every other session ends. Wrong
/// current passwords count towards the account's sign-in lock.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn change_password(
    svc: &Services,
    principal: &Principal,
    current: String,
    new: String,
    source_ip: Option<&str>,
) -> Result<(), PasswordChangeError> {
    let user = svc
        .store
        .user(principal.user_id)
        .await?
        .ok_or(PasswordChangeError::Unauthorized)?;
    match check_reentered_password(svc, &user, current).await? {
        Reentered::Matches => {}
        Reentered::Wrong => return Err(PasswordChangeError::InvalidCredentials),
        Reentered::Locked(lock) => return Err(PasswordChangeError::RateLimited(lock)),
        Reentered::NoPassword => return Err(PasswordChangeError::Forbidden),
    }
    let state = user
        .password
        .clone()
        .ok_or(PasswordChangeError::Forbidden)?;
    let replaced = replace(
        svc,
        &user,
        Some(&state),
        new,
        Some(&principal.session),
        None,
        source_ip,
    )
    .await?;
    // Changed by someone else since it was checked: the current password the
    // caller gave is no longer current.
    replaced
        .then_some(())
        .ok_or(PasswordChangeError::InvalidCredentials)
}

/// Replaces an expired or forced password with the token the sign-in handed out.
/// The token works once, for 15 minutes; every session of the user ends.
#[tracing::instrument(skip_all)]
pub async fn change_password_with_token(
    svc: &Services,
    raw_token: &str,
    new: String,
    source_ip: Option<&str>,
) -> Result<(), PasswordChangeError> {
    let now = svc.clock.now();
    let (digest, user) = one_time::redeemable::<PasswordChangePurpose>(
        svc,
        LinkKind::PasswordChange,
        raw_token,
        now,
    )
    .await?
    .ok_or(PasswordChangeError::TokenExpired)?;
    let state = user
        .password
        .clone()
        .ok_or(PasswordChangeError::TokenExpired)?;
    let spends = Some((LinkKind::PasswordChange, &digest, now));
    let replaced = replace(svc, &user, Some(&state), new, None, spends, source_ip).await?;
    replaced
        .then_some(())
        .ok_or(PasswordChangeError::TokenExpired)
}

/// Applies the policy to `new` and stores it in place of `current` (if the user
/// has one yet), ending the user's sessions but `keep_session` and spending
/// `spends`. `false` when a condition of the write no longer held.
pub(crate) async fn replace(
    svc: &Services,
    user: &User,
    current: Option<&PasswordState>,
    new: String,
    keep_session: Option<&TokenDigest>,
    spends: Option<(LinkKind, &TokenDigest, OffsetDateTime)>,
    source_ip: Option<&str>,
) -> Result<bool, PasswordChangeError> {
    let new = Password::parse(new).map_err(|invalid| PasswordChangeError::WeakPassword {
        feedback: vec![invalid.to_string()],
    })?;
    if current.is_some_and(|current| passwords::verify(&new, &current.hash)) {
        return Err(PasswordChangeError::PasswordReused);
    }
    let firm = svc.store.firm(user.firm_id).await?;
    let context = PolicyContext {
        require_strong: firm.is_some_and(|firm| firm.settings.require_strong_passwords),
        email: &user.email,
        name: &user.name,
    };
    check_policy(&new, &context).map_err(|weak| PasswordChangeError::WeakPassword {
        feedback: weak.feedback,
    })?;

    let now = svc.clock.now();
    let replacement = PasswordState {
        hash: passwords::hash(&new, svc.random.as_ref())?,
        changed_at: now,
        must_change: false,
        notice_sent_for: None,
    };
    let audit = AuditEvent::new(AuditKind::PasswordChanged, now, user.id).from_ip(source_ip);
    let change = PasswordChange {
        user: user.id,
        new: &replacement,
        expected: current.map(|current| &current.hash),
        expected_version: user.credential_version,
        keep_session,
        spends,
        audit: &audit,
    };
    Ok(svc.store.replace_password(&change).await? == Conditional::Applied)
}
