//! The second step by texted code: sending the code, and signing in with it.

use crate::Services;
use crate::domain::TokenDigest;
use crate::http::Browser;
use crate::mfa::MfaMethod;
use crate::mfa::Passed;
use crate::mfa::second_step::{
    Attempt, MfaSignInError, SecondStep, attempt, finish, live_challenge, refusal,
};
use crate::mfa::sms_codes::{Sending, matching_code, send_code};
use crate::sign_in::session::SignedIn;

fn sign_in_scope(challenge: &TokenDigest) -> String {
    format!("SIGNIN#{challenge}")
}

/// Texts a code for this sign-in attempt to the user's confirmed phone, in their
/// language; at most one every 60 s, and within the user's and the phone's caps.
#[tracing::instrument(skip_all)]
pub async fn send_sign_in_code(svc: &Services, raw_token: &str) -> Result<(), MfaSignInError> {
    let now = svc.clock.now();
    let (challenge, user) = live_challenge(svc, raw_token, now).await?;
    let phone = svc
        .store
        .mfa_state(user.id)
        .await?
        .sms
        .filter(|sms| sms.confirmed_at.is_some())
        .map(|sms| sms.phone)
        .ok_or(MfaSignInError::MethodUnavailable)?;
    match send_code(svc, &sign_in_scope(&challenge.digest), &phone, &user).await? {
        Sending::Sent => Ok(()),
        Sending::TooSoon(seconds) => Err(MfaSignInError::TooSoon(seconds)),
        Sending::OverCap(exceeded) => Err(MfaSignInError::TooManyTexts(exceeded.retry_after)),
    }
}

/// Trades the `mfa_token` and the code texted for it for a session. A wrong code
/// counts against both the code (5 tries) and the token.
#[tracing::instrument(skip_all)]
pub async fn sign_in_with_sms(
    svc: &Services,
    raw_token: &str,
    raw_code: &str,
    keep_for_a_week: bool,
    browser: &Browser,
) -> Result<SignedIn, MfaSignInError> {
    let now = svc.clock.now();
    let Attempt {
        challenge,
        user,
        slot,
    } = attempt(svc, raw_token, now).await?;
    let scope = sign_in_scope(&challenge.digest);
    let Some(digest) = matching_code(svc, &scope, raw_code).await? else {
        return Err(refusal(svc, &challenge, now).await?);
    };
    let second_step = SecondStep::new(&challenge, user, now, keep_for_a_week, MfaMethod::Sms);
    let passed = Passed::SmsCode {
        scope: &scope,
        digest: &digest,
    };
    finish(svc, second_step.holding(slot), passed, browser).await
}
