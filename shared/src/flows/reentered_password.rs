//! A signed-in firm user typing their password again before a sensitive change
//! (a new password, a second factor). A wrong password counts towards the
//! account's sign-in limit, as at sign-in, and takes its slot before Argon2 runs.

use crate::Services;
use crate::domain::{Password, User};
use crate::flows::limits::{self, Exceeded};
use crate::flows::password_login::account_limit;
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
    let slot = match limits::take(svc, &account_limit(svc, user.email.as_str())).await? {
        Ok(slot) => slot,
        Err(lock) => return Ok(Reentered::Locked(lock)),
    };
    if Password::parse(raw).is_ok_and(|password| passwords::verify(&password, &state.hash)) {
        limits::give_back(svc, vec![slot]).await?;
        return Ok(Reentered::Matches);
    }
    Ok(Reentered::Wrong)
}
