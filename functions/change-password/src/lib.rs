//! `POST /auth/password/change`: a signed-in firm user changes their password.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::flows::password_change::{PasswordChangeError, change_password};
use portcullis::http::{empty_response, parse_json, principal, respond, source_ip};
use serde::Deserialize;

#[derive(Deserialize)]
struct ChangeRequest {
    current_password: String,
    new_password: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(
        async {
            let caller = principal(&req).ok_or(PasswordChangeError::Unauthorized)?;
            let input: ChangeRequest = parse_json(&req)?;
            let ip = source_ip(&req);
            change_password(
                svc,
                &caller,
                input.current_password,
                input.new_password,
                ip.as_deref(),
            )
            .await?;
            Ok::<_, PasswordChangeError>(empty_response(StatusCode::NO_CONTENT))
        }
        .await,
    )
}
