//! The Lambda entry points every function's `main.rs` wires its handler into.

use std::convert::Infallible;
use std::time::Instant;

use futures::future::BoxFuture;
use lambda_http::{Body, LambdaEvent, Request, Response, service_fn};

use crate::http::{enrolling_principal, route_key};
use crate::{Services, aws, telemetry};

/// An HTTP route handler: the same function runs in Lambda, in the dev server and
/// under test.
pub type HttpHandler = for<'a> fn(&'a Services, Request) -> BoxFuture<'a, Response<Body>>;

/// Runs an HTTP function: JSON logs, services built once per cold start (with
/// the optional `adapters`), then the Lambda event loop.
pub async fn run_http(
    handler: HttpHandler,
    adapters: aws::Adapters,
) -> Result<(), lambda_http::Error> {
    telemetry::init_json();
    let svc = aws::services_from_env(adapters).await?;
    let svc = &svc;
    lambda_http::run(service_fn(move |req: Request| async move {
        Ok::<_, Infallible>(answer(handler, svc, req).await)
    }))
    .await
}

/// Runs `handler` on one request and logs one line of it: the route, the status,
/// how long it took and who asked (the user id, when signed in; never a token, a
/// code, a password or a body). Lambda and the dev server both answer through it.
pub async fn answer(handler: HttpHandler, svc: &Services, req: Request) -> Response<Body> {
    let started = Instant::now();
    let route = route_key(&req).unwrap_or("-").to_owned();
    let user_id = enrolling_principal(&req).map(|principal| principal.user_id.to_string());
    let response = handler(svc, req).await;
    let status = response.status().as_u16();
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    // An absent user id is left out of the line.
    tracing::info!(route, status, latency_ms, user_id, "answered");
    response
}

/// A handler of a non-HTTP event (the authorizer, a schedule, an S3 notification).
pub type EventHandler<E, R> = for<'a> fn(&'a Services, E) -> BoxFuture<'a, anyhow::Result<R>>;

/// Runs an event function, as [`run_http`] does an HTTP one. A failure is logged
/// with its cause chain and reported to Lambda as the invocation's error.
pub async fn run_event<E, R>(
    handler: EventHandler<E, R>,
    adapters: aws::Adapters,
) -> Result<(), lambda_http::Error>
where
    E: serde::de::DeserializeOwned + Send + 'static,
    R: serde::Serialize + Send + 'static,
{
    telemetry::init_json();
    let svc = aws::services_from_env(adapters).await?;
    let svc = &svc;
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<E>| async move {
        handler(svc, event.payload).await.map_err(|err| {
            tracing::error!(error = format!("{err:#}"), "invocation failed");
            lambda_http::Error::from(err)
        })
    }))
    .await
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;
    use http::StatusCode;
    use serde_json::json;
    use tracing_subscriber::filter::LevelFilter;

    use super::*;
    use crate::fakes::FakeServices;
    use crate::http::tests::with_context;
    use crate::telemetry::capture::{Captured, lines};
    use crate::telemetry::lambda_subscriber;

    fn created(_: &Services, _: Request) -> BoxFuture<'_, Response<Body>> {
        async { crate::http::empty_response(StatusCode::CREATED) }.boxed()
    }

    #[test]
    fn each_request_logs_one_line_of_route_status_latency_and_user_never_its_token() {
        let fakes = FakeServices::default();
        let captured = Captured::default();
        let user = "7f1c2a9e-3b4d-4e5f-8a6b-9c0d1e2f3a4b";
        let signed_in = with_context(json!({
            "user_id": user,
            "role": "staff",
            "session_id": "3b7e9d1f0a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3f",
            "enrollment_only": "false",
        }));
        let anonymous = with_context(json!({}));
        tracing::subscriber::with_default(
            lambda_subscriber(captured.clone(), LevelFilter::INFO),
            || {
                for req in [signed_in, anonymous] {
                    let answer = futures::executor::block_on(answer(created, &fakes.services, req));
                    assert_eq!(answer.status(), StatusCode::CREATED);
                }
            },
        );
        let lines = lines(&captured);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let line = &lines[0];
        assert_eq!(line["message"], "answered");
        assert_eq!(line["route"], "GET /me");
        assert_eq!(line["status"], 201);
        assert!(line["latency_ms"].is_u64());
        assert_eq!(line["user_id"], user);
        assert!(!lines[1].contains_key("user_id"));
        let text = serde_json::to_string(&lines).unwrap();
        assert!(
            !text.contains("BBBBBBBB") && !text.contains("3b7e9d1f"),
            "{text}"
        );
    }
}
