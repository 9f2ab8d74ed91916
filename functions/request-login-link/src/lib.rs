//! `POST /auth/login-link`: emails a one-time sign-in link to a registered client.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::http::{json_response, parse_json, respond, source_ip};
use portcullis::sign_in::link_request::LinkRequestError;
use portcullis::sign_in::login_link::{REQUEST_ACCEPTED_MESSAGE, request_login_link};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct LoginLinkRequest {
    email: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(
        async {
            let input: LoginLinkRequest = parse_json(&req)?;
            request_login_link(svc, &input.email, source_ip(&svc.settings, &req).as_deref())
                .await?;
            Ok::<_, LinkRequestError>(json_response(
                StatusCode::ACCEPTED,
                &json!({ "message": REQUEST_ACCEPTED_MESSAGE }),
            ))
        }
        .await,
    )
}
