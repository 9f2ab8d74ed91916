//! `POST /auth/password`: a firm user signs in with email and password.

use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use portcullis::Services;
use portcullis::http::{Browser, parse_json, respond};
use portcullis::sign_in::password_login::{PasswordLoginError, sign_in};
use serde::Deserialize;

#[derive(Deserialize)]
struct PasswordRequest {
    email: String,
    password: String,
}

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(
        async {
            let input: PasswordRequest = parse_json(&req)?;
            let signed_in = sign_in(
                svc,
                &input.email,
                input.password,
                &Browser::of(&svc.settings, &req),
            )
            .await?;
            Ok::<_, PasswordLoginError>(signed_in.into_response())
        }
        .await,
    )
}
