//! Registering a phone for push approval: the device becomes an SNS platform
//! endpoint, and gets a credential of its own to answer pushes with.

use serde_json::{Value, json};

use crate::Services;
use crate::domain::{
    DeviceCredentialPurpose, DeviceId, DeviceToken, MAX_PUSH_DEVICES, PushDevice, PushPlatform,
    Token, device_name,
};
use crate::flows::totp_enrollment::{MfaError, backup_codes_json, firm_user, turn_on_factor};
use crate::http::Principal;
use crate::ports::ConfirmedFactor;

/// What `POST /mfa/push/devices` takes.
#[derive(Debug, serde::Deserialize)]
pub struct DeviceRegistration {
    pub platform: String,
    pub device_token: String,
    pub name: String,
}

/// Registers the caller's phone and turns push approval on. The answer holds the
/// device credential (shown this once; the store keeps its digest) and, the first
/// time MFA is turned on, the backup codes. Every other session ends; audited.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn register_device(
    svc: &Services,
    principal: &Principal,
    registration: &DeviceRegistration,
    source_ip: Option<&str>,
) -> Result<Value, MfaError> {
    let user = firm_user(svc, principal).await?;
    let platform = PushPlatform::parse(&registration.platform)?;
    let token = DeviceToken::parse(platform, &registration.device_token)?;
    let name = device_name(&registration.name)?;
    if !svc.push.supports(platform) {
        return Err(MfaError::PlatformUnavailable);
    }
    let state = svc.store.mfa_state(user.id).await?;
    if state.push_devices.len() >= MAX_PUSH_DEVICES {
        return Err(MfaError::TooManyDevices);
    }
    let endpoint_arn = svc.push.register(platform, &token).await?;
    if state
        .push_devices
        .iter()
        .any(|device| device.endpoint_arn == endpoint_arn)
    {
        return Err(MfaError::AlreadyEnrolled);
    }
    let credential = Token::<DeviceCredentialPurpose>::generate(svc.random.as_ref());
    let device = PushDevice {
        id: DeviceId::new(),
        platform,
        name,
        endpoint_arn,
        credential_digest: svc.key.digest(&credential),
        created_at: svc.clock.now(),
    };
    let device_id = device.id;
    let codes = turn_on_factor(
        svc,
        principal,
        &state,
        ConfirmedFactor::Push(device),
        source_ip,
    )
    .await?;
    let mut body = backup_codes_json(&codes);
    body["device_id"] = json!(device_id.to_string());
    body["device_credential"] = json!(credential.expose());
    Ok(body)
}
