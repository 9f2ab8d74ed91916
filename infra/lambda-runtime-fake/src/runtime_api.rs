//! A fake Lambda Runtime API on 127.0.0.1: just enough of the protocol
//! (`lambda_runtime` 1.x speaks it) to hand one event to a freshly spawned function
//! and note when it asked for it and when it answered.
//!
//! One invocation is expected at a time. A function that asks for a second event
//! is left waiting: whoever spawned it kills it once it has answered the first.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tokio::sync::oneshot;

/// How far ahead the deadline handed to the function lies, as Lambda's timeout would.
const DEADLINE: Duration = Duration::from_secs(30);

pub struct RuntimeApi {
    address: String,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    expected: Mutex<Option<Expected>>,
}

impl Shared {
    fn expected(&self) -> MutexGuard<'_, Option<Expected>> {
        self.expected
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

struct Expected {
    request_id: String,
    function_arn: String,
    event: Bytes,
    /// Taken when the event is handed out, so it goes out once.
    delivered: Option<oneshot::Sender<Moment>>,
    finished: Option<oneshot::Sender<Finished>>,
}

/// The invocation a test is waiting on.
pub struct Invocation {
    /// When the function first asked for an event (`GET …/invocation/next`).
    pub next: oneshot::Receiver<Moment>,
    pub finished: oneshot::Receiver<Finished>,
}

/// How the invocation ended, and when the runtime API had the whole answer.
#[derive(Debug)]
pub struct Finished {
    pub at: Moment,
    pub outcome: Outcome,
}

/// An instant of the invocation on both clocks: the monotonic one to measure
/// durations by, and the wall clock the function's log lines are stamped with.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub instant: Instant,
    pub wall_clock: SystemTime,
}

impl Moment {
    fn now() -> Self {
        Self {
            instant: Instant::now(),
            wall_clock: SystemTime::now(),
        }
    }
}

#[derive(Debug)]
pub enum Outcome {
    Response(Bytes),
    InvocationError(Bytes),
    InitError(Bytes),
}

impl RuntimeApi {
    pub async fn start() -> anyhow::Result<Self> {
        let shared = Arc::new(Shared::default());
        let router = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route(
                "/2018-06-01/runtime/invocation/{id}/error",
                post(invocation_error),
            )
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let address = crate::serve(router, "the fake Lambda Runtime API").await?;
        Ok(Self { address, shared })
    }

    /// `host:port`, as `AWS_LAMBDA_RUNTIME_API` takes it.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Queues `event` as the next (and only) invocation of `function`, replacing any
    /// earlier one.
    pub fn expect(&self, function: &str, request_id: String, event: Bytes) -> Invocation {
        let (delivered, next) = oneshot::channel();
        let (finished_tx, finished) = oneshot::channel();
        *self.shared.expected() = Some(Expected {
            request_id,
            function_arn: format!("arn:aws:lambda:us-east-1:000000000000:function:{function}"),
            event,
            delivered: Some(delivered),
            finished: Some(finished_tx),
        });
        Invocation { next, finished }
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let now = Moment::now();
    let handed_out = {
        let mut expected = shared.expected();
        expected.as_mut().and_then(|expected| {
            let delivered = expected.delivered.take()?;
            let _ = delivered.send(now);
            Some((
                headers(&expected.request_id, &expected.function_arn),
                expected.event.clone(),
            ))
        })
    };
    match handed_out {
        Some(event) => event,
        // A function polls again as soon as it has answered; there is nothing more
        // for it, and it is about to be killed, so the poll is simply never answered.
        None => std::future::pending().await,
    }
}

fn headers(request_id: &str, function_arn: &str) -> HeaderMap {
    let deadline = SystemTime::now()
        .checked_add(DEADLINE)
        .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_millis());
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("lambda-runtime-aws-request-id", request_id.to_owned());
    set("lambda-runtime-deadline-ms", deadline.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        function_arn.to_owned(),
    );
    set(
        "lambda-runtime-trace-id",
        "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0".to_owned(),
    );
    set("content-type", "application/json".to_owned());
    headers
}

async fn response(state: State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    finish(&state, Some(&id), Outcome::Response(body))
}

async fn invocation_error(
    state: State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&state, Some(&id), Outcome::InvocationError(body))
}

async fn init_error(state: State<Arc<Shared>>, body: Bytes) -> StatusCode {
    finish(&state, None, Outcome::InitError(body))
}

/// Records the end of the expected invocation. An answer to another request id is
/// a protocol mistake, refused as the real API refuses it.
fn finish(shared: &Shared, request_id: Option<&str>, outcome: Outcome) -> StatusCode {
    let at = Moment::now();
    let mut expected = shared.expected();
    let Some(expected) = expected.as_mut() else {
        return StatusCode::BAD_REQUEST;
    };
    if request_id.is_some_and(|id| id != expected.request_id) {
        return StatusCode::BAD_REQUEST;
    }
    if let Some(finished) = expected.finished.take() {
        let _ = finished.send(Finished { at, outcome });
    }
    StatusCode::ACCEPTED
}
