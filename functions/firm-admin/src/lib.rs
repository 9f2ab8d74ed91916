//! Firm administration, for a firm's administrators and their own firm only:
//! `GET /firm/settings`, `PUT /firm/settings`, `GET /firm/users`, `POST /firm/users`,
//! `POST /firm/users/{userId}/force-password-change`,
//! `POST /firm/users/expire-passwords`, `DELETE /firm/users/{userId}/mfa`.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::accounts::firm_admin::{
    FirmAdminError, NewFirmUser, disable_mfa, expire_all_passwords, firm_users,
    force_password_change, invite_firm_user, parse_settings, settings, update_settings,
};
use portcullis::http::bodies::accounts::settings_json;
use portcullis::http::bodies::sign_in::user_json;
use portcullis::http::{
    empty_response, json_response, parse_json, principal, respond, route_key, source_ip,
};
use serde_json::json;

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(route(svc, &req).await)
}

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, FirmAdminError> {
    let caller = principal(req).ok_or(FirmAdminError::Unauthorized)?;
    let ip = source_ip(&svc.settings, req);
    match route_key(req) {
        Some("GET /firm/settings") => {
            let current = settings(svc, &caller).await?;
            Ok(json_response(StatusCode::OK, &settings_json(&current)))
        }
        Some("PUT /firm/settings") => {
            let body: serde_json::Value = parse_json(req)?;
            let current = settings(svc, &caller).await?;
            let wanted = parse_settings(&body, &current)?;
            let updated = update_settings(svc, &caller, wanted, ip.as_deref()).await?;
            Ok(json_response(StatusCode::OK, &settings_json(&updated)))
        }
        Some("GET /firm/users") => {
            let users = firm_users(svc, &caller).await?;
            Ok(json_response(StatusCode::OK, &json!({ "users": users })))
        }
        Some("POST /firm/users") => {
            let new: NewFirmUser = parse_json(req)?;
            let user = invite_firm_user(svc, &caller, new, ip.as_deref()).await?;
            Ok(json_response(StatusCode::CREATED, &user_json(&user)))
        }
        Some("POST /firm/users/{userId}/force-password-change") => {
            let params = req.path_parameters();
            let target = params.first("userId").ok_or(FirmAdminError::NotFound)?;
            force_password_change(svc, &caller, target, ip.as_deref()).await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        Some("DELETE /firm/users/{userId}/mfa") => {
            let params = req.path_parameters();
            let target = params.first("userId").ok_or(FirmAdminError::NotFound)?;
            disable_mfa(svc, &caller, target, ip.as_deref()).await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        Some("POST /firm/users/expire-passwords") => {
            expire_all_passwords(svc, &caller, ip.as_deref()).await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        _ => Err(FirmAdminError::NotFound),
    }
}
