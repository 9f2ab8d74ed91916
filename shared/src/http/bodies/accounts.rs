//! The JSON bodies of accounts: profiles, users and firm settings.

use serde_json::{Value, json};

use crate::accounts::FirmSettings;
use crate::accounts::account::Profile;
use crate::http::bodies::rfc3339;
use crate::http::bodies::sign_in::user_json;

impl Profile {
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = user_json(&self.user);
        body["cases"] = self
            .cases
            .iter()
            .map(|case| json!({ "id": case.id.to_string(), "title": case.title }))
            .collect();
        body["password_expires_at"] = json!(self.password_expires_at.map(rfc3339));
        body["password_expiry_notice"] = json!(self.password_expiry_notice);
        body
    }
}

pub fn settings_json(settings: &FirmSettings) -> Value {
    json!({
        "require_strong_passwords": settings.require_strong_passwords,
        "password_expiry_days": settings.password_expiry.days(),
        "require_mfa": settings.require_mfa,
    })
}
