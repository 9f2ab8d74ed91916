//! A signed-in firm user typing their password again before a sensitive change
//! (a new password, a second factor). Wrong passwords count towards the account's
//! sign-in lock, as at sign-in.

use crate::Services;
use crate::domain::{Password, User};
use crate::flows::password_login::ACCOUNT_SCOPE;
use crate::flows::rate_limit::Exceeded;
use crate::flows::throttle;
use crate::passwords;

/// How the password typed again compared.
#[derive(Debug)]
pub enum Reentered {
    Matches,
    Wrong,
    /// Too many wrong passwords lately: not even checked.
    Locked(Exceeded),
    /// The user has no password (a client, or an invitee who never chose one).
    NoPassword,
}

pub async fn check_reentered_password(
    svc: &Services,
    user: &User,
    raw: String,
) -> anyhow::Result<Reentered> {
    let Some(state) = &user.password else {
        return Ok(Reentered::NoPassword);
    };
    let limits = svc.settings.password_failure_limits;
    let account = user.email.as_str();
    if let Some(lock) =
        throttle::locked(svc, ACCOUNT_SCOPE, account, limits.per_email, limits.window).await?
    {
        return Ok(Reentered::Locked(lock));
    }
    if Password::parse(raw).is_ok_and(|password| passwords::verify(&password, &state.hash)) {
        return Ok(Reentered::Matches);
    }
    throttle::record_failure(svc, ACCOUNT_SCOPE, account, limits.window).await?;
    Ok(Reentered::Wrong)
}
