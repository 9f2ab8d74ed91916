//! The Lambda entry points every function's `main.rs` wires its handler into.

use std::convert::Infallible;

use futures::future::BoxFuture;
use lambda_http::{Body, LambdaEvent, Request, Response, service_fn};

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
        Ok::<_, Infallible>(handler(svc, req).await)
    }))
    .await
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
