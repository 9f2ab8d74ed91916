//! Authenticator apps: `POST /mfa/totp/enroll` and `POST /mfa/totp/confirm` (signed
//! in), and `POST /auth/mfa/totp`, the second step of a sign-in.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::http::bodies::mfa::backup_codes_json;
use portcullis::http::{
    enrolling_principal, json_response, parse_json, respond, route_key, source_ip,
};
use portcullis::mfa::MfaMethod;
use portcullis::mfa::second_step_route::second_step_response;
use portcullis::mfa::totp_enrollment::{MfaError, confirm_totp, enroll_totp};
use serde::Deserialize;

#[derive(Deserialize)]
struct PasswordRequest {
    password: String,
}

#[derive(Deserialize)]
struct CodeRequest {
    code: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    match route_key(&req) {
        Some("POST /auth/mfa/totp") => second_step_response(svc, &req, MfaMethod::Totp).await,
        route => respond(enrollment(svc, &req, route).await),
    }
}

async fn enrollment(
    svc: &Services,
    req: &Request,
    route: Option<&str>,
) -> Result<Response<Body>, MfaError> {
    // A user made to set up a second factor may enrol with their enrolment-only
    // session.
    let caller = enrolling_principal(req).ok_or(MfaError::Unauthorized)?;
    match route {
        Some("POST /mfa/totp/enroll") => {
            let input: PasswordRequest = parse_json(req)?;
            let enrollment = enroll_totp(svc, &caller, input.password).await?;
            Ok(json_response(StatusCode::OK, &enrollment))
        }
        Some("POST /mfa/totp/confirm") => {
            let input: CodeRequest = parse_json(req)?;
            let ip = source_ip(&svc.settings, req);
            let codes = confirm_totp(svc, &caller, &input.code, ip.as_deref()).await?;
            Ok(json_response(StatusCode::OK, &backup_codes_json(&codes)))
        }
        _ => Err(MfaError::NoPendingEnrollment),
    }
}
