//! A signed-in firm user typing their password again before a sensitive change
//! (a new password, a second factor). The check takes a slot of the user's own
//! limit before Argon2 runs, and a right password gives it back. It is not the
//! sign-in limit of the email: wrong sign-ins from strangers must not keep a
//! signed-in user from changing their password or their factors.

use crate::Services;
use crate::accounts::passwords;
use crate::accounts::{Password, User};
use crate::sign_in::limits;
use crate::sign_in::limits::{Exceeded, Limit, Window};

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
    let numbers = svc.settings.password_failure_limits;
    let limit = Limit::new(
        svc,
        "password-reentry",
        &user.id.to_string(),
        numbers.per_email,
        Window::Every(numbers.window),
    );
    let slot = match limits::take(svc, &limit).await? {
        Ok(slot) => slot,
        Err(lock) => return Ok(Reentered::Locked(lock)),
    };
    if Password::parse(raw).is_ok_and(|password| passwords::verify(&password, &state.hash)) {
        limits::give_back(svc, vec![slot]).await?;
        return Ok(Reentered::Matches);
    }
    Ok(Reentered::Wrong)
}
