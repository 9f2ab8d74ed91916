//! API Gateway (HTTP API, payload 2.0) as the dev server and the tests see it: a
//! request becomes the same event Lambda would get, the authorizer runs on every
//! route that is not public, and the function's handler answers.

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::bail;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use lambda_http::Body;
use portcullis::Services;
use portcullis::runtime::HttpHandler;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::routes::{self, Route};

pub struct Gateway {
    routes: Vec<Route>,
    handlers: HashMap<&'static str, HttpHandler>,
    services: Services,
}

/// A request as it reached the gateway.
pub struct Incoming {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub peer: SocketAddr,
}

impl Gateway {
    /// Refuses a template whose routes name a function the dev server does not host,
    /// so the two cannot drift apart.
    pub fn new(
        routes: Vec<Route>,
        handlers: HashMap<&'static str, HttpHandler>,
        services: Services,
    ) -> anyhow::Result<Self> {
        let missing: Vec<&str> = routes
            .iter()
            .filter(|route| !handlers.contains_key(route.binary.as_str()))
            .map(|route| route.binary.as_str())
            .collect();
        if !missing.is_empty() {
            bail!("the template routes to functions the dev server lacks: {missing:?}");
        }
        Ok(Self {
            routes,
            handlers,
            services,
        })
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// What the functions behind it run with.
    pub fn services(&self) -> &Services {
        &self.services
    }

    pub async fn handle(&self, incoming: Incoming) -> http::Response<Bytes> {
        let Some((route, params)) = routes::find(&self.routes, &incoming.method, &incoming.path)
        else {
            return gateway_error(StatusCode::NOT_FOUND, "Not Found");
        };
        let mut event = http_event(route, &params, &incoming);
        if !route.public {
            match self.authorize(&event).await {
                Ok(Some(context)) => {
                    event["requestContext"]["authorizer"] = json!({ "lambda": context });
                }
                Ok(None) => return gateway_error(StatusCode::FORBIDDEN, "Forbidden"),
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "the authorizer failed");
                    return gateway_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Internal Server Error",
                    );
                }
            }
        }
        let request = match lambda_http::request::from_str(&event.to_string()) {
            Ok(request) => request,
            Err(err) => {
                tracing::error!(error = %err, "could not build the Lambda request");
                return gateway_error(StatusCode::BAD_REQUEST, "Bad Request");
            }
        };
        let handler = self.handlers[route.binary.as_str()];
        let (parts, body) = portcullis::runtime::answer(handler, &self.services, request)
            .await
            .into_parts();
        let bytes = match body {
            Body::Text(text) => Bytes::from(text),
            Body::Binary(bytes) => Bytes::from(bytes),
            _ => Bytes::new(),
        };
        http::Response::from_parts(parts, bytes)
    }

    /// Runs the authorizer as API Gateway does: `Some(context)` when it allows.
    async fn authorize(&self, event: &Value) -> anyhow::Result<Option<Value>> {
        let mut request = event.clone();
        let method = event["requestContext"]["http"]["method"]
            .as_str()
            .unwrap_or_default();
        let path = event["rawPath"].as_str().unwrap_or_default();
        request["type"] = json!("REQUEST");
        request["routeArn"] = json!(format!(
            "arn:aws:execute-api:us-east-1:000000000000:local/$default/{method}{path}"
        ));
        request["identitySource"] = json!([]);
        let response =
            authorizer::authorize(&self.services, serde_json::from_value(request)?).await?;
        Ok(response.is_authorized.then_some(response.context))
    }
}

/// API Gateway's own errors have this body, not the API's error shape.
fn gateway_error(status: StatusCode, message: &str) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(json!({ "message": message }).to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// The HTTP API payload 2.0 event for a request.
fn http_event(route: &Route, params: &HashMap<String, String>, incoming: &Incoming) -> Value {
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for name in incoming.headers.keys() {
        let values: Vec<&str> = incoming
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if name == header::COOKIE {
            // API Gateway moves cookies out of the headers into their own list.
            cookies.extend(
                values
                    .iter()
                    .flat_map(|v| v.split(';'))
                    .map(|c| c.trim().to_owned()),
            );
        } else {
            headers.insert(name.as_str().to_owned(), json!(values.join(",")));
        }
    }
    let query: Map<String, Value> = incoming
        .query
        .as_deref()
        .map(|q| {
            url_pairs(q)
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect()
        })
        .unwrap_or_default();
    let (body, is_base64) = match std::str::from_utf8(&incoming.body) {
        _ if incoming.body.is_empty() => (Value::Null, false),
        Ok(text) => (json!(text), false),
        Err(_) => (json!(STANDARD.encode(&incoming.body)), true),
    };
    let now = OffsetDateTime::now_utc();
    json!({
        "version": "2.0",
        "routeKey": route.key(),
        "rawPath": incoming.path,
        "rawQueryString": incoming.query.clone().unwrap_or_default(),
        "cookies": cookies,
        "headers": headers,
        "queryStringParameters": query,
        "pathParameters": params,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": incoming.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": incoming.method.as_str(),
                "path": incoming.path,
                "protocol": "HTTP/1.1",
                "sourceIp": incoming.peer.ip().to_string(),
                "userAgent": incoming.headers.get(header::USER_AGENT).and_then(|h| h.to_str().ok()).unwrap_or(""),
            },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": route.key(),
            "stage": "$default",
            "time": now.to_string(),
            "timeEpoch": now.unix_timestamp() * 1000,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    })
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
