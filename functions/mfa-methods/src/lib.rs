//! A firm user's second factors: `GET /mfa` and `DELETE /mfa/{method}`.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::http::{
    empty_response, enrolling_principal, json_response, parse_json, principal, respond, route_key,
    source_ip,
};
use portcullis::mfa::methods::{mfa_summary, remove_method};
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
    respond(route(svc, &req).await)
}

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, MfaError> {
    match route_key(req) {
        Some("GET /mfa") => {
            // Also for a user made to set up a second factor, to see where they stand.
            let caller = enrolling_principal(req).ok_or(MfaError::Unauthorized)?;
            Ok(json_response(
                StatusCode::OK,
                &mfa_summary(svc, &caller).await?,
            ))
        }
        Some("DELETE /mfa/{method}") => {
            let caller = principal(req).ok_or(MfaError::Unauthorized)?;
            let params = req.path_parameters();
            let method = params.first("method").unwrap_or_default();
            let input: PasswordRequest = parse_json(req)?;
            let ip = source_ip(&svc.settings, req);
            remove_method(svc, &caller, method, input.password, ip.as_deref()).await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        _ => Err(MfaError::MethodNotFound),
    }
}
