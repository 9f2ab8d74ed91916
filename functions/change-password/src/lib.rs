//! `POST /auth/password/change`: a firm user changes their password, signed in
//! with the current one, or with the token a sign-in handed out when the password
//! had expired or a change was forced.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::flows::password_change::{
    PasswordChangeError, change_password, change_password_with_token,
};
use portcullis::http::{empty_response, parse_json, principal, respond, source_ip};
use serde::Deserialize;

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

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(change(svc, &req).await)
}

async fn change(svc: &Services, req: &Request) -> Result<Response<Body>, PasswordChangeError> {
    let ip = source_ip(req);
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
