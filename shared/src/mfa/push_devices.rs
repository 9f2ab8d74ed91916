//! Registering a phone for push approval: the device becomes an SNS platform
//! endpoint, and gets a credential of its own to answer pushes with.

use serde_json::{Value, json};

use crate::Services;
use crate::domain::{DeviceCredentialPurpose, DeviceId, Token};
use crate::http::Principal;
use crate::http::bodies::mfa::backup_codes_json;
use crate::mfa::ConfirmedFactor;
use crate::mfa::totp_enrollment::{MfaError, firm_user_with_password, turn_on_factor};
use crate::mfa::{
    DeviceToken, MAX_PUSH_DEVICES, PUSH_REGISTRATIONS_PER_HOUR, PushDevice, PushPlatform,
    device_name,
};
use crate::sign_in::limits;
use crate::sign_in::limits::{Limit, Window};

/// What `POST /mfa/push/devices` takes.
#[derive(Debug, serde::Deserialize)]
pub struct DeviceRegistration {
    pub password: String,
    pub platform: String,
    pub device_token: String,
    pub name: String,
}

/// Registers the caller's phone and turns push approval on, after the password
/// is typed again. The answer holds the device credential (shown this once; the
/// store keeps its digest) and, the first time MFA is turned on, the backup
/// codes. Every other session ends; audited.
///
/// A registration takes a slot of the user's hourly limit before the phone is
/// registered with its platform, and the phone is counted against the 5 a user
/// may have in the transaction that turns it on: however many registrations
/// race, at most 5 phones are on, with one set of backup codes.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn register_device(
    svc: &Services,
    principal: &Principal,
    registration: DeviceRegistration,
    source_ip: Option<&str>,
) -> Result<Value, MfaError> {
    let platform = PushPlatform::parse(&registration.platform)?;
    let token = DeviceToken::parse(platform, &registration.device_token)?;
    let name = device_name(&registration.name)?;
    if !svc.push.supports(platform) {
        return Err(MfaError::PlatformUnavailable);
    }
    let user = firm_user_with_password(svc, principal, registration.password).await?;
    let state = svc.store.mfa_state(user.id).await?;
    let full = |state: &crate::mfa::MfaState| state.push_devices.len() as u64 >= MAX_PUSH_DEVICES;
    if full(&state) {
        return Err(MfaError::TooManyDevices);
    }
    let registrations = Limit::new(
        svc,
        "push-registrations",
        &user.id.to_string(),
        PUSH_REGISTRATIONS_PER_HOUR,
        Window::Every(time::Duration::HOUR),
    );
    // The slot is kept: a registration counts whatever becomes of it.
    let _kept = limits::take(svc, &registrations)
        .await?
        .map_err(MfaError::TooManyRegistrations)?;
    let endpoint_arn = svc.push.register(platform, &token).await?;
    let credential = Token::<DeviceCredentialPurpose>::generate(svc.random.as_ref());
    let device = PushDevice {
        id: DeviceId::new(),
        platform,
        name,
        endpoint_arn,
        credential_digest: svc.keys.digest(&credential),
        created_at: svc.clock.now(),
    };
    let device_id = device.id;
    let endpoint = device.endpoint_arn.clone();
    let codes = turn_on_factor(
        svc,
        principal,
        (&user, state),
        ConfirmedFactor::Push(device),
        source_ip,
        |state| {
            if full(state) {
                return Err(MfaError::TooManyDevices);
            }
            // The platform gives one phone the same endpoint every time.
            match state
                .push_devices
                .iter()
                .any(|known| known.endpoint_arn == endpoint)
            {
                true => Err(MfaError::AlreadyEnrolled),
                false => Ok(()),
            }
        },
    )
    .await
    // Refused with no race lost: the phones filled up meanwhile.
    .map_err(|err| match err {
        MfaError::NoPendingEnrollment => MfaError::TooManyDevices,
        other => other,
    })?;
    let mut body = backup_codes_json(&codes);
    body["device_id"] = json!(device_id.to_string());
    body["device_credential"] = json!(credential.expose());
    Ok(body)
}
