//! The HTTP API's Lambda authorizer (payload 2.0, simple responses).
//!
//! It resolves the caller's session, from `Authorization: Bearer …` or the
//! `session` cookie, and hands the user id, role and session id to the route in the
//! authorizer context. It never denies: an HTTP API cannot shape the response to a
//! denial (it is always a bare `403 {"message":"Forbidden"}`), and the API contract
//! promises `401 {"error":{"code":"unauthorized",…}}`. So a caller without a valid
//! session reaches the route with an empty context, and every protected route turns
//! that into the `401` through `portcullis::http::principal`, in one place.

use aws_lambda_events::apigw::{
    ApiGatewayV2CustomAuthorizerSimpleResponse, ApiGatewayV2CustomAuthorizerV2Request,
};
use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::http::{authorizer_context, presented_session_token};
use portcullis::sign_in::session::authenticate;
use serde_json::{Value, json};

pub type AuthorizerRequest = ApiGatewayV2CustomAuthorizerV2Request;
pub type AuthorizerResponse = ApiGatewayV2CustomAuthorizerSimpleResponse<Value>;

pub fn handler(
    svc: &Services,
    request: AuthorizerRequest,
) -> BoxFuture<'_, anyhow::Result<AuthorizerResponse>> {
    Box::pin(authorize(svc, request))
}

#[tracing::instrument(skip_all)]
pub async fn authorize(
    svc: &Services,
    request: AuthorizerRequest,
) -> anyhow::Result<AuthorizerResponse> {
    let presented =
        presented_session_token(&request.headers, request.cookies.iter().map(String::as_str));
    let context = match presented {
        Some(token) => match authenticate(svc, token).await? {
            Some(principal) => json!({
                authorizer_context::USER_ID: principal.user_id.to_string(),
                authorizer_context::ROLE: principal.role.as_str(),
                authorizer_context::SESSION_ID: principal.session.as_str(),
                authorizer_context::ENROLLMENT_ONLY: principal.enrollment_only.to_string(),
            }),
            None => json!({}),
        },
        None => json!({}),
    };
    Ok(serde_json::from_value(
        json!({ "isAuthorized": true, "context": context }),
    )?)
}
