//! A case's documents: `GET /cases/{caseId}/documents` (newest first, `?cursor=`)
//! and `GET /cases/{caseId}/documents/{documentId}/download` (a presigned GET).

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::documents::cases::CaseAccessError;
use portcullis::documents::transfer::{DocumentError, download_url, list_documents};
use portcullis::http::{json_response, principal, respond, route_key};

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
    let body = match route_key(req) {
        Some("GET /cases/{caseId}/documents") => {
            let query = req.query_string_parameters();
            list_documents(
                svc,
                &caller,
                case_id,
                query.first("cursor"),
                query.first("limit"),
            )
            .await?
        }
        Some("GET /cases/{caseId}/documents/{documentId}/download") => {
            let document_id = params.first("documentId").unwrap_or_default();
            download_url(svc, &caller, case_id, document_id).await?
        }
        _ => return Err(DocumentError::DocumentNotFound),
    };
    Ok(json_response(StatusCode::OK, &body))
}
