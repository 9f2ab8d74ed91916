//! Turning on an authenticator app: the secret and its QR code, then a first code
//! from the app to prove it holds the secret.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::Services;
use crate::accounts::User;
use crate::accounts::reentered_password::{Reentered, check_reentered_password};
use crate::documents::cases::firm_name;
use crate::domain::{AuditEvent, AuditKind, InvalidPhone, Role};
use crate::http::{InvalidBody, Principal};
use crate::mfa::totp::TotpSecret;
use crate::mfa::{
    BackupCode, InvalidDeviceName, InvalidDeviceToken, MfaMethod, MfaState, UnsupportedPlatform,
};
use crate::mfa::{ConfirmedFactor, FactorConfirmation};
use crate::ports::Conditional;
use crate::qr::qr_png;
use crate::sign_in::limits::Exceeded;

/// What the authenticator secret is sealed under (see [`crate::crypto::ServerKey::seal`]).
pub const TOTP_SEAL_LABEL: &str = "totp-secret";
/// What backup codes are digested under.
pub const BACKUP_CODE_LABEL: &str = "backup-code";
/// Backup codes in a set.
pub const BACKUP_CODES: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("Only the firm's own users have second factors.")]
    Forbidden,
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("The password is not correct.")]
    InvalidCredentials,
    #[error("Too many wrong passwords. Please wait before trying again.")]
    RateLimited(Exceeded),
    #[error("An authenticator app is already set up. Remove it first.")]
    AlreadyEnrolled,
    #[error("Start by setting up the authenticator app.")]
    NoPendingEnrollment,
    #[error("That code is not right. Check the app's clock and try the newest code.")]
    InvalidCode,
    #[error("Turn on a second factor first.")]
    MfaNotEnabled,
    #[error("There is no such second factor on this account.")]
    MethodNotFound,
    #[error(transparent)]
    InvalidPhone(#[from] InvalidPhone),
    #[error(transparent)]
    UnsupportedPlatform(#[from] UnsupportedPlatform),
    #[error("Push approval is not available for this platform.")]
    PlatformUnavailable,
    #[error(transparent)]
    InvalidDeviceToken(#[from] InvalidDeviceToken),
    #[error(transparent)]
    InvalidDeviceName(#[from] InvalidDeviceName),
    #[error("This account has as many push devices as it may have. Remove them first.")]
    TooManyDevices,
    #[error("Your firm requires two-step sign-in: set up another factor before removing this one.")]
    MfaRequired,
    #[error("A code was sent less than a minute ago. Please wait before asking again.")]
    TooSoon(u64),
    #[error("Too many codes were texted. Please wait before asking again.")]
    TooManyTexts(Exceeded),
    #[error("Too many phones were registered lately. Please wait before trying again.")]
    TooManyRegistrations(Exceeded),
    #[error("Your second factors changed meanwhile. Please try again.")]
    ChangedMeanwhile,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The caller, when they are one of the firm's own users.
pub async fn firm_user(svc: &Services, principal: &Principal) -> Result<User, MfaError> {
    let user = svc
        .store
        .user(principal.user_id)
        .await?
        .ok_or(MfaError::Unauthorized)?;
    match user.role {
        Role::Staff | Role::Admin => Ok(user),
        Role::Client => Err(MfaError::Forbidden),
    }
}

/// The caller, a firm user who has just typed their password again.
pub async fn firm_user_with_password(
    svc: &Services,
    principal: &Principal,
    password: String,
) -> Result<User, MfaError> {
    let user = firm_user(svc, principal).await?;
    match check_reentered_password(svc, &user, password).await? {
        Reentered::Matches => Ok(user),
        Reentered::Wrong => Err(MfaError::InvalidCredentials),
        Reentered::Locked(lock) => Err(MfaError::RateLimited(lock)),
        Reentered::NoPassword => Err(MfaError::Forbidden),
    }
}

/// Starts setting up an authenticator app, after the password is typed again: a
/// new secret (sealed at rest), its `otpauth://` URI and that URI as a QR code.
/// Nothing changes for sign-ins until [`confirm_totp`].
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn enroll_totp(
    svc: &Services,
    principal: &Principal,
    password: String,
) -> Result<Value, MfaError> {
    let user = firm_user_with_password(svc, principal, password).await?;
    let secret = TotpSecret::generate(svc.random.as_ref());
    let sealed = svc.keys.seal(
        TOTP_SEAL_LABEL,
        user.id.to_string().as_bytes(),
        secret.as_bytes(),
        svc.random.as_ref(),
    );
    if svc
        .store
        .begin_totp(user.id, &sealed, svc.clock.now())
        .await?
        == Conditional::Refused
    {
        return Err(MfaError::AlreadyEnrolled);
    }
    let issuer = firm_name(svc, user.firm_id).await?;
    let uri = secret.otpauth_uri(&issuer, user.email.as_str());
    let png = qr_png(&uri)?;
    Ok(json!({
        "secret": secret.base32(),
        "otpauth_uri": uri,
        "qr_png_base64": STANDARD.encode(png),
    }))
}

/// Turns the pending authenticator app on with a first code from it. The first
/// time the user turns MFA on they get their backup codes, shown this once. Every
/// other session of the user ends; the change is audited.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn confirm_totp(
    svc: &Services,
    principal: &Principal,
    raw_code: &str,
    source_ip: Option<&str>,
) -> Result<Vec<BackupCode>, MfaError> {
    let user = firm_user(svc, principal).await?;
    let state = svc.store.mfa_state(user.id).await?;
    let pending = state
        .totp
        .as_ref()
        .filter(|totp| totp.confirmed_at.is_none())
        .ok_or(MfaError::NoPendingEnrollment)?;
    let secret = open_secret(svc, &user, &pending.sealed_secret)?;
    let now = svc.clock.now();
    let step = parse_code(raw_code)
        .and_then(|code| secret.matching_step(code, unix_seconds(now)))
        .ok_or(MfaError::InvalidCode)?;
    let factor = ConfirmedFactor::Totp { step };
    turn_on_factor(
        svc,
        principal,
        (&user, state),
        factor,
        source_ip,
        |_| Ok(()),
    )
    .await
}

/// How often a confirmation is tried again after concurrent changes of the same
/// user's credentials won the race: each round one of the racers wins, and as
/// many as a user's phones may race.
const CONFIRMATION_ROUNDS: usize = 2 * crate::mfa::MAX_PUSH_DEVICES as usize;

/// Turns a pending factor on: the first time the user turns MFA on they get their
/// backup codes, shown this once. Every other session of the user ends (and an
/// enrolment-only session too); the change is audited.
///
/// `read` is the user and their factors as the caller checked them. The write is
/// made on condition that the user's credentials are still as read, so of
/// concurrent confirmations one applies and the others read again and are
/// checked again (`still` holds what the caller requires of the factors): however
/// many race, one set of backup codes is issued.
pub async fn turn_on_factor(
    svc: &Services,
    principal: &Principal,
    read: (&User, MfaState),
    factor: ConfirmedFactor,
    source_ip: Option<&str>,
    still: impl Fn(&MfaState) -> Result<(), MfaError>,
) -> Result<Vec<BackupCode>, MfaError> {
    let (user, mut state) = read;
    let mut version = user.credential_version;
    let method = match factor {
        ConfirmedFactor::Totp { .. } => MfaMethod::Totp,
        ConfirmedFactor::Sms(_) => MfaMethod::Sms,
        ConfirmedFactor::Push(_) => MfaMethod::Push,
    };
    for _ in 0..CONFIRMATION_ROUNDS {
        // An enrolment-only session is for the first factor; one that outlived it
        // (the sessions index lags a write) must not add more.
        if principal.enrollment_only && state.enabled() {
            return Err(MfaError::Unauthorized);
        }
        still(&state)?;
        let first_time = !state.enabled() && state.backup_codes_left == 0;
        let codes = match first_time {
            true => new_backup_codes(svc),
            false => Vec::new(),
        };
        let digests = backup_code_digests(svc, &codes);
        let now = svc.clock.now();
        let audit = AuditEvent::new(AuditKind::MfaEnabled, now, principal.user_id)
            .from_ip(source_ip)
            .with_detail(method.as_str());
        let confirmation = FactorConfirmation {
            user: principal.user_id,
            expected_version: version,
            factor: factor.clone(),
            at: now,
            backup_code_digests: &digests,
            // An enrolment-only session has done its job once a factor is on: the
            // user signs in again, with it.
            keep_session: (!principal.enrollment_only).then_some(&principal.session),
            audit: &audit,
        };
        if svc.store.confirm_factor(&confirmation).await? == Conditional::Applied {
            return Ok(codes);
        }
        let current = svc
            .store
            .user(principal.user_id)
            .await?
            .ok_or(MfaError::Unauthorized)?;
        if current.credential_version == version {
            // Refused for want of a pending factor, not for a race.
            return Err(MfaError::NoPendingEnrollment);
        }
        version = current.credential_version;
        state = svc.store.mfa_state(principal.user_id).await?;
    }
    Err(anyhow::anyhow!("the user's credentials kept changing during a confirmation").into())
}

/// The user's authenticator secret, opened.
pub fn open_secret(svc: &Services, user: &User, sealed: &str) -> anyhow::Result<TotpSecret> {
    let bytes = svc
        .keys
        .open(TOTP_SEAL_LABEL, user.id.to_string().as_bytes(), sealed)
        .map_err(|_| anyhow::anyhow!("the authenticator secret of {} does not open", user.id))?;
    let bytes: [u8; 20] = bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("the authenticator secret is not 20 bytes"))?;
    Ok(TotpSecret::from_bytes(bytes))
}

/// A code as typed: 6 digits, spaces allowed.
pub fn parse_code(raw: &str) -> Option<u32> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

pub fn unix_seconds(at: time::OffsetDateTime) -> u64 {
    u64::try_from(at.unix_timestamp()).unwrap_or_default()
}

/// A fresh set of backup codes.
pub fn new_backup_codes(svc: &Services) -> Vec<BackupCode> {
    (0..BACKUP_CODES)
        .map(|_| BackupCode::generate(svc.random.as_ref()))
        .collect()
}

/// What the store keeps of backup codes.
pub fn backup_code_digests(svc: &Services, codes: &[BackupCode]) -> Vec<String> {
    codes
        .iter()
        .map(|code| {
            svc.keys
                .digest_labelled(BACKUP_CODE_LABEL, code.expose().as_bytes())
        })
        .collect()
}
