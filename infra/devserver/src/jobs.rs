//! The jobs queue on this machine. In AWS the queue invokes `run-jobs` itself,
//! one batch an invocation, as many at once as its event source allows; the emulator
//! invokes nothing, so this receives the batches and runs each as `run-jobs` does,
//! `workers` at a time, as that event source would, keeping what each job did.

use anyhow::Context;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use futures::future::try_join_all;
use portcullis::Services;
use portcullis::jobs::{JobRun, SqsEvent, SqsMessage, batch_response, run_batch};

/// Messages a batch, as the template's `BatchSize` for `run-jobs`.
const BATCH: i32 = 1;

/// What draining the queue did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Drained {
    pub batches: usize,
    pub jobs: usize,
    /// What the jobs that ran did.
    pub runs: Vec<JobRun>,
    /// The ids of the messages whose job failed: left on the queue, to come back
    /// after its visibility timeout.
    pub failed: Vec<String>,
}

/// Runs every job on the queue through `run-jobs` until the queue has none left
/// to hand out.
pub async fn drain(
    sqs: &Client,
    queue_url: &str,
    services: &Services,
    workers: usize,
) -> anyhow::Result<Drained> {
    let runs = try_join_all((0..workers.max(1)).map(|_| worker(sqs, queue_url, services))).await?;
    Ok(runs.into_iter().fold(Drained::default(), |mut all, run| {
        all.batches += run.batches;
        all.jobs += run.jobs;
        all.runs.extend(run.runs);
        all.failed.extend(run.failed);
        all
    }))
}

async fn worker(sqs: &Client, queue_url: &str, services: &Services) -> anyhow::Result<Drained> {
    let mut drained = Drained::default();
    loop {
        let messages = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(BATCH)
            .send()
            .await
            .context("ReceiveMessage")?
            .messages
            .unwrap_or_default();
        if messages.is_empty() {
            return Ok(drained);
        }
        let event = SqsEvent {
            records: messages
                .iter()
                .map(|message| SqsMessage {
                    message_id: message.message_id().unwrap_or_default().to_owned(),
                    body: message.body().unwrap_or_default().to_owned(),
                })
                .collect(),
        };
        // What `run-jobs` does with a batch, its runs kept.
        let outcomes = run_batch(services, event).await;
        let failed: Vec<String> = batch_response(&outcomes)
            .batch_item_failures
            .into_iter()
            .map(|failure| failure.item_identifier)
            .collect();
        // What Lambda does with a partial batch response: the rest is deleted.
        let done: Vec<DeleteMessageBatchRequestEntry> = messages
            .iter()
            .filter(|message| {
                !failed
                    .iter()
                    .any(|id| Some(id.as_str()) == message.message_id())
            })
            .enumerate()
            .map(|(index, message)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(index.to_string())
                    .receipt_handle(message.receipt_handle().unwrap_or_default())
                    .build()
                    .context("a delete entry")
            })
            .collect::<anyhow::Result<_>>()?;
        if !done.is_empty() {
            sqs.delete_message_batch()
                .queue_url(queue_url)
                .set_entries(Some(done))
                .send()
                .await
                .context("DeleteMessageBatch")?;
        }
        drained.batches += 1;
        drained.jobs += messages.len();
        drained.failed.extend(failed);
        drained.runs.extend(
            outcomes
                .into_iter()
                .filter_map(|(_, run)| run.ok().flatten()),
        );
    }
}
