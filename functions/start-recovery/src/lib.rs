//! `POST /firm/users/{userId}/recovery`: an administrator opens an account
//! recovery for a firm user of their firm, who is emailed a 72-hour link.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::accounts::firm_admin::FirmAdminError;
use portcullis::http::bodies::rfc3339;
use portcullis::http::{json_response, principal, respond, source_ip};
use portcullis::recovery::process::{RecoveryError, start_for_colleague};
use serde_json::json;

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(
        async {
            let caller = principal(&req).ok_or(FirmAdminError::Unauthorized)?;
            let params = req.path_parameters();
            let target = params.first("userId").unwrap_or_default();
            let ip = source_ip(&svc.settings, &req);
            let recovery = start_for_colleague(svc, &caller, target, ip.as_deref()).await?;
            Ok::<_, RecoveryError>(json_response(
                StatusCode::CREATED,
                &json!({
                    "recovery_id": recovery.id.to_string(),
                    "expires_at": rfc3339(recovery.expires_at),
                }),
            ))
        }
        .await,
    )
}
