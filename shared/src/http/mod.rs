//! What every HTTP function shares: parsing request bodies, reading what API Gateway
//! and the authorizer put in the request context, and the one mapping from errors to
//! status codes and the JSON error body.

pub mod bodies;
mod errors;

use std::net::IpAddr;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER, SET_COOKIE};
use http::{HeaderMap, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use subtle::ConstantTimeEq;

use crate::config::Settings;
use crate::domain::{Role, TokenDigest, UserId};

/// An error a flow can end in, and how it shows over HTTP.
pub trait ApiError: std::error::Error {
    fn status(&self) -> StatusCode;
    /// Stable, snake_case, part of the API contract.
    fn code(&self) -> &'static str;
    /// Seconds to put in `Retry-After`, for `429`s.
    fn retry_after(&self) -> Option<u64> {
        None
    }
    /// More fields for the `error` object, such as a weak password's `feedback`.
    fn details(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        None
    }
}

/// Maps an error to its response: `{"error":{"code","message"}}`. A 5xx body is
/// opaque; its cause chain goes to the log only.
pub fn error_response<E: ApiError>(err: &E) -> Response<Body> {
    let status = err.status();
    let message = if status.is_server_error() {
        tracing::error!(error = %error_chain(err), "request failed");
        "Something went wrong on our side. Please try again later.".to_owned()
    } else {
        err.to_string()
    };
    let mut error = json!({ "code": err.code(), "message": message });
    if let (Some(details), Some(fields)) = (err.details(), error.as_object_mut()) {
        fields.extend(details);
    }
    let mut response = json_response(status, &json!({ "error": error }));
    if let Some(seconds) = err.retry_after() {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// Turns a flow's result into the response, whichever way it went.
pub fn respond<E: ApiError>(result: Result<Response<Body>, E>) -> Response<Body> {
    result.unwrap_or_else(|err| error_response(&err))
}

pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    api_headers(headers);
    response
}

pub fn empty_response(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = status;
    api_headers(response.headers_mut());
    response
}

/// HTTPS only, for two years, on the API's host and below it.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

/// What every API answer carries: never cached (answers hold tokens and personal
/// data), never sniffed into another type, and HTTPS only. The HTTP API has no
/// response-header settings of its own, so the functions set these.
fn api_headers(headers: &mut http::HeaderMap) {
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        http::header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
    );
}

/// The path the portal's origin serves the API under, deployed (CloudFront strips
/// it before the HTTP API) and locally (the dev server does the same).
pub const API_PATH_PREFIX: &str = "/api";

/// The Content-Security-Policy of every HTML page of the portal: its own
/// scripts, styles and images only (no inline script; `data:` images for QR
/// codes), never framed, no `<base>`, no plugins, forms posting only to it, and
/// requests to itself and to `documents_origin`, where the browser PUTs uploads to
/// their presigned URLs. The template's response-headers policy says the same.
pub fn page_content_security_policy(documents_origin: &str) -> String {
    format!(
        "default-src 'self'; connect-src 'self' {documents_origin}; img-src 'self' data:; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}

/// The request body was not the JSON object the route takes.
#[derive(Debug, thiserror::Error)]
#[error("The request body is not valid for this route.")]
pub struct InvalidBody;

pub fn parse_json<T: DeserializeOwned>(req: &Request) -> Result<T, InvalidBody> {
    let bytes: &[u8] = match req.body() {
        Body::Empty => return Err(InvalidBody),
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => return Err(InvalidBody),
    };
    serde_json::from_slice(bytes).map_err(|_| InvalidBody)
}

/// The header the portal's CloudFront distribution adds to every request it
/// forwards to the API, with a secret only it and the functions know.
pub const CDN_ORIGIN_SECRET_HEADER: &str = "x-portcullis-origin-secret";
/// The header the distribution's function on `/api/*` sets to the viewer's
/// address (replacing whatever the viewer sent under that name).
pub const CDN_VIEWER_ADDRESS_HEADER: &str = "x-portcullis-viewer-address";

/// The caller's address. Behind the portal's distribution API Gateway sees only
/// CloudFront's, shared by everyone at that edge, so the viewer's address the
/// distribution names is taken instead, but only from a request that carries the
/// distribution's secret: a header a client sets itself is never believed, and a
/// request straight to the API keeps the address API Gateway saw.
pub fn source_ip(settings: &Settings, req: &Request) -> Option<String> {
    let gateway = match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.clone(),
        _ => None,
    };
    viewer_address(settings, req.headers()).or(gateway)
}

fn viewer_address(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    let secret = settings.cdn_origin_secret.as_deref()?;
    let presented = headers.get(CDN_ORIGIN_SECRET_HEADER)?.as_bytes();
    if !bool::from(presented.ct_eq(secret.as_bytes())) {
        return None;
    }
    let address: IpAddr = headers
        .get(CDN_VIEWER_ADDRESS_HEADER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(address.to_string())
}

/// The keys of the authorizer's context, shared by the authorizer that writes them
/// and the routes that read them.
pub mod authorizer_context {
    pub const USER_ID: &str = "user_id";
    pub const ROLE: &str = "role";
    pub const SESSION_ID: &str = "session_id";
    /// `"true"` for a session that may only enrol a second factor, `"false"` for a
    /// full one; a context without it is no session.
    pub const ENROLLMENT_ONLY: &str = "enrollment_only";
}

/// Who is calling, as the authorizer established from their session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
    /// The digest of the session token: enough to revoke the session, useless to
    /// present.
    pub session: TokenDigest,
    /// The session may only enrol a second factor (see [`enrolling_principal`]).
    pub enrollment_only: bool,
}

/// The principal the authorizer attached, or `None` when the caller has no valid
/// session, or one that may only enrol a second factor: every route but the
/// enrolment ones reads the caller through this.
pub fn principal(req: &Request) -> Option<Principal> {
    enrolling_principal(req).filter(|principal| !principal.enrollment_only)
}

/// The caller of a route that sets up a second factor (`GET /mfa` and the enrol
/// and confirm routes): a full session, or one that may only enrol.
pub fn enrolling_principal(req: &Request) -> Option<Principal> {
    let fields = &req.request_context_ref()?.authorizer()?.fields;
    let text = |key: &str| fields.get(key).and_then(|v| v.as_str());
    Some(Principal {
        user_id: UserId::parse(text(authorizer_context::USER_ID)?).ok()?,
        role: Role::parse(text(authorizer_context::ROLE)?)?,
        session: TokenDigest::from_stored(text(authorizer_context::SESSION_ID)?)?,
        // A full session is one the authorizer says is one: a context without
        // the flag (an older authorizer mid-deployment) gets nothing.
        enrollment_only: match text(authorizer_context::ENROLLMENT_ONLY)? {
            "false" => false,
            "true" => true,
            _ => return None,
        },
    })
}

pub const SESSION_COOKIE: &str = "session";
/// The cookie of a browser that signed in as a user before (see
/// [`crate::sign_in::TrustedDevice`]). Only the sign-in routes under `/auth` read it.
pub const DEVICE_COOKIE: &str = "device";

/// Where a sign-in comes from: the browser's address and user agent, and the
/// device cookie it presents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Browser {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_cookie: Option<String>,
}

impl Browser {
    pub fn of(settings: &Settings, req: &Request) -> Self {
        let headers = req.headers();
        Self {
            ip: source_ip(settings, req),
            user_agent: headers
                .get(http::header::USER_AGENT)
                .and_then(|agent| agent.to_str().ok())
                .map(str::to_owned),
            device_cookie: cookie(headers, [], DEVICE_COOKIE).map(str::to_owned),
        }
    }
}

/// The value of the cookie `name`, from the `Cookie` header or API Gateway's
/// `cookies` list.
fn cookie<'a>(
    headers: &'a HeaderMap,
    cookies: impl IntoIterator<Item = &'a str>,
    name: &str,
) -> Option<&'a str> {
    let header_cookies = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'));
    cookies
        .into_iter()
        .flat_map(|c| c.split(';'))
        .chain(header_cookies)
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        })
}

/// The token in `Authorization: Bearer …`.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

/// The session token a caller presents: `Authorization: Bearer …` first, else the
/// `session` cookie (from the `Cookie` header or API Gateway's `cookies` list).
pub fn presented_session_token<'a>(
    headers: &'a HeaderMap,
    cookies: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    bearer_token(headers).or_else(|| cookie(headers, cookies, SESSION_COOKIE))
}

pub fn set_session_cookie(response: &mut Response<Body>, token: &str, max_age_seconds: i64) {
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={max_age_seconds}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// Trusts this browser for 90 days (see [`crate::sign_in::TrustedDevice`]).
pub fn set_device_cookie(response: &mut Response<Body>, token: &str) {
    let max_age = crate::sign_in::TrustedDevice::LIFETIME.whole_seconds();
    let cookie = format!(
        "{DEVICE_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path={API_PATH_PREFIX}/auth; Max-Age={max_age}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

pub fn clear_session_cookie(response: &mut Response<Body>) {
    response.headers_mut().append(
        SET_COOKIE,
        HeaderValue::from_static("session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0"),
    );
}

/// The route a request came in on, as API Gateway names it (`"GET /me"`).
pub fn route_key(req: &Request) -> Option<&str> {
    match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.route_key.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Sample {
        #[error("Slow down.")]
        Limited,
        #[error("database on fire")]
        Broken,
    }

    impl ApiError for Sample {
        fn status(&self) -> StatusCode {
            match self {
                Self::Limited => StatusCode::TOO_MANY_REQUESTS,
                Self::Broken => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }
        fn code(&self) -> &'static str {
            match self {
                Self::Limited => "rate_limited",
                Self::Broken => "internal_error",
            }
        }
        fn retry_after(&self) -> Option<u64> {
            matches!(self, Self::Limited).then_some(42)
        }
    }

    fn body(response: &Response<Body>) -> serde_json::Value {
        serde_json::from_slice(response.body().as_ref()).unwrap()
    }

    #[test]
    fn a_client_error_has_its_code_message_and_retry_after() {
        let response = error_response(&Sample::Limited);
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[RETRY_AFTER], "42");
        assert_eq!(
            body(&response),
            json!({"error": {"code": "rate_limited", "message": "Slow down."}})
        );
    }

    #[test]
    fn a_server_error_body_says_nothing_of_its_cause() {
        let response = error_response(&Sample::Broken);
        assert_eq!(response.status(), 500);
        assert!(!String::from_utf8_lossy(response.body().as_ref()).contains("fire"));
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "theme=dark; session=fromcookie".parse().unwrap(),
        );
        assert_eq!(presented_session_token(&headers, []), Some("fromcookie"));
        assert_eq!(
            presented_session_token(&HeaderMap::new(), ["a=b", "session=listed"]),
            Some("listed")
        );
        headers.insert(
            http::header::AUTHORIZATION,
            "Bearer fromheader".parse().unwrap(),
        );
        assert_eq!(presented_session_token(&headers, []), Some("fromheader"));
        headers.insert(
            http::header::AUTHORIZATION,
            "bearer lowercase".parse().unwrap(),
        );
        assert_eq!(presented_session_token(&headers, []), Some("lowercase"));
        assert_eq!(presented_session_token(&HeaderMap::new(), []), None);
    }

    /// A request as API Gateway passes it on (`GET /me`, with a bearer token),
    /// with this authorizer context.
    pub(crate) fn with_context(context: serde_json::Value) -> Request {
        let mut event: serde_json::Value =
            serde_json::from_str(include_str!("../../../events/account/get-me.json")).unwrap();
        event["requestContext"]["authorizer"]["lambda"] = context;
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    #[test]
    fn only_a_context_that_says_which_kind_of_session_it_is_names_a_caller() {
        let base = json!({
            "user_id": "7f1c2a9e-3b4d-4e5f-8a6b-9c0d1e2f3a4b",
            "role": "staff",
            "session_id": "3b7e9d1f0a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3f",
        });
        let with = |flag: Option<&str>| {
            let mut context = base.clone();
            if let Some(flag) = flag {
                context[authorizer_context::ENROLLMENT_ONLY] = json!(flag);
            }
            with_context(context)
        };
        assert!(principal(&with(Some("false"))).is_some());
        assert!(principal(&with(Some("true"))).is_none());
        assert!(
            enrolling_principal(&with(Some("true")))
                .unwrap()
                .enrollment_only
        );
        assert!(enrolling_principal(&with(None)).is_none());
        assert!(principal(&with(Some("yes"))).is_none());
    }
}
