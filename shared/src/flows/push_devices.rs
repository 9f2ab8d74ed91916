//! Registering a phone for push approval: the device becomes an SNS platform
//! endpoint, and gets a credential of its own to answer pushes with.

use serde_json::{Value, json};

use crate::Services;
use crate::domain::{
    DeviceCredentialPurpose, DeviceId, DeviceToken, MAX_PUSH_DEVICES, PushDevice, PushPlatform,
    Token, device_name, push_device_slots,
};
use crate::flows::limits::{self, Limit, Window};
use crate::flows::totp_enrollment::{
    MfaError, backup_codes_json, firm_user_with_password, turn_on_factor,
};
use crate::http::Principal;
use crate::ports::ConfirmedFactor;

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
/// A phone takes one of the user's 5 slots before it is registered with its
/// platform, so however many registrations race, at most 5 phones are made; a
/// registration that fails gives its slot back and forgets its endpoint.
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
    let phones = Limit::with_key(
        push_device_slots(user.id),
        MAX_PUSH_DEVICES,
        Window::Forever,
    );
    let slot = limits::take(svc, &phones)
        .await?
        .map_err(|_| MfaError::TooManyDevices)?;
    let endpoint_arn = match svc.push.register(platform, &token).await {
        Ok(endpoint_arn) => endpoint_arn,
        Err(err) => {
            limits::give_back(svc, vec![slot]).await?;
            return Err(err.into());
        }
    };
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
    let endpoint = device.endpoint_arn.clone();
    let state = svc.store.mfa_state(user.id).await?;
    let turned_on = turn_on_factor(
        svc,
        principal,
        (&user, state),
        ConfirmedFactor::Push(device),
        source_ip,
        // The platform gives one phone the same endpoint every time.
        |state| match state
            .push_devices
            .iter()
            .any(|known| known.endpoint_arn == endpoint)
        {
            true => Err(MfaError::AlreadyEnrolled),
            false => Ok(()),
        },
    )
    .await;
    let codes = match turned_on {
        Ok(codes) => codes,
        Err(err) => {
            limits::give_back(svc, vec![slot]).await?;
            // The same phone registered already keeps its endpoint.
            if !matches!(err, MfaError::AlreadyEnrolled) {
                forget_endpoint(svc, &endpoint).await;
            }
            return Err(err);
        }
    };
    let mut body = backup_codes_json(&codes);
    body["device_id"] = json!(device_id.to_string());
    body["device_credential"] = json!(credential.expose());
    Ok(body)
}

async fn forget_endpoint(svc: &Services, endpoint: &str) {
    if let Err(err) = svc.push.unregister(endpoint).await {
        tracing::warn!(error = format!("{err:#}"), "push endpoint not deleted");
    }
}
