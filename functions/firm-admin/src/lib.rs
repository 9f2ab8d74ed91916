//! Firm administration: `GET /firm/settings`, `PUT /firm/settings`. Administrators
//! only, and only for their own firm.

use futures::future::BoxFuture;
use http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::flows::firm_admin::{
    FirmAdminError, parse_settings, settings, settings_json, update_settings,
};
use portcullis::http::{json_response, parse_json, principal, respond, source_ip};

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(route(svc, &req).await)
}

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, FirmAdminError> {
    let caller = principal(req).ok_or(FirmAdminError::Unauthorized)?;
    match (req.method(), req.raw_http_path()) {
        (&Method::GET, "/firm/settings") => {
            let current = settings(svc, &caller).await?;
            Ok(json_response(StatusCode::OK, &settings_json(&current)))
        }
        (&Method::PUT, "/firm/settings") => {
            let body: serde_json::Value = parse_json(req)?;
            let wanted = parse_settings(&body)?;
            let updated = update_settings(svc, &caller, wanted, source_ip(req).as_deref()).await?;
            Ok(json_response(StatusCode::OK, &settings_json(&updated)))
        }
        _ => Err(FirmAdminError::NotFound),
    }
}
