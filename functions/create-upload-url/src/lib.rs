//! `POST /cases/{caseId}/documents`: records the files a client or firm user is
//! about to send, and hands out one presigned S3 PUT per file.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::documents::cases::CaseAccessError;
use portcullis::documents::transfer::{DocumentError, request_uploads};
use portcullis::http::{json_response, parse_json, principal, respond};

pub fn handler(svc: &Services, req: Request) -> BoxFuture<'_, Response<Body>> {
    Box::pin(handle(svc, req))
}

pub async fn handle(svc: &Services, req: Request) -> Response<Body> {
    respond(route(svc, &req).await)
}

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, DocumentError> {
    let caller = principal(req).ok_or(CaseAccessError::Unauthorized)?;
    let params = req.path_parameters();
    let case_id = params.first("caseId").unwrap_or_default();
    let created = request_uploads(svc, &caller, case_id, parse_json(req)).await?;
    Ok(json_response(StatusCode::CREATED, &created))
}
