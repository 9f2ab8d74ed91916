//! Integration tests: the real AWS adapters against the emulator, through the same
//! gateway and handlers the dev server runs.

mod abandoned_uploads;
mod account;
mod admin_cli;
mod backup_codes;
mod behind_cdn;
mod bursts;
mod case_access;
mod contract;
mod credential_changes;
mod dev_notifications;
mod documents;
mod expiry_job;
mod firm_admin;
mod firm_cases;
mod firm_users;
mod forced_change;
mod headers;
mod helpers;
mod key_rotation;
mod login_link;
mod password_change;
mod password_expiry;
mod password_login;
mod password_reset;
mod presigned_urls;
mod push;
mod recovery;
mod required_mfa;
mod session;
mod sms;
mod store_contract;
mod totp;
mod totp_reference;
mod trusted_browser;
mod uploads;
