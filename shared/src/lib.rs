//! Portcullis common crate: the domain, the ports it needs (storage, mail, clock,
//! randomness), the AWS adapters behind those ports, and the HTTP helpers every
//! Lambda function shares.

pub mod aws;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod email;
#[cfg(feature = "fakes")]
pub mod fakes;
pub mod flows;
pub mod http;
pub mod passwords;
pub mod phone_texts;
pub mod ports;
pub mod qr;
pub mod runtime;
pub mod services;
#[cfg(feature = "contract-tests")]
pub mod store_contract;
pub mod telemetry;
pub mod totp;
pub mod verifiers;

pub use services::Services;
