//! Warm handler latency: the handlers called in-process, as a warm Lambda calls
//! them, once on the in-memory fakes (the handler's own cost) and once on the AWS
//! adapters against the emulator (the end-to-end figure).
//!
//! Only the handler call is timed. Building the request (which the runtime does,
//! not the handler), minting a fresh token, and checking the answer happen
//! outside the timed section.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lambda_http::Body;
use portcullis::Services;
use portcullis::runtime::HttpHandler;

use crate::events::{Function, check_authorizer_answer};
use crate::fixtures::Subject;

/// How many calls to make and how many of them to discard first.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warmup: usize,
    pub iterations: usize,
}

pub const FAKES: Plan = Plan {
    warmup: 1_000,
    iterations: 20_000,
};

pub const EMULATOR: Plan = Plan {
    warmup: 20,
    iterations: 300,
};

/// The timed handler calls of `function`, in order.
pub async fn measure(
    function: Function,
    services: &Services,
    subject: &Subject,
    plan: Plan,
) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(plan.iterations);
    for i in 0..plan.warmup + plan.iterations {
        let elapsed = call(function, services, subject)
            .await
            .with_context(|| format!("call {i} of {}", function.binary()))?;
        if i >= plan.warmup {
            samples.push(elapsed);
        }
    }
    Ok(samples)
}

async fn call(
    function: Function,
    services: &Services,
    subject: &Subject,
) -> anyhow::Result<Duration> {
    let event = function.event(services, subject).await?;
    match function {
        Function::RequestLoginLink => {
            call_http(request_login_link::handler, function, services, event).await
        }
        Function::VerifyLoginLink => {
            call_http(verify_login_link::handler, function, services, event).await
        }
        Function::Account => call_http(account::handler, function, services, event).await,
        Function::CreateUploadUrl => {
            call_http(create_upload_url::handler, function, services, event).await
        }
        Function::Documents => call_http(documents::handler, function, services, event).await,
        Function::MfaMethods => call_http(mfa_methods::handler, function, services, event).await,
        Function::SendSmsCode => call_http(send_sms_code::handler, function, services, event).await,
        Function::MfaPush => call_http(mfa_push::handler, function, services, event).await,
        Function::Authorizer => {
            let request: authorizer::AuthorizerRequest =
                serde_json::from_value(event).context("building the authorizer request")?;
            let started = Instant::now();
            let answer = authorizer::authorize(services, request).await;
            let elapsed = started.elapsed();
            check_authorizer_answer(&serde_json::to_value(answer?)?, subject)?;
            Ok(elapsed)
        }
        Function::HelloLambda => bail!("the baseline has no handler to call in-process"),
        Function::PeerRequestLoginLink | Function::PeerVerifyLoginLink => {
            bail!("the Node.js peer is measured by its cold starts only")
        }
    }
}

/// Calls an HTTP handler through the same function pointer `run_http` calls in
/// Lambda.
async fn call_http(
    handler: HttpHandler,
    function: Function,
    services: &Services,
    event: serde_json::Value,
) -> anyhow::Result<Duration> {
    let request =
        lambda_http::request::from_str(&event.to_string()).context("building the request")?;
    let started = Instant::now();
    let response = handler(services, request).await;
    let elapsed = started.elapsed();
    if Some(response.status()) != function.expected_status() {
        let body = match response.body() {
            Body::Text(text) => text.clone(),
            other => format!("{other:?}"),
        };
        bail!("answered {}: {body}", response.status());
    }
    Ok(elapsed)
}
