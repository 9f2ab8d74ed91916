//! Signing in: emailed login links, passwords, resets, sessions, trusted
//! browsers, and the limits that bound every attempt.

pub(crate) mod dynamo;
pub mod limits;
pub mod link_request;
pub mod login_link;
#[cfg(feature = "fakes")]
mod memory;
mod model;
pub mod one_time;
pub mod password_login;
pub mod password_reset;
pub mod session;
mod store;
pub mod trusted_browser;

pub use model::{LinkKind, OneTimeLink, Session, TrustedDevice};
pub use store::{CounterStore, LinkStore, SessionStore};
