//! Password sign-in for firm users.

use http::StatusCode;

use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::Services;
use crate::accounts::passwords;
use crate::accounts::{Password, User};
use crate::domain::{
    AuditEvent, AuditKind, EmailAddress, PasswordChangePurpose, Role, Token, UserId,
};
use crate::http::bodies::rfc3339;
use crate::http::{Browser, InvalidBody};
use crate::mfa::second_step;
use crate::sign_in::limits;
use crate::sign_in::limits::{Exceeded, Limit, Window};
use crate::sign_in::session::{SignedIn, enrollment_session, new_session};
use crate::sign_in::trusted_browser;
use crate::sign_in::{LinkKind, OneTimeLink, TrustedDevice};

/// The least time a password sign-in takes to answer, known email or not
/// (`PASSWORD_RESPONSE_FLOOR_MS`).
pub const PASSWORD_RESPONSE_FLOOR: std::time::Duration = std::time::Duration::from_millis(300);

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

/// How long the token to replace an expired or forced password works.
const CHANGE_TOKEN_TTL: time::Duration = time::Duration::minutes(15);

/// Failed sign-ins count under the email address they were made for, from
/// browsers the user never signed in with.
fn account_limit(svc: &Services, email: &str) -> Limit {
    let numbers = svc.settings.password_failure_limits;
    Limit::new(
        svc,
        "password-account",
        email,
        numbers.per_email,
        Window::Every(numbers.window),
    )
}

fn ip_limit(svc: &Services, ip: &str) -> Limit {
    let numbers = svc.settings.password_failure_limits;
    Limit::new(
        svc,
        "password-ip",
        ip,
        numbers.per_ip,
        Window::Every(numbers.window),
    )
}

/// A trusted browser's failures count under its own limit, so a lock on the
/// account (anyone can cause one) does not keep the user out.
fn trusted_browser_limit(svc: &Services, device: &TrustedDevice) -> Limit {
    let numbers = svc.settings.password_failure_limits;
    Limit::new(
        svc,
        "password-device",
        device.digest.as_str(),
        svc.settings.password_failures_per_device,
        Window::Every(numbers.window),
    )
}

/// Signs a firm user in with their password.
///
/// A wrong password, an unknown email, a client's email and a malformed password
/// all end the same way, after the same store work and the same Argon2id work,
/// and not before the response floor, so the answer says nothing about which it
/// was. Every attempt takes a slot of the source address's limit and of the
/// account's (or, from a browser the user signed in with before, of that
/// browser's) before the password is hashed; a right password gives them back.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    svc: &Services,
    raw_email: &str,
    raw_password: String,
    browser: &Browser,
) -> Result<PasswordSignIn, PasswordLoginError> {
    let started = Instant::now();
    let answer = attempt(svc, raw_email, raw_password, browser).await;
    // Only when the floor is still ahead: the timer's 1 ms granularity would delay
    // even a deadline already passed.
    let remaining = svc
        .settings
        .password_response_floor
        .saturating_sub(started.elapsed());
    if !remaining.is_zero() {
        tokio::time::sleep(remaining).await;
    }
    answer
}

async fn attempt(
    svc: &Services,
    raw_email: &str,
    raw_password: String,
    browser: &Browser,
) -> Result<PasswordSignIn, PasswordLoginError> {
    let now = svc.clock.now();
    let user = firm_user(svc, raw_email).await?;
    let device = trusted_browser::presented(svc, browser).await?;
    let mut guards = Vec::with_capacity(2);
    if let Some(ip) = &browser.ip {
        guards.push(ip_limit(svc, ip));
    }
    guards.push(match (&device, &user) {
        (Some(device), Some(user)) if device.trusts(user, now) => {
            trusted_browser_limit(svc, device)
        }
        _ => account_limit(svc, &raw_email.trim().to_ascii_lowercase()),
    });
    let slots = limits::take_all(svc, &guards)
        .await?
        .map_err(PasswordLoginError::RateLimited)?;

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
    // The slots stay taken: that is the failure counted.
    let user = user
        .filter(|_| verified)
        .ok_or(PasswordLoginError::InvalidCredentials)?;
    limits::give_back(svc, slots).await?;
    let source_ip = browser.ip.as_deref();

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
            second_step::challenge(svc, &user, &mfa, now).await?,
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
    let trusted = trusted_browser::trust(svc, &user, browser, now).await;
    Ok(PasswordSignIn::SignedIn(Box::new(SignedIn {
        token,
        session,
        user,
        trusted,
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
        digest: svc.keys.digest(&token),
        user_id: user.id,
        created_at: now,
        expires_at: now + CHANGE_TOKEN_TTL,
        used_at: None,
        credential_version: user.credential_version,
    };
    let audit = AuditEvent::new(AuditKind::PasswordChangeRequired, now, user.id).from_ip(source_ip);
    svc.store
        .put_link(LinkKind::PasswordChange, &link, &audit)
        .await?;
    Ok(token)
}

/// The firm user (staff or administrator) with this email, if there is one. An
/// address nobody has reads a user too, one that does not exist, so that a known
/// and an unknown address take the same store work.
async fn firm_user(svc: &Services, raw_email: &str) -> anyhow::Result<Option<User>> {
    let id = match EmailAddress::parse(raw_email) {
        Ok(email) => svc.store.user_id_by_email(&email).await?,
        Err(_) => None,
    };
    let user = svc.store.user(id.unwrap_or_else(UserId::new)).await?;
    Ok(user.filter(|user| id.is_some() && matches!(user.role, Role::Staff | Role::Admin)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::PasswordState;
    use crate::accounts::UserStore;
    use crate::domain::{FirmId, Language};
    use crate::fakes::FakeServices;
    use crate::ports::Clock;

    async fn firm_user(fake: &FakeServices, email: &str, role: Role) {
        let now = fake.clock.now();
        let password = Password::parse("lantern orbit quietly".to_owned()).unwrap();
        let user = User {
            id: UserId::new(),
            firm_id: FirmId::new(),
            email: EmailAddress::parse(email).unwrap(),
            name: "Sam".into(),
            role,
            language: Language::En,
            created_at: now,
            password: Some(PasswordState {
                hash: passwords::hash(&password, fake.services.random.as_ref()).unwrap(),
                changed_at: now,
                must_change: false,
                notice_sent_for: None,
            }),
            credential_version: 0,
        };
        let audit = AuditEvent::new(AuditKind::UserCreated, now, user.id);
        fake.store.create_user(&user, &audit).await.unwrap();
    }

    /// The store operations one wrong sign-in for `email` makes, and its answer.
    async fn store_work(fake: &FakeServices, email: &str) -> (Vec<String>, String) {
        fake.store.take_calls();
        let browser = Browser {
            ip: Some("198.51.100.7".into()),
            ..Browser::default()
        };
        let answer = sign_in(&fake.services, email, "not it at all".into(), &browser)
            .await
            .unwrap_err();
        (fake.store.take_calls(), answer.to_string())
    }

    #[tokio::test]
    async fn a_known_and_an_unknown_email_take_the_same_store_work() {
        let fake = FakeServices::default();
        firm_user(&fake, "sam@example.com", Role::Staff).await;
        firm_user(&fake, "casey@example.com", Role::Client).await;
        let known = store_work(&fake, "sam@example.com").await;
        let unknown = store_work(&fake, "nobody@example.com").await;
        let client = store_work(&fake, "casey@example.com").await;
        assert!(!known.0.is_empty());
        assert_eq!(known, unknown);
        assert_eq!(known, client);
    }
}
