//! Portcullis common crate: the domain, the ports it needs (storage, mail, clock,
//! randomness), the AWS adapters behind those ports, and the HTTP helpers every
//! Lambda function shares.

pub mod accounts;
pub mod aws;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod documents;
pub mod domain;
pub mod email;
#[cfg(feature = "fakes")]
pub mod fakes;
pub mod http;
pub mod jobs;
pub mod mfa;
pub mod ports;
pub mod qr;
pub mod recovery;
pub mod runtime;
pub mod services;
pub mod sign_in;
#[cfg(feature = "contract-tests")]
pub mod store_contract;
pub mod suppression;
pub mod telemetry;

pub use services::Services;
