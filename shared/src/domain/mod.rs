//! Domain types. Every value that arrives from outside is parsed into one of these
//! newtypes once, at the edge; code behind the edge can rely on them being valid.

mod document;
mod email_address;
mod firm_settings;
mod ids;
mod language;
mod mfa;
mod one_time_code;
mod password;
mod phone;
mod push;
mod records;
mod recovery;
mod role;
mod text;
mod token;

pub use document::{
    Document, DocumentId, DocumentName, DocumentStatus, InvalidFileName, MediaType,
    UnsupportedMediaType, Upload, UploadId, Uploader,
};
pub use email_address::{EmailAddress, InvalidEmail};
pub use firm_settings::{FirmSettings, InvalidExpiry, PasswordExpiry};
pub use ids::{CaseId, DeviceId, FirmId, InvalidId, PushChallengeId, RecoveryId, UserId};
pub use language::{Language, UnsupportedLanguage};
pub use mfa::{
    MAX_CHALLENGE_ATTEMPTS, MAX_CODE_TRIES, MfaChallenge, MfaMethod, MfaState, SentCode, SmsFactor,
    TotpFactor,
};
pub use one_time_code::{BackupCode, SmsCode};
pub use password::{InvalidPassword, Password, PasswordHash};
pub use phone::{InvalidPhone, PhoneNumber};
pub use push::{
    DeviceToken, InvalidDeviceName, InvalidDeviceToken, MAX_PUSH_DEVICES,
    PUSH_REGISTRATIONS_PER_HOUR, PUSH_TTL, PushChallenge, PushDevice, PushPlatform, PushStatus,
    UnsupportedPlatform, device_name, matching_numbers,
};
pub use records::{
    AuditEvent, AuditKind, Case, Firm, LinkKind, OneTimeLink, PasswordState, Session,
    TrustedDevice, User,
};
pub use recovery::{RECOVERY_LINK_TTL, Recovery, RecoveryStatus, VerificationOutcome};
pub use role::Role;
pub use text::{MAX_DISPLAY_CHARS, display_text};
pub use token::{
    DeviceCredentialPurpose, LoginLinkPurpose, MfaChallengePurpose, PasswordChangePurpose,
    PasswordResetPurpose, RecoveryLinkPurpose, SessionPurpose, Token, TokenDigest, TokenPurpose,
    TrustedDevicePurpose,
};
