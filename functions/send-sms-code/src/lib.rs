//! SMS codes through SNS: `POST /mfa/sms/enroll` and `POST /mfa/sms/confirm`
//! (signed in), `POST /auth/mfa/sms/send` and `POST /auth/mfa/sms`, the second
//! step of a sign-in.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::flows::mfa_sign_in::{
    MfaSignInError, SecondStepRequest, send_sign_in_code, sign_in_with_sms,
};
use portcullis::flows::sms_enrollment::{confirm_sms, enroll_sms};
use portcullis::flows::totp_enrollment::MfaError;
use portcullis::http::{
    empty_response, json_response, parse_json, principal, respond, route_key, source_ip,
};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct PhoneRequest {
    password: String,
    phone: String,
}

#[derive(Deserialize)]
struct CodeRequest {
    code: String,
}

#[derive(Deserialize)]
struct SendRequest {
    mfa_token: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    let ip = source_ip(&req);
    match route_key(&req) {
        Some("POST /auth/mfa/sms/send") => respond(
            async {
                let input: SendRequest = parse_json(&req)?;
                send_sign_in_code(svc, &input.mfa_token).await?;
                Ok::<_, MfaSignInError>(empty_response(StatusCode::ACCEPTED))
            }
            .await,
        ),
        Some("POST /auth/mfa/sms") => respond(
            async {
                let step: SecondStepRequest = parse_json(&req)?;
                let signed_in = sign_in_with_sms(
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
        Some("POST /mfa/sms/enroll") => {
            let input: PhoneRequest = parse_json(req)?;
            let phone = enroll_sms(svc, &caller, input.password, &input.phone).await?;
            Ok(json_response(
                StatusCode::ACCEPTED,
                &json!({ "phone": phone.masked() }),
            ))
        }
        Some("POST /mfa/sms/confirm") => {
            let input: CodeRequest = parse_json(req)?;
            let codes = confirm_sms(svc, &caller, &input.code, ip).await?;
            let shown: Vec<String> = codes.iter().map(|code| code.display()).collect();
            Ok(json_response(
                StatusCode::OK,
                &json!({ "backup_codes": shown }),
            ))
        }
        _ => Err(MfaError::NoPendingEnrollment),
    }
}
