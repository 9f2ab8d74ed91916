//! Cases: `GET /cases` for everyone signed in; for the firm's own users
//! `POST /firm/clients`, `POST /firm/cases` and
//! `PUT /firm/cases/{caseId}/members/{userId}`.

use futures::future::BoxFuture;
use http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use portcullis::Services;
use portcullis::documents::cases::{CaseAccessError, visible_cases};
use portcullis::documents::firm_cases::{FirmCaseError, add_member, create_case, create_client};
use portcullis::http::bodies::documents::case_json;
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

async fn route(svc: &Services, req: &Request) -> Result<Response<Body>, FirmCaseError> {
    let caller = principal(req).ok_or(CaseAccessError::Unauthorized)?;
    let ip = source_ip(&svc.settings, req);
    let params = req.path_parameters();
    match route_key(req) {
        Some("GET /cases") => {
            let cases = visible_cases(svc, &caller).await?;
            Ok(json_response(StatusCode::OK, &json!({ "cases": cases })))
        }
        Some("POST /firm/clients") => {
            let client = create_client(svc, &caller, parse_json(req)?, ip.as_deref()).await?;
            // An address mailed no more is said, so the firm can ask for another; not
            // why or since when, which may be another firm's client's business.
            let mut body = user_json(&client);
            body["email_undeliverable"] =
                json!(svc.store.suppression(&client.email).await?.is_some());
            Ok(json_response(StatusCode::CREATED, &body))
        }
        Some("POST /firm/cases") => {
            let (case, firm) = create_case(svc, &caller, parse_json(req)?, ip.as_deref()).await?;
            Ok(json_response(StatusCode::CREATED, &case_json(&case, &firm)))
        }
        Some("PUT /firm/cases/{caseId}/members/{userId}") => {
            let case_id = params.first("caseId").unwrap_or_default();
            let user_id = params.first("userId").unwrap_or_default();
            add_member(svc, &caller, case_id, user_id, ip.as_deref()).await?;
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        _ => Err(CaseAccessError::CaseNotFound.into()),
    }
}
