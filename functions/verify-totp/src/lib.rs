//! Authenticator apps: `POST /mfa/totp/enroll` and `POST /mfa/totp/confirm` (signed
//! in), and `POST /auth/mfa/totp`, the second step of a sign-in.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::flows::mfa_sign_in::{MfaSignInError, SecondStepRequest, sign_in_with_totp};
use portcullis::flows::totp_enrollment::{MfaError, confirm_totp, enroll_totp};
use portcullis::http::{json_response, parse_json, principal, respond, route_key, source_ip};
use serde::Deserialize;
use serde_json::json;

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
    let ip = source_ip(&req);
    match route_key(&req) {
        Some("POST /auth/mfa/totp") => respond(
            async {
                let step: SecondStepRequest = parse_json(&req)?;
                let signed_in = sign_in_with_totp(
                    svc,
                    &step.mfa_token,
                    &step.code,
                    step.keep_me_logged_in,
                    ip.as_deref(),
                )
                .await?;
                Ok::<_, MfaSignInError>(signed_in.into_response())
            }
            .await,
        ),
        route => respond(enrollment(svc, &req, route, ip.as_deref()).await),
    }
}

async fn enrollment(
    svc: &Services,
    req: &Request,
    route: Option<&str>,
    ip: Option<&str>,
) -> Result<Response<Body>, MfaError> {
    let caller = principal(req).ok_or(MfaError::Unauthorized)?;
    match route {
        Some("POST /mfa/totp/enroll") => {
            let input: PasswordRequest = parse_json(req)?;
            let enrollment = enroll_totp(svc, &caller, input.password).await?;
            Ok(json_response(StatusCode::OK, &enrollment))
        }
        Some("POST /mfa/totp/confirm") => {
            let input: CodeRequest = parse_json(req)?;
            let codes = confirm_totp(svc, &caller, &input.code, ip).await?;
            let shown: Vec<String> = codes.iter().map(|code| code.display()).collect();
            Ok(json_response(
                StatusCode::OK,
                &json!({ "backup_codes": shown }),
            ))
        }
        _ => Err(MfaError::NoPendingEnrollment),
    }
}
