//! The second step of a firm user's sign-in: after a correct password, a user with
//! a second factor gets a 5-minute, single-purpose `mfa_token` instead of a
//! session, and trades it with a code for the session.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::Services;
use crate::accounts::User;
use crate::crypto::first_found;
use crate::domain::{AuditEvent, AuditKind, MfaChallengePurpose, Token};
use crate::http::{Browser, InvalidBody};
use crate::mfa::totp_enrollment::{BACKUP_CODE_LABEL, open_secret, parse_code, unix_seconds};
use crate::mfa::{BackupCode, MAX_CHALLENGE_ATTEMPTS, MfaChallenge, MfaMethod, MfaState};
use crate::mfa::{ChallengePass, Passed};
use crate::ports::Conditional;
use crate::sign_in::limits;
use crate::sign_in::limits::{Limit, Slot, Window};
use crate::sign_in::session::{SignedIn, new_session_lasting};
use crate::sign_in::trusted_browser;

/// How long the second step may take.
pub const CHALLENGE_TTL: time::Duration = time::Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum MfaSignInError {
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("This sign-in has expired. Please sign in with your password again.")]
    InvalidMfaToken,
    #[error("That code is not right.")]
    InvalidCode,
    #[error("A code was sent less than a minute ago. Please wait before asking again.")]
    TooSoon(u64),
    #[error("Too many codes were texted. Please wait before asking again, or use another method.")]
    TooManyTexts(u64),
    #[error("Too many wrong codes. Please wait before trying again.")]
    TooManyCodes(u64),
    #[error("This sign-in cannot use that method.")]
    MethodUnavailable,
    #[error("Too many sign-in requests were pushed. Please wait before asking again.")]
    TooManyPushes(u64),
    #[error("None of your phones could be reached. Please use another method.")]
    PushUnavailable,
    #[error("There is no such sign-in request.")]
    PushNotFound,
    #[error("The sign-in was denied on the phone.")]
    PushDenied,
    #[error("The sign-in request was not answered in time. Please ask again.")]
    PushExpired,
    #[error("The sign-in request has been answered already.")]
    PushAnswered,
    #[error("This device is not registered for push approval.")]
    InvalidDeviceCredential,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Starts the second step for `user`; the body `POST /auth/password` answers.
pub async fn challenge(
    svc: &Services,
    user: &User,
    state: &MfaState,
    now: OffsetDateTime,
) -> anyhow::Result<Value> {
    let token = Token::<MfaChallengePurpose>::generate(svc.random.as_ref());
    svc.store
        .put_mfa_challenge(&MfaChallenge {
            digest: svc.keys.digest(&token),
            user_id: user.id,
            created_at: now,
            expires_at: now + CHALLENGE_TTL,
            credential_version: user.credential_version,
        })
        .await?;
    let methods: Vec<&str> = state.methods().iter().map(|m| m.as_str()).collect();
    Ok(json!({
        "mfa_required": true,
        "mfa_token": token.expose(),
        "methods": methods,
    }))
}

/// Wrong second-step codes a user may send in a window, over every sign-in
/// attempt: someone with the password cannot try 5 codes on each of endless
/// `mfa_token`s.
pub const CODES_PER_USER: u64 = 10;
pub const CODES_PER_USER_WINDOW: time::Duration = time::Duration::minutes(15);

pub(crate) fn user_codes(svc: &Services, user: &User) -> Limit {
    Limit::new(
        svc,
        "mfa-codes-user",
        &user.id.to_string(),
        CODES_PER_USER,
        Window::Every(CODES_PER_USER_WINDOW),
    )
}

/// The codes (and push denials) `challenge` takes: 5 in its life.
pub(crate) fn attempts(svc: &Services, challenge: &MfaChallenge) -> Limit {
    Limit::new(
        svc,
        "mfa-attempts",
        challenge.digest.as_str(),
        MAX_CHALLENGE_ATTEMPTS,
        Window::Until(challenge.expires_at),
    )
}

/// Trades the `mfa_token` and a code from the user's authenticator app for a
/// session (a week long when asked). A wrong code, or one whose time step was
/// accepted already (a replay), counts against the token; the fifth kills it.
#[tracing::instrument(skip_all)]
pub async fn sign_in_with_totp(
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
    let state = svc.store.mfa_state(user.id).await?;
    let totp = state
        .totp
        .as_ref()
        .filter(|totp| totp.confirmed_at.is_some());
    let step = match (totp, parse_code(raw_code)) {
        (Some(totp), Some(code)) => {
            open_secret(svc, &user, &totp.sealed_secret)?.matching_step(code, unix_seconds(now))
        }
        _ => None,
    };
    let Some(step) = step else {
        return Err(refusal(svc, &challenge, now).await?);
    };
    let second_step = SecondStep::new(&challenge, user, now, keep_for_a_week, MfaMethod::Totp);
    finish(
        svc,
        second_step.holding(slot),
        Passed::TotpStep(step),
        browser,
    )
    .await
}

/// Trades the `mfa_token` and one of the user's backup codes for a session. The
/// code is spent in the same transaction that starts the session, so of two
/// sign-ins with one code at most one succeeds.
#[tracing::instrument(skip_all)]
pub async fn sign_in_with_backup_code(
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
    let candidates = BackupCode::parse(raw_code)
        .map(|code| {
            svc.keys
                .digests_labelled(BACKUP_CODE_LABEL, code.expose().as_bytes())
        })
        .unwrap_or_default();
    let known = first_found(candidates, |digest| async move {
        Ok(svc
            .store
            .has_backup_code(user.id, &digest)
            .await?
            .then_some(()))
    })
    .await?;
    let Some((code_digest, ())) = known else {
        return Err(refusal(svc, &challenge, now).await?);
    };
    let second_step = SecondStep::new(
        &challenge,
        user,
        now,
        keep_for_a_week,
        MfaMethod::BackupCode,
    );
    finish(
        svc,
        second_step.holding(slot),
        Passed::BackupCode(&code_digest),
        browser,
    )
    .await
}

/// The challenge `raw_token` names, with its user, when it is unexpired and was
/// issued under the user's current credentials. Its attempts are not looked at.
pub(crate) async fn open_challenge(
    svc: &Services,
    raw_token: &str,
    now: OffsetDateTime,
) -> Result<(MfaChallenge, User), MfaSignInError> {
    let token =
        Token::<MfaChallengePurpose>::parse(raw_token).ok_or(MfaSignInError::InvalidMfaToken)?;
    let (_, challenge) = first_found(svc.keys.digests(&token), |digest| async move {
        svc.store.mfa_challenge(&digest).await
    })
    .await?
    .ok_or(MfaSignInError::InvalidMfaToken)?;
    let user = svc
        .store
        .user(challenge.user_id)
        .await?
        .filter(|user| challenge.is_usable_by(user, now))
        .ok_or(MfaSignInError::InvalidMfaToken)?;
    Ok((challenge, user))
}

/// An attempt at the second step: the open challenge, its user, and the slot
/// the attempt holds of the user's limit (given back when the code is right).
pub(crate) struct Attempt {
    pub(crate) challenge: MfaChallenge,
    pub(crate) user: User,
    pub(crate) slot: Slot,
}

/// The open challenge `raw_token` names, with one of its attempts and one of its
/// user's: a code is compared only with both in hand. A token whose attempts ran
/// out (concurrent wrong codes included) is dead; a user whose wrong codes ran
/// out waits for the window to end.
pub(crate) async fn attempt(
    svc: &Services,
    raw_token: &str,
    now: OffsetDateTime,
) -> Result<Attempt, MfaSignInError> {
    let (challenge, user) = open_challenge(svc, raw_token, now).await?;
    // The challenge's slot is kept: a right code ends it, a wrong one counts.
    let kept = limits::take(svc, &attempts(svc, &challenge))
        .await?
        .map_err(|_| MfaSignInError::InvalidMfaToken)?;
    match limits::take(svc, &user_codes(svc, &user)).await? {
        Ok(slot) => Ok(Attempt {
            challenge,
            user,
            slot,
        }),
        Err(exceeded) => {
            // Not compared: the token keeps the attempt.
            limits::give_back(svc, vec![kept]).await?;
            Err(MfaSignInError::TooManyCodes(exceeded.retry_after))
        }
    }
}

/// The open challenge `raw_token` names, when it has attempts left: for the
/// steps that compare no code (sending a text or a push, polling a push).
pub(crate) async fn live_challenge(
    svc: &Services,
    raw_token: &str,
    now: OffsetDateTime,
) -> Result<(MfaChallenge, User), MfaSignInError> {
    let (challenge, user) = open_challenge(svc, raw_token, now).await?;
    if limits::exhausted(svc, &attempts(svc, &challenge)).await? {
        return Err(MfaSignInError::InvalidMfaToken);
    }
    Ok((challenge, user))
}

/// Counts a push denied on the phone against the challenge, like a wrong code.
pub(crate) async fn count_denial(svc: &Services, challenge: &MfaChallenge) -> anyhow::Result<()> {
    // Refused: the challenge had no attempt left, and is dead already.
    let _kept = limits::take(svc, &attempts(svc, challenge)).await?;
    Ok(())
}

pub(crate) struct SecondStep<'a> {
    pub challenge: &'a MfaChallenge,
    pub user: User,
    pub now: OffsetDateTime,
    pub keep_for_a_week: bool,
    pub method: MfaMethod,
    /// The slot of the user's code limit this step holds, given back on a pass.
    pub slot: Option<Slot>,
}

impl<'a> SecondStep<'a> {
    pub(crate) fn new(
        challenge: &'a MfaChallenge,
        user: User,
        now: OffsetDateTime,
        keep_for_a_week: bool,
        method: MfaMethod,
    ) -> Self {
        Self {
            challenge,
            user,
            now,
            keep_for_a_week,
            method,
            slot: None,
        }
    }

    pub(crate) fn holding(self, slot: Slot) -> Self {
        Self {
            slot: Some(slot),
            ..self
        }
    }
}

/// Ends the challenge and starts the session, spending what passed it, and
/// trusts the browser. Of concurrent passes of one challenge one wins; the others
/// are answered as a later request would be: the token is spent.
pub(crate) async fn finish(
    svc: &Services,
    step: SecondStep<'_>,
    passed: Passed<'_>,
    browser: &Browser,
) -> Result<SignedIn, MfaSignInError> {
    let (token, session) = new_session_lasting(svc, &step.user, step.now, step.keep_for_a_week);
    let audit = [AuditEvent::new(AuditKind::SignedIn, step.now, step.user.id)
        .from_ip(browser.ip.as_deref())
        .with_detail(format!("password+{}", step.method.as_str()))];
    let pass = ChallengePass {
        challenge: &step.challenge.digest,
        now: step.now,
        user: step.user.id,
        credential_version: step.challenge.credential_version,
        spends: passed,
        session: &session,
        audit: &audit,
    };
    match svc.store.pass_mfa_challenge(&pass).await? {
        Conditional::Applied => {
            // Signed in by now: a slot not given back only counts a right code.
            if let Err(err) = limits::give_back(svc, step.slot.into_iter().collect()).await {
                tracing::warn!(error = format!("{err:#}"), "slot not given back");
            }
            let trusted = trusted_browser::trust(svc, &step.user, browser, step.now).await;
            Ok(SignedIn {
                token,
                session,
                user: step.user,
                trusted,
            })
        }
        // The challenge was passed or died meanwhile, or what passed it was
        // spent by a concurrent sign-in (a replayed code is a wrong one).
        Conditional::Refused => Err(refusal(svc, step.challenge, step.now).await?),
    }
}

/// The answer to a code that did not pass: wrong while the challenge lives, but
/// when a concurrent sign-in passed it (spending the code too) or a change of
/// credentials ended it, the answer a later request would get. So a right code
/// that lost a race is answered as one that came second, never as a wrong one.
pub(crate) async fn refusal(
    svc: &Services,
    challenge: &MfaChallenge,
    now: OffsetDateTime,
) -> anyhow::Result<MfaSignInError> {
    let alive = match svc.store.mfa_challenge(&challenge.digest).await? {
        Some(challenge) => svc
            .store
            .user(challenge.user_id)
            .await?
            .is_some_and(|user| challenge.is_usable_by(&user, now)),
        None => false,
    };
    Ok(match alive {
        true => MfaSignInError::InvalidCode,
        false => MfaSignInError::InvalidMfaToken,
    })
}
