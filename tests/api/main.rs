//! Integration tests: the real AWS adapters against the emulator, through the same
//! gateway and handlers the dev server runs.

mod account;
mod contract;
mod helpers;
mod login_link;
mod session;
