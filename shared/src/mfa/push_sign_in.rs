//! The second step of a sign-in by push approval, with number matching: the
//! browser asks for a push and shows a number; each of the user's phones offers
//! three numbers; the user picks the one on screen (a wrong pick denies); the
//! browser polls until the answer and collects the session.

use serde_json::{Value, json};

use crate::Services;
use crate::documents::cases::firm_name;
use crate::domain::{DeviceCredentialPurpose, PushChallengeId, Token};
use crate::http::Browser;
use crate::http::bodies::rfc3339;
use crate::mfa::Passed;
use crate::mfa::phone_texts::push_alert_text;
use crate::mfa::second_step::{
    CHALLENGE_TTL, MfaSignInError, SecondStep, count_denial, finish, live_challenge,
};
use crate::mfa::{MfaMethod, PUSH_TTL, PushChallenge, PushStatus, matching_numbers};
use crate::ports::{Conditional, PushMessage};
use crate::sign_in::limits;
use crate::sign_in::limits::{Limit, Window};
use crate::sign_in::session::SignedIn;

/// Pushes one sign-in attempt may send: a phone cannot be flooded with prompts.
pub const PUSHES_PER_SIGN_IN: u64 = 3;
/// Pushes one user may be sent in an hour, over every sign-in attempt: someone
/// with the password cannot wear the user down with prompts either.
pub const PUSHES_PER_USER_HOUR: u64 = 10;
const PUSH_SCOPE: &str = "mfa-push";
const USER_PUSH_SCOPE: &str = "mfa-push-user";

/// Longest user agent put in a push.
const MAX_USER_AGENT_CHARS: usize = 120;

/// Sends a push to every phone the user registered and answers the browser's
/// `{"challenge_id","number","expires_at"}`: the number to show.
#[tracing::instrument(skip_all)]
pub async fn send_push(
    svc: &Services,
    raw_token: &str,
    requester: &Browser,
) -> Result<Value, MfaSignInError> {
    let now = svc.clock.now();
    let (challenge, user) = live_challenge(svc, raw_token, now).await?;
    let state = svc.store.mfa_state(user.id).await?;
    if state.push_devices.is_empty() {
        return Err(MfaSignInError::MethodUnavailable);
    }
    let caps = [
        Limit::new(
            svc,
            PUSH_SCOPE,
            challenge.digest.as_str(),
            PUSHES_PER_SIGN_IN,
            Window::Until(challenge.created_at + CHALLENGE_TTL),
        ),
        Limit::new(
            svc,
            USER_PUSH_SCOPE,
            &user.id.to_string(),
            PUSHES_PER_USER_HOUR,
            Window::Every(time::Duration::HOUR),
        ),
    ];
    // The slots are kept: a push asked for counts, delivered or not.
    let _kept = limits::take_all(svc, &caps)
        .await?
        .map_err(|exceeded| MfaSignInError::TooManyPushes(exceeded.retry_after))?;
    let (number, choices) = matching_numbers(svc.random.as_ref());
    let push = PushChallenge {
        id: PushChallengeId::new(),
        user_id: user.id,
        mfa_challenge: challenge.digest.clone(),
        number,
        choices,
        status: PushStatus::Pending,
        created_at: now,
        expires_at: now + PUSH_TTL,
        credential_version: user.credential_version,
    };
    svc.store.put_push_challenge(&push).await?;
    let message = PushMessage {
        challenge_id: push.id,
        alert: push_alert_text(user.language, &firm_name(svc, user.firm_id).await?),
        choices,
        source_ip: requester.ip.clone(),
        user_agent: requester
            .user_agent
            .as_ref()
            .map(|agent| agent.chars().take(MAX_USER_AGENT_CHARS).collect()),
        expires_at: push.expires_at,
    };
    let mut delivered = 0;
    for device in &state.push_devices {
        // One phone that cannot be reached (an uninstalled app) must not keep the
        // others from being asked.
        match svc.push.push(&device.endpoint_arn, &message).await {
            Ok(()) => delivered += 1,
            Err(err) => tracing::warn!(device = %device.id, error = %err, "push not delivered"),
        }
    }
    if delivered == 0 {
        return Err(MfaSignInError::PushUnavailable);
    }
    Ok(json!({
        "challenge_id": push.id.to_string(),
        "number": number,
        "expires_at": rfc3339(push.expires_at),
    }))
}

/// What polling a push found.
#[derive(Debug)]
pub enum PushPoll {
    /// Not answered yet: ask again.
    Pending,
    SignedIn(Box<SignedIn>),
}

/// The browser's poll: pending, the session once a phone approved (the first
/// poll after approval collects it; the `mfa_token` is then spent), denied, or
/// expired after 2 minutes without an answer.
#[tracing::instrument(skip_all)]
pub async fn poll_push(
    svc: &Services,
    raw_token: &str,
    raw_challenge: &str,
    keep_for_a_week: bool,
    browser: &Browser,
) -> Result<PushPoll, MfaSignInError> {
    let now = svc.clock.now();
    let (challenge, user) = live_challenge(svc, raw_token, now).await?;
    let push = push_challenge(svc, raw_challenge)
        .await?
        .filter(|push| push.mfa_challenge == challenge.digest)
        .ok_or(MfaSignInError::PushNotFound)?;
    match push.status {
        PushStatus::Approved => {
            let second_step =
                SecondStep::new(&challenge, user, now, keep_for_a_week, MfaMethod::Push);
            let signed_in = finish(svc, second_step, Passed::Push, browser).await?;
            Ok(PushPoll::SignedIn(Box::new(signed_in)))
        }
        PushStatus::Denied => Err(MfaSignInError::PushDenied),
        PushStatus::Pending if push.is_expired_at(now) => Err(MfaSignInError::PushExpired),
        PushStatus::Pending => Ok(PushPoll::Pending),
    }
}

/// A phone's answer, with the credential it was given at registration: approve
/// with the number the user picked, or deny. Approving with a wrong number
/// denies: the user may be looking at someone else's sign-in.
#[tracing::instrument(skip_all)]
pub async fn answer_push(
    svc: &Services,
    raw_credential: Option<&str>,
    raw_challenge: &str,
    approve: bool,
    number: Option<u8>,
) -> Result<PushStatus, MfaSignInError> {
    let now = svc.clock.now();
    let credential = raw_credential
        .and_then(Token::<DeviceCredentialPurpose>::parse)
        .ok_or(MfaSignInError::InvalidDeviceCredential)?;
    let push = push_challenge(svc, raw_challenge)
        .await?
        .ok_or(MfaSignInError::PushNotFound)?;
    let credentials = svc.keys.digests(&credential);
    let registered = svc
        .store
        .mfa_state(push.user_id)
        .await?
        .push_devices
        .iter()
        .any(|device| credentials.contains(&device.credential_digest));
    if !registered {
        return Err(MfaSignInError::InvalidDeviceCredential);
    }
    // A push asked for under credentials that changed since is over.
    let current = svc
        .store
        .user(push.user_id)
        .await?
        .is_some_and(|user| user.credential_version == push.credential_version);
    if !current {
        return Err(MfaSignInError::PushExpired);
    }
    let answer = match approve && number == Some(push.number) {
        true => PushStatus::Approved,
        false => PushStatus::Denied,
    };
    match svc
        .store
        .answer_push_challenge(push.id, answer, now)
        .await?
    {
        Conditional::Applied => {
            // A denial counts against the sign-in like a wrong code: after five
            // the mfa_token is dead.
            if answer == PushStatus::Denied
                && let Some(challenge) = svc.store.mfa_challenge(&push.mfa_challenge).await?
            {
                count_denial(svc, &challenge).await?;
            }
            Ok(answer)
        }
        Conditional::Refused if push.is_expired_at(now) => Err(MfaSignInError::PushExpired),
        Conditional::Refused => Err(MfaSignInError::PushAnswered),
    }
}

async fn push_challenge(
    svc: &Services,
    raw_id: &str,
) -> Result<Option<PushChallenge>, MfaSignInError> {
    match PushChallengeId::parse(raw_id) {
        Ok(id) => Ok(svc.store.push_challenge(id).await?),
        Err(_) => Ok(None),
    }
}
