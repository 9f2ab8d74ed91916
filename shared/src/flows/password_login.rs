//! Password sign-in for firm users.

use http::StatusCode;

use crate::Services;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::domain::{
    AuditEvent, AuditKind, EmailAddress, LinkKind, OneTimeLink, Password, PasswordChangePurpose,
    Role, Token, User,
};
use crate::flows::mfa_sign_in;
use crate::flows::rate_limit::Exceeded;
use crate::flows::session::{SignedIn, enrollment_session, new_session, rfc3339};
use crate::flows::throttle;
use crate::http::{ApiError, InvalidBody};
use crate::passwords;

#[derive(Debug, thiserror::Error)]
pub enum PasswordLoginError {
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("The email address or password is not correct.")]
    InvalidCredentials,
    #[error("Too many failed sign-ins. Please wait before trying again.")]
    RateLimited(Exceeded),
    #[error("The password has expired or must be changed. Please choose a new one.")]
    PasswordChangeRequired(Token<PasswordChangePurpose>),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError for PasswordLoginError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::PasswordChangeRequired(_) => StatusCode::FORBIDDEN,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidCredentials => "invalid_credentials",
            Self::RateLimited(_) => "rate_limited",
            Self::PasswordChangeRequired(_) => "password_change_required",
            Self::Unexpected(_) => "internal_error",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(exceeded) => Some(exceeded.retry_after),
            _ => None,
        }
    }

    fn details(&self) -> Option<Map<String, Value>> {
        match self {
            Self::PasswordChangeRequired(token) => Some(Map::from_iter([(
                "password_change_token".to_owned(),
                Value::String(token.expose().to_owned()),
            )])),
            _ => None,
        }
    }
}

/// How long the token to replace an expired or forced password works.
const CHANGE_TOKEN_TTL: time::Duration = time::Duration::minutes(15);

/// Failed password checks count under the email address they were made for,
/// wherever they were made (sign-in or password change).
pub(crate) const ACCOUNT_SCOPE: &str = "password-account";
const IP_SCOPE: &str = "password-ip";

/// Signs a firm user in with their password.
///
/// A wrong password, an unknown email, a client's email and a malformed email or
/// password all end the same way, after the same Argon2id work, so the answer says
/// nothing about which it was. Failures count against the email and the source
/// address; past the limits, sign-in is refused until the window slides on.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    svc: &Services,
    raw_email: &str,
    raw_password: String,
    source_ip: Option<&str>,
) -> Result<PasswordSignIn, PasswordLoginError> {
    let limits = svc.settings.password_failure_limits;
    let account = raw_email.trim().to_ascii_lowercase();
    let subjects = [
        Some((ACCOUNT_SCOPE, account.as_str(), limits.per_email)),
        source_ip.map(|ip| (IP_SCOPE, ip, limits.per_ip)),
    ];
    for (scope, subject, limit) in subjects.iter().flatten() {
        if let Some(lock) = throttle::locked(svc, scope, subject, *limit, limits.window).await? {
            return Err(PasswordLoginError::RateLimited(lock));
        }
    }

    let user = match EmailAddress::parse(raw_email) {
        Ok(email) => firm_user(svc, &email).await?,
        Err(_) => None,
    };
    // Argon2id runs inline: a Lambda instance serves one request at a time, so
    // there is nothing else for this thread to do meanwhile.
    let verified = match (Password::parse(raw_password), &user) {
        (
            Ok(password),
            Some(User {
                password: Some(state),
                ..
            }),
        ) => passwords::verify(&password, &state.hash),
        (Ok(password), _) => {
            passwords::verify_against_dummy(&password);
            false
        }
        (Err(_), _) => {
            passwords::verify_against_dummy(&passwords::placeholder());
            false
        }
    };
    let now = svc.clock.now();
    let Some(user) = user.filter(|_| verified) else {
        for (scope, subject, _) in subjects.iter().flatten() {
            throttle::record_failure(svc, scope, subject, limits.window).await?;
        }
        return Err(PasswordLoginError::InvalidCredentials);
    };

    let firm_settings = svc
        .store
        .firm(user.firm_id)
        .await?
        .map(|firm| firm.settings)
        .unwrap_or_default();
    let expiry = firm_settings.password_expiry;
    if user
        .password
        .as_ref()
        .is_some_and(|state| state.must_be_replaced_at(expiry, now))
    {
        return Err(PasswordLoginError::PasswordChangeRequired(
            change_token(svc, &user, now, source_ip).await?,
        ));
    }

    let mfa = svc.store.mfa_state(user.id).await?;
    if mfa.enabled() {
        return Ok(PasswordSignIn::MfaRequired(
            mfa_sign_in::challenge(svc, &user, &mfa, now).await?,
        ));
    }

    if firm_settings.require_mfa {
        let (token, session) = enrollment_session(svc, &user, now);
        let audit = [AuditEvent::new(AuditKind::SignedIn, now, user.id)
            .from_ip(source_ip)
            .with_detail("password, to set up a second factor")];
        svc.store.start_session(&session, &audit).await?;
        return Ok(PasswordSignIn::MfaEnrollmentRequired(json!({
            "mfa_enrollment_required": true,
            "enrollment_token": token.expose(),
            "expires_at": rfc3339(session.expires_at),
        })));
    }

    let (token, session) = new_session(svc, &user, now);
    let audit = [AuditEvent::new(AuditKind::SignedIn, now, user.id)
        .from_ip(source_ip)
        .with_detail("password")];
    svc.store.start_session(&session, &audit).await?;
    Ok(PasswordSignIn::SignedIn(Box::new(SignedIn {
        token,
        session,
        user,
    })))
}

/// Where a correct password leads.
#[derive(Debug)]
pub enum PasswordSignIn {
    SignedIn(Box<SignedIn>),
    /// The user has a second factor: the body of the second step's start.
    MfaRequired(Value),
    /// The firm requires MFA and the user has no factor: the body with an
    /// enrolment-only session to set one up with.
    MfaEnrollmentRequired(Value),
}

impl PasswordSignIn {
    pub fn into_response(self) -> lambda_http::Response<lambda_http::Body> {
        match self {
            Self::SignedIn(signed_in) => signed_in.into_response(),
            Self::MfaRequired(body) | Self::MfaEnrollmentRequired(body) => {
                crate::http::json_response(StatusCode::OK, &body)
            }
        }
    }
}

/// A single-use token to replace the password with, instead of a session.
async fn change_token(
    svc: &Services,
    user: &User,
    now: OffsetDateTime,
    source_ip: Option<&str>,
) -> anyhow::Result<Token<PasswordChangePurpose>> {
    let token = Token::generate(svc.random.as_ref());
    let link = OneTimeLink {
        digest: svc.key.digest(&token),
        user_id: user.id,
        created_at: now,
        expires_at: now + CHANGE_TOKEN_TTL,
        used_at: None,
    };
    let audit = AuditEvent::new(AuditKind::PasswordChangeRequired, now, user.id).from_ip(source_ip);
    svc.store
        .put_link(LinkKind::PasswordChange, &link, &audit)
        .await?;
    Ok(token)
}

/// The firm user (staff or administrator) with this email, if there is one.
async fn firm_user(svc: &Services, email: &EmailAddress) -> anyhow::Result<Option<User>> {
    let Some(id) = svc.store.user_id_by_email(email).await? else {
        return Ok(None);
    };
    Ok(svc
        .store
        .user(id)
        .await?
        .filter(|user| matches!(user.role, Role::Staff | Role::Admin)))
}
