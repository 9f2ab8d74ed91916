//! Firms, their users and clients: profiles, languages, password policy and
//! expiry, password changes, administrators' controls.

pub mod account;
pub(crate) mod dynamo;
pub mod expire_passwords;
pub mod firm_admin;
mod firm_settings;
#[cfg(feature = "fakes")]
mod memory;
mod model;
mod password;
pub mod password_change;
pub mod passwords;
pub mod reentered_password;
mod store;

pub use firm_settings::{FirmSettings, InvalidExpiry, PasswordExpiry};
pub use model::{Firm, PasswordState, User};
pub use password::{InvalidPassword, Password, PasswordHash};
pub use store::{FirmStore, PasswordChange, UserStore};
