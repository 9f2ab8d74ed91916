//! SMS codes through SNS: `POST /mfa/sms/enroll` and `POST /mfa/sms/confirm`
//! (signed in), `POST /auth/mfa/sms/send` and `POST /auth/mfa/sms`, the second
//! step of a sign-in.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::http::bodies::mfa::backup_codes_json;
use portcullis::http::{
    empty_response, enrolling_principal, json_response, parse_json, respond, route_key, source_ip,
};
use portcullis::mfa::MfaMethod;
use portcullis::mfa::second_step::MfaSignInError;
use portcullis::mfa::second_step_route::second_step_response;
use portcullis::mfa::sms_enrollment::{confirm_sms, enroll_sms};
use portcullis::mfa::sms_sign_in::send_sign_in_code;
use portcullis::mfa::totp_enrollment::MfaError;
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
    let ip = source_ip(&svc.settings, &req);
    match route_key(&req) {
        Some("POST /auth/mfa/sms/send") => respond(
            async {
                let input: SendRequest = parse_json(&req)?;
                send_sign_in_code(svc, &input.mfa_token).await?;
                Ok::<_, MfaSignInError>(empty_response(StatusCode::ACCEPTED))
            }
            .await,
        ),
        Some("POST /auth/mfa/sms") => second_step_response(svc, &req, MfaMethod::Sms).await,
        route => respond(enrollment(svc, &req, route, ip.as_deref()).await),
    }
}

async fn enrollment(
    svc: &Services,
    req: &Request,
    route: Option<&str>,
    ip: Option<&str>,
) -> Result<Response<Body>, MfaError> {
    // A user made to set up a second factor may enrol with their enrolment-only
    // session.
    let caller = enrolling_principal(req).ok_or(MfaError::Unauthorized)?;
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
            Ok(json_response(StatusCode::OK, &backup_codes_json(&codes)))
        }
        _ => Err(MfaError::NoPendingEnrollment),
    }
}
