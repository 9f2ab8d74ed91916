//! The JSON bodies of signing in: the signed-in session and its cookies.

use http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::json;

use crate::accounts::User;
use crate::http::bodies::rfc3339;
use crate::http::{json_response, set_device_cookie, set_session_cookie};
use crate::sign_in::session::SignedIn;

/// The user as the API shows them to themselves.
pub fn user_json(user: &User) -> serde_json::Value {
    json!({
        "id": user.id.to_string(),
        "email": user.email.as_str(),
        "name": user.name,
        "role": user.role.as_str(),
        "language": user.language.code(),
    })
}

impl SignedIn {
    /// `200` with the session body and the `session` cookie.
    pub fn into_response(self) -> Response<Body> {
        let mut response = json_response(
            StatusCode::OK,
            &json!({
                "session_token": self.token.expose(),
                "expires_at": rfc3339(self.session.expires_at),
                "user": user_json(&self.user),
            }),
        );
        let max_age = (self.session.expires_at - self.session.created_at).whole_seconds();
        set_session_cookie(&mut response, self.token.expose(), max_age);
        if let Some(device) = &self.trusted {
            set_device_cookie(&mut response, device.expose());
        }
        response
    }
}
