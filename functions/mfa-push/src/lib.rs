//! Push approval through SNS platform endpoints: `POST /mfa/push/devices` (signed
//! in) registers a phone; `POST /auth/mfa/push` sends a push for a sign-in;
//! `POST /mfa/push/challenges/{challengeId}` is the phone's answer, with its
//! device credential; `GET /auth/mfa/push/{challengeId}` is the browser's poll.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::http::{
    Browser, InvalidBody, bearer_token, enrolling_principal, json_response, parse_json, respond,
    route_key,
};
use portcullis::mfa::push_devices::{DeviceRegistration, register_device};
use portcullis::mfa::push_sign_in::{PushPoll, answer_push, poll_push, send_push};
use portcullis::mfa::second_step::MfaSignInError;
use portcullis::mfa::totp_enrollment::MfaError;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct PushRequest {
    mfa_token: String,
}

#[derive(Deserialize)]
struct Answer {
    approve: bool,
    #[serde(default)]
    number: Option<u8>,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    let browser = Browser::of(&svc.settings, &req);
    let ip = browser.ip.clone();
    let params = req.path_parameters();
    let challenge = params.first("challengeId").unwrap_or_default().to_owned();
    match route_key(&req) {
        Some("POST /mfa/push/devices") => respond(
            async {
                let caller = enrolling_principal(&req).ok_or(MfaError::Unauthorized)?;
                let input: DeviceRegistration = parse_json(&req)?;
                let body = register_device(svc, &caller, input, ip.as_deref()).await?;
                Ok::<_, MfaError>(json_response(StatusCode::CREATED, &body))
            }
            .await,
        ),
        Some("POST /auth/mfa/push") => respond(
            async {
                let input: PushRequest = parse_json(&req)?;
                let body = send_push(svc, &input.mfa_token, &browser).await?;
                Ok::<_, MfaSignInError>(json_response(StatusCode::ACCEPTED, &body))
            }
            .await,
        ),
        Some("POST /mfa/push/challenges/{challengeId}") => respond(
            async {
                let input: Answer = parse_json(&req)?;
                let credential = bearer_token(req.headers());
                let status =
                    answer_push(svc, credential, &challenge, input.approve, input.number).await?;
                Ok::<_, MfaSignInError>(json_response(
                    StatusCode::OK,
                    &json!({ "status": status.as_str() }),
                ))
            }
            .await,
        ),
        Some("GET /auth/mfa/push/{challengeId}") => respond(
            async {
                let query = req.query_string_parameters();
                let token = query.first("mfa_token").ok_or(InvalidBody)?;
                let keep = query.first("keep_me_logged_in") == Some("true");
                match poll_push(svc, token, &challenge, keep, &browser).await? {
                    PushPoll::Pending => Ok::<_, MfaSignInError>(json_response(
                        StatusCode::ACCEPTED,
                        &json!({ "status": "pending" }),
                    )),
                    PushPoll::SignedIn(signed_in) => Ok(signed_in.into_response()),
                }
            }
            .await,
        ),
        _ => respond(Err::<Response<Body>, _>(MfaError::NoPendingEnrollment)),
    }
}
