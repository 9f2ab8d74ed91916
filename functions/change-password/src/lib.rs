//! A firm user's own password:
//! - `POST /auth/password/change`: signed in with the current password, or with the
//!   token a sign-in handed out when the password had expired or a change was forced;
//! - `POST /auth/password/reset-request`: a reset link by email (the same `202` for
//!   every address);
//! - `POST /auth/password/reset`: a new password with that link.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::accounts::password_change::{
    PasswordChangeError, change_password, change_password_with_token,
};
use portcullis::http::{
    empty_response, json_response, parse_json, principal, respond, route_key, source_ip,
};
use portcullis::sign_in::link_request::LinkRequestError;
use portcullis::sign_in::password_reset::{PasswordResetError, request_reset, reset_password};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(untagged)]
enum ChangeRequest {
    WithToken {
        password_change_token: String,
        new_password: String,
    },
    WithCurrent {
        current_password: String,
        new_password: String,
    },
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

#[derive(Deserialize)]
struct ResetRequest {
    email: String,
}

#[derive(Deserialize)]
struct Reset {
    token: String,
    new_password: String,
}

/// What every accepted reset request is told, registered or not.
const RESET_ACCEPTED_MESSAGE: &str = "If this email address belongs to a firm account, a link to \
     choose a new password is on its way. The link works once, for 1 hour.";

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    let ip = source_ip(&svc.settings, &req);
    match route_key(&req) {
        Some("POST /auth/password/reset-request") => respond(
            async {
                let input: ResetRequest = parse_json(&req)?;
                request_reset(svc, &input.email, ip.as_deref()).await?;
                Ok::<_, LinkRequestError>(json_response(
                    StatusCode::ACCEPTED,
                    &json!({ "message": RESET_ACCEPTED_MESSAGE }),
                ))
            }
            .await,
        ),
        Some("POST /auth/password/reset") => respond(
            async {
                let input: Reset = parse_json(&req).map_err(PasswordChangeError::from)?;
                reset_password(svc, &input.token, input.new_password, ip.as_deref()).await?;
                Ok::<_, PasswordResetError>(empty_response(StatusCode::NO_CONTENT))
            }
            .await,
        ),
        _ => respond(change(svc, &req).await),
    }
}

async fn change(svc: &Services, req: &Request) -> Result<Response<Body>, PasswordChangeError> {
    let ip = source_ip(&svc.settings, req);
    match parse_json(req)? {
        ChangeRequest::WithToken {
            password_change_token,
            new_password,
        } => {
            change_password_with_token(svc, &password_change_token, new_password, ip.as_deref())
                .await?
        }
        ChangeRequest::WithCurrent {
            current_password,
            new_password,
        } => {
            let caller = principal(req).ok_or(PasswordChangeError::Unauthorized)?;
            change_password(svc, &caller, current_password, new_password, ip.as_deref()).await?
        }
    }
    Ok(empty_response(StatusCode::NO_CONTENT))
}
