//! Turning on SMS codes: a phone number (the password again), then the code sent
//! to it.

use crate::Services;
use crate::domain::PhoneNumber;
use crate::http::Principal;
use crate::mfa::BackupCode;
use crate::mfa::ConfirmedFactor;
use crate::mfa::sms_codes::{Sending, redeem_code, send_code};
use crate::mfa::totp_enrollment::{MfaError, firm_user, firm_user_with_password, turn_on_factor};
use crate::ports::Conditional;

/// A code texted to enrol `phone` confirms that phone only: one asked for
/// another number since cannot turn on a number that never got a code.
fn enrolment_scope(principal: &Principal, phone: &PhoneNumber) -> String {
    format!("ENROL#{}#{}", principal.user_id, phone.as_str())
}

/// Stores the phone as pending and texts it a code, in the user's language.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn enroll_sms(
    svc: &Services,
    principal: &Principal,
    password: String,
    raw_phone: &str,
) -> Result<PhoneNumber, MfaError> {
    let user = firm_user_with_password(svc, principal, password).await?;
    let phone = PhoneNumber::parse(raw_phone)?;
    if svc
        .store
        .begin_sms(user.id, &phone, svc.clock.now())
        .await?
        == Conditional::Refused
    {
        return Err(MfaError::AlreadyEnrolled);
    }
    match send_code(svc, &enrolment_scope(principal, &phone), &phone, &user).await? {
        Sending::Sent => Ok(phone),
        Sending::TooSoon(seconds) => Err(MfaError::TooSoon(seconds)),
        Sending::OverCap(exceeded) => Err(MfaError::TooManyTexts(exceeded)),
    }
}

/// Turns the pending phone on with the code sent to it.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn confirm_sms(
    svc: &Services,
    principal: &Principal,
    raw_code: &str,
    source_ip: Option<&str>,
) -> Result<Vec<BackupCode>, MfaError> {
    let user = firm_user(svc, principal).await?;
    let state = svc.store.mfa_state(user.id).await?;
    let pending = state
        .sms
        .as_ref()
        .filter(|sms| sms.confirmed_at.is_none())
        .map(|sms| sms.phone.clone())
        .ok_or(MfaError::NoPendingEnrollment)?;
    if !redeem_code(svc, &enrolment_scope(principal, &pending), raw_code).await? {
        return Err(MfaError::InvalidCode);
    }
    let read = (&user, state);
    turn_on_factor(
        svc,
        principal,
        read,
        ConfirmedFactor::Sms(pending),
        source_ip,
        |_| Ok(()),
    )
    .await
}
