//! Second factors: authenticator apps (TOTP), texted codes, push approval,
//! backup codes; enrolment, the second step of a sign-in, and removal.

pub(crate) mod dynamo;
#[cfg(feature = "fakes")]
mod memory;
pub mod methods;
mod model;
mod one_time_code;
pub mod phone_texts;
mod push;
pub mod push_devices;
pub mod push_sign_in;
pub mod second_step;
pub mod second_step_route;
pub mod sms_codes;
pub mod sms_enrollment;
pub mod sms_sign_in;
mod store;
pub mod totp;
pub mod totp_enrollment;

pub use model::{
    MAX_CHALLENGE_ATTEMPTS, MAX_CODE_TRIES, MfaChallenge, MfaMethod, MfaState, SentCode, SmsFactor,
    TotpFactor,
};
pub use one_time_code::{BackupCode, SmsCode};
pub use push::{
    DeviceToken, InvalidDeviceName, InvalidDeviceToken, MAX_PUSH_DEVICES,
    PUSH_REGISTRATIONS_PER_HOUR, PUSH_TTL, PushChallenge, PushDevice, PushPlatform, PushStatus,
    UnsupportedPlatform, device_name, matching_numbers,
};
pub use store::{ChallengePass, ConfirmedFactor, FactorConfirmation, MfaStore, Passed};
