//! The worker of the scheduled jobs: a batch of messages from the jobs queue, each
//! job run at once, answered with the ones that failed (a partial batch response),
//! which alone come back.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::jobs::{BatchResponse, SqsEvent, run_jobs};

pub fn handler(svc: &Services, event: SqsEvent) -> BoxFuture<'_, anyhow::Result<BatchResponse>> {
    Box::pin(run_jobs(svc, event))
}
