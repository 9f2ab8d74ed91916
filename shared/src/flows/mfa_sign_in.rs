//! The second step of a firm user's sign-in: after a correct password, a user with
//! a second factor gets a 5-minute, single-purpose `mfa_token` instead of a
//! session, and trades it with a code for the session.

use http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::Services;
use crate::domain::{
    AuditEvent, AuditKind, MAX_CHALLENGE_FAILURES, MfaChallenge, MfaChallengePurpose, MfaState,
    Token, User,
};
use crate::flows::session::{SignedIn, new_session_lasting};
use crate::flows::totp_enrollment::{open_secret, parse_code, unix_seconds};
use crate::http::{ApiError, InvalidBody};
use crate::ports::Conditional;

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
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError for MfaSignInError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidMfaToken | Self::InvalidCode => StatusCode::UNAUTHORIZED,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidMfaToken => "invalid_mfa_token",
            Self::InvalidCode => "invalid_code",
            Self::Unexpected(_) => "internal_error",
        }
    }
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
            digest: svc.key.digest(&token),
            user_id: user.id,
            created_at: now,
            expires_at: now + CHALLENGE_TTL,
            failures: 0,
        })
        .await?;
    let methods: Vec<&str> = state.methods().iter().map(|m| m.as_str()).collect();
    Ok(json!({
        "mfa_required": true,
        "mfa_token": token.expose(),
        "methods": methods,
    }))
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
    source_ip: Option<&str>,
) -> Result<SignedIn, MfaSignInError> {
    let now = svc.clock.now();
    let token =
        Token::<MfaChallengePurpose>::parse(raw_token).ok_or(MfaSignInError::InvalidMfaToken)?;
    let digest = svc.key.digest(&token);
    let challenge = svc
        .store
        .mfa_challenge(&digest)
        .await?
        .filter(|challenge| challenge.is_usable_at(now))
        .ok_or(MfaSignInError::InvalidMfaToken)?;
    let user = svc
        .store
        .user(challenge.user_id)
        .await?
        .ok_or(MfaSignInError::InvalidMfaToken)?;
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
    let accepted = match step {
        Some(step) => svc.store.accept_totp_step(user.id, step).await? == Conditional::Applied,
        None => false,
    };
    if !accepted {
        svc.store.fail_mfa_challenge(&digest).await?;
        return Err(MfaSignInError::InvalidCode);
    }

    let (token, session) = new_session_lasting(svc, &user, now, keep_for_a_week);
    let audit = [AuditEvent::new(AuditKind::SignedIn, now, user.id)
        .from_ip(source_ip)
        .with_detail("password+totp")];
    match svc
        .store
        .pass_mfa_challenge(&digest, now, MAX_CHALLENGE_FAILURES, &session, &audit)
        .await?
    {
        Conditional::Applied => Ok(SignedIn {
            token,
            session,
            user,
        }),
        Conditional::Refused => Err(MfaSignInError::InvalidMfaToken),
    }
}
