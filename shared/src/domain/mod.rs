//! Domain types. Every value that arrives from outside is parsed into one of these
//! newtypes once, at the edge; code behind the edge can rely on them being valid.

mod audit;
mod email_address;
mod ids;
mod language;
mod phone;
mod role;
mod text;
mod token;

pub use audit::{AuditEvent, AuditKind};
pub use email_address::{EmailAddress, InvalidEmail};
pub(crate) use ids::uuid_id;
pub use ids::{CaseId, DeviceId, FirmId, InvalidId, PushChallengeId, RecoveryId, UserId};
pub use language::{Language, UnsupportedLanguage};
pub use phone::{InvalidPhone, PhoneNumber};
pub use role::Role;
pub use text::{MAX_DISPLAY_CHARS, display_text};
pub use token::{
    DeviceCredentialPurpose, LoginLinkPurpose, MfaChallengePurpose, PasswordChangePurpose,
    PasswordResetPurpose, RecoveryLinkPurpose, SessionPurpose, Token, TokenDigest, TokenPurpose,
    TrustedDevicePurpose,
};
