//! Backup codes: `POST /auth/mfa/backup-code`, the second step of a sign-in with
//! one, and `POST /mfa/backup-codes` (signed in), a new set.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::flows::mfa_methods::regenerate_backup_codes;
use portcullis::flows::mfa_sign_in::{MfaSignInError, SecondStepRequest, sign_in_with_backup_code};
use portcullis::flows::totp_enrollment::MfaError;
use portcullis::http::{json_response, parse_json, principal, respond, route_key, source_ip};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct PasswordRequest {
    password: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    let ip = source_ip(&req);
    if route_key(&req) == Some("POST /auth/mfa/backup-code") {
        return respond(
            async {
                let step: SecondStepRequest = parse_json(&req)?;
                let signed_in = sign_in_with_backup_code(
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
        );
    }
    respond(
        async {
            let caller = principal(&req).ok_or(MfaError::Unauthorized)?;
            let input: PasswordRequest = parse_json(&req)?;
            let codes =
                regenerate_backup_codes(svc, &caller, input.password, ip.as_deref()).await?;
            let shown: Vec<String> = codes.iter().map(|code| code.display()).collect();
            Ok::<_, MfaError>(json_response(
                StatusCode::OK,
                &json!({ "backup_codes": shown }),
            ))
        }
        .await,
    )
}
