//! The rest of an account recovery: the link (`GET /recovery/{token}`, `POST
//! /recovery/{token}/submit`), the hosted provider's signed result (`POST
//! /recovery/callbacks/{provider}`) and the manual review (`GET /firm/recoveries`,
//! `POST /firm/recoveries/{recoveryId}/decision`).

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::accounts::firm_admin::FirmAdminError;
use portcullis::http::{
    empty_response, json_response, parse_json, principal, respond, route_key, source_ip,
};
use portcullis::recovery::callback::{SIGNATURE_HEADER, receive_callback};
use portcullis::recovery::process::{RecoveryError, decide, firm_recoveries, link_status, submit};
use serde::Deserialize;

#[derive(Deserialize)]
struct Decision {
    approved: bool,
    #[serde(default)]
    note: Option<String>,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(route(svc, &req).await)
}

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, RecoveryError> {
    let params = req.path_parameters();
    let param = |name: &str| params.first(name).unwrap_or_default().to_owned();
    let ip = source_ip(&svc.settings, req);
    match route_key(req) {
        Some("GET /recovery/{token}") => Ok(json_response(
            StatusCode::OK,
            &link_status(svc, &param("token")).await?,
        )),
        Some("POST /recovery/{token}/submit") => Ok(json_response(
            StatusCode::ACCEPTED,
            &submit(svc, &param("token"), ip.as_deref()).await?,
        )),
        Some("POST /recovery/callbacks/{provider}") => {
            let signature = req
                .headers()
                .get(SIGNATURE_HEADER)
                .and_then(|value| value.to_str().ok());
            let answer =
                receive_callback(svc, &param("provider"), signature, raw_body(req)).await?;
            Ok(json_response(StatusCode::OK, &answer))
        }
        Some("GET /firm/recoveries") => {
            let caller = principal(req).ok_or(FirmAdminError::Unauthorized)?;
            Ok(json_response(
                StatusCode::OK,
                &firm_recoveries(svc, &caller).await?,
            ))
        }
        Some("POST /firm/recoveries/{recoveryId}/decision") => {
            let caller = principal(req).ok_or(FirmAdminError::Unauthorized)?;
            let input: Decision = parse_json(req)?;
            let recovery = param("recoveryId");
            decide(
                svc,
                &caller,
                &recovery,
                input.approved,
                input.note.as_deref(),
            )
            .await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        _ => Err(RecoveryError::RecoveryNotFound),
    }
}

/// The body exactly as it arrived: the signature covers these bytes.
fn raw_body(req: &Request) -> &[u8] {
    match req.body() {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    }
}
