//! Account recovery: the 72-hour link, identity verification by a provider or
//! by hand, and the expiry of old links.

pub mod callback;
pub(crate) mod dynamo;
pub mod expire_links;
#[cfg(feature = "fakes")]
mod memory;
mod model;
pub mod process;
mod store;
pub mod verifiers;

pub use model::{RECOVERY_LINK_TTL, Recovery, RecoveryStatus, VerificationOutcome};
pub use store::{RecoverySettlement, RecoveryStore};
