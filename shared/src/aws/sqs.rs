//! The jobs queue on SQS.

use std::sync::Arc;

use anyhow::{Context, bail};
use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use crate::config::Config;
use crate::jobs::Job;
use crate::ports::JobQueue;

/// SQS takes at most this many messages a batch.
const BATCH: usize = 10;

pub struct SqsJobs {
    client: Client,
    queue_url: String,
}

impl SqsJobs {
    pub fn new(client: Client, queue_url: String) -> Self {
        Self { client, queue_url }
    }
}

#[async_trait]
impl JobQueue for SqsJobs {
    async fn enqueue(&self, jobs: &[Job]) -> anyhow::Result<()> {
        for batch in jobs.chunks(BATCH) {
            let entries = batch
                .iter()
                .enumerate()
                .map(|(index, job)| {
                    Ok(SendMessageBatchRequestEntry::builder()
                        .id(index.to_string())
                        .message_body(serde_json::to_string(job)?)
                        .build()?)
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let sent = self
                .client
                .send_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .context("SQS SendMessageBatch")?;
            if let Some(failed) = sent.failed.first() {
                bail!(
                    "SQS refused {} of a batch of jobs: {}",
                    sent.failed.len(),
                    failed.code
                );
            }
        }
        Ok(())
    }
}

/// The jobs queue of `JOBS_QUEUE_URL`, for the schedules' functions.
pub fn sqs_jobs(sdk: &SdkConfig, config: &Config) -> Arc<dyn JobQueue> {
    match &config.jobs_queue_url {
        Some(url) => Arc::new(SqsJobs::new(Client::new(sdk), url.clone())),
        None => Arc::new(super::buckets::NoJobs),
    }
}
