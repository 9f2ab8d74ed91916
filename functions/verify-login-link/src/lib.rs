//! `POST /auth/login-link/verify`: redeems a login link for a session.

use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::http::{parse_json, respond, source_ip};
use portcullis::sign_in::login_link::{VerifyLoginLinkError, verify_login_link};
use serde::Deserialize;

#[derive(Deserialize)]
struct VerifyRequest {
    token: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(
        async {
            let input: VerifyRequest = parse_json(&req)?;
            let signed_in =
                verify_login_link(svc, &input.token, source_ip(&svc.settings, &req).as_deref())
                    .await?;
            Ok::<_, VerifyLoginLinkError>(signed_in.into_response())
        }
        .await,
    )
}
