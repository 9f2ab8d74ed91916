//! The local stack: the emulator, and an HTTP server that hosts every route of the
//! SAM template by calling the functions' handlers in-process, with the authorizer
//! applied as API Gateway applies it. `make dev` runs it; the integration tests
//! start the same server.

pub mod emulator;
pub mod gateway;
pub mod jobs;
pub mod notifications;
pub mod pages;
pub mod portal;
pub mod routes;
pub mod server;
pub mod stack;

use std::collections::HashMap;
use std::path::PathBuf;

use portcullis::runtime::HttpHandler;

/// The workspace root, where the template and the emulator's virtual environment are.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn template_path() -> PathBuf {
    workspace_root().join("infra/template.yaml")
}

/// Every HTTP function, by its binary name (the template's `BuildProperties.Binary`).
pub fn http_handlers() -> HashMap<&'static str, HttpHandler> {
    HashMap::from([
        (
            "request-login-link",
            request_login_link::handler as HttpHandler,
        ),
        ("verify-login-link", verify_login_link::handler),
        ("account", account::handler),
        ("password-login", password_login::handler),
        ("firm-admin", firm_admin::handler),
        ("change-password", change_password::handler),
        ("create-upload-url", create_upload_url::handler),
        ("documents", documents::handler),
        ("firm-cases", firm_cases::handler),
        ("verify-totp", verify_totp::handler),
        ("backup-codes", backup_codes::handler),
        ("mfa-methods", mfa_methods::handler),
        ("send-sms-code", send_sms_code::handler),
        ("mfa-push", mfa_push::handler),
        ("start-recovery", start_recovery::handler),
        ("complete-recovery", complete_recovery::handler),
    ])
}
