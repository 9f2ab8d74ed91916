//! Backup codes: `POST /auth/mfa/backup-code`, the second step of a sign-in with
//! one, and `POST /mfa/backup-codes` (signed in), a new set.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::http::bodies::mfa::backup_codes_json;
use portcullis::http::{json_response, parse_json, principal, respond, route_key, source_ip};
use portcullis::mfa::MfaMethod;
use portcullis::mfa::methods::regenerate_backup_codes;
use portcullis::mfa::second_step_route::second_step_response;
use portcullis::mfa::totp_enrollment::MfaError;
use serde::Deserialize;

#[derive(Deserialize)]
struct PasswordRequest {
    password: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    match route_key(&req) {
        Some("POST /auth/mfa/backup-code") => {
            second_step_response(svc, &req, MfaMethod::BackupCode).await
        }
        _ => respond(regenerate(svc, &req).await),
    }
}

async fn regenerate(svc: &Services, req: &Request) -> Result<Response<Body>, MfaError> {
    let caller = principal(req).ok_or(MfaError::Unauthorized)?;
    let input: PasswordRequest = parse_json(req)?;
    let ip = source_ip(&svc.settings, req);
    let codes = regenerate_backup_codes(svc, &caller, input.password, ip.as_deref()).await?;
    Ok(json_response(StatusCode::OK, &backup_codes_json(&codes)))
}
