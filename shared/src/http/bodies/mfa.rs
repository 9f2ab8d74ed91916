//! The JSON bodies of the second factors.

use serde_json::{Value, json};

use crate::mfa::BackupCode;

/// Backup codes as the API shows them, this once: `{"backup_codes":[…]}`.
pub fn backup_codes_json(codes: &[BackupCode]) -> Value {
    let shown: Vec<String> = codes.iter().map(BackupCode::display).collect();
    json!({ "backup_codes": shown })
}
