//! The signed-in user's account: `GET /me`, `PUT /me/language`, `POST /auth/logout`.

use futures::future::BoxFuture;
use http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::accounts::account::{AccountError, profile, set_language};
use portcullis::http::{
    clear_session_cookie, empty_response, json_response, parse_json, principal, respond, source_ip,
};
use portcullis::sign_in::session::sign_out;
use serde::Deserialize;

#[derive(Deserialize)]
struct LanguageRequest {
    language: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(route(svc, &req).await)
}

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, AccountError> {
    let caller = principal(req).ok_or(AccountError::Unauthorized)?;
    let ip = source_ip(&svc.settings, req);
    match (req.method(), req.raw_http_path()) {
        (&Method::GET, "/me") => {
            let me = profile(svc, &caller).await?;
            Ok(json_response(StatusCode::OK, &me.to_json()))
        }
        (&Method::PUT, "/me/language") => {
            let input: LanguageRequest = parse_json(req)?;
            let me = set_language(svc, &caller, &input.language, ip.as_deref()).await?;
            Ok(json_response(StatusCode::OK, &me.to_json()))
        }
        (&Method::POST, "/auth/logout") => {
            sign_out(svc, &caller, ip.as_deref()).await?;
            let mut response = empty_response(StatusCode::NO_CONTENT);
            clear_session_cookie(&mut response);
            Ok(response)
        }
        _ => Err(AccountError::NotFound),
    }
}
