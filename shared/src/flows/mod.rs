//! The flows: what each route does, written against the ports.

pub mod abandoned_uploads;
pub mod account;
pub mod cases;
pub mod document_check;
pub mod document_uploaded;
pub mod documents;
pub mod expire_passwords;
pub mod firm_admin;
pub mod firm_cases;
pub mod link_request;
pub mod login_link;
pub mod mfa_methods;
pub mod mfa_sign_in;
pub mod once;
pub mod one_time;
pub mod password_change;
pub mod password_login;
pub mod password_reset;
pub mod rate_limit;
pub mod reentered_password;
pub mod session;
pub mod sms_codes;
pub mod sms_enrollment;
pub mod throttle;
pub mod totp_enrollment;
pub mod upload_notice;
