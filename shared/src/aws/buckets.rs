//! Which optional adapters a function gets. Only the functions that handle
//! documents link the S3 adapter, only the ones that send codes or pushes link
//! SNS, and only the schedules' link SQS; the others get stand-ins that fail, which keeps those clients (over a megabyte for
//! S3) out of their binaries and their cold starts.

use std::sync::Arc;

use async_trait::async_trait;
use aws_config::SdkConfig;
use time::{Duration, OffsetDateTime};

use super::{S3Bucket, s3_client, sns_push, sns_sms, sqs_jobs};
use crate::config::Config;
use crate::documents::{DocumentName, MediaType};
use crate::domain::PhoneNumber;
use crate::jobs::Job;
use crate::mfa::{DeviceToken, PushPlatform};
use crate::ports::{DocumentBucket, JobQueue, PushMessage, PushSender, SmsSender, StoredObject};

/// Builds a function's documents bucket.
pub type BucketAdapter = fn(&SdkConfig, &Config) -> Arc<dyn DocumentBucket>;
/// Builds a function's SMS sender.
pub type SmsAdapter = fn(&SdkConfig, &Config) -> Arc<dyn SmsSender>;
/// Builds a function's push sender.
pub type PushAdapter = fn(&SdkConfig, &Config) -> Arc<dyn PushSender>;
/// Builds a function's jobs queue.
pub type JobsAdapter = fn(&SdkConfig, &Config) -> Arc<dyn JobQueue>;

/// The optional adapters of a function, chosen in its `main.rs`.
#[derive(Clone, Copy)]
pub struct Adapters {
    pub bucket: BucketAdapter,
    pub sms: SmsAdapter,
    pub push: PushAdapter,
    pub jobs: JobsAdapter,
}

impl Adapters {
    /// None of the bucket, SMS, push and jobs queue.
    pub const CORE: Self = Self {
        bucket: no_documents,
        sms: no_sms,
        push: no_push,
        jobs: no_jobs,
    };
    /// The documents bucket on S3.
    pub const DOCUMENTS: Self = Self {
        bucket: s3_documents,
        ..Self::CORE
    };
    /// SMS through SNS.
    pub const SMS: Self = Self {
        sms: sns_sms,
        ..Self::CORE
    };
    /// Push through SNS.
    pub const PUSH: Self = Self {
        push: sns_push,
        ..Self::CORE
    };
    /// The jobs queue on SQS, for the schedules' functions.
    pub const JOBS: Self = Self {
        jobs: sqs_jobs,
        ..Self::CORE
    };
    /// Everything, for hosts of every function at once (the dev server, the
    /// tests, the benchmark).
    pub const ALL: Self = Self {
        bucket: s3_documents,
        sms: sns_sms,
        push: sns_push,
        jobs: sqs_jobs,
    };
}

/// No jobs queue, for the functions that dispatch no jobs.
pub fn no_jobs(_sdk: &SdkConfig, _config: &Config) -> Arc<dyn JobQueue> {
    Arc::new(NoJobs)
}

pub(super) struct NoJobs;

#[async_trait]
impl JobQueue for NoJobs {
    async fn enqueue(&self, _jobs: &[Job]) -> anyhow::Result<()> {
        Err(anyhow::anyhow!(
            "this function is wired without the jobs queue (see its main.rs), or JOBS_QUEUE_URL is unset"
        ))
    }
}

/// No SMS, for the functions that never send one.
pub fn no_sms(_sdk: &SdkConfig, _config: &Config) -> Arc<dyn SmsSender> {
    Arc::new(NoSms)
}

struct NoSms;

#[async_trait]
impl SmsSender for NoSms {
    async fn send_sms(&self, _to: &PhoneNumber, _text: &str) -> anyhow::Result<()> {
        Err(anyhow::anyhow!(
            "this function is wired without SMS (see its main.rs)"
        ))
    }
}

/// No push, for the functions that never send one.
pub fn no_push(_sdk: &SdkConfig, _config: &Config) -> Arc<dyn PushSender> {
    Arc::new(NoPush)
}

struct NoPush;

fn no_push_wired() -> anyhow::Error {
    anyhow::anyhow!("this function is wired without push (see its main.rs)")
}

#[async_trait]
impl PushSender for NoPush {
    fn supports(&self, _platform: PushPlatform) -> bool {
        false
    }

    async fn register(
        &self,
        _platform: PushPlatform,
        _token: &DeviceToken,
    ) -> anyhow::Result<String> {
        Err(no_push_wired())
    }

    async fn push(&self, _endpoint: &str, _message: &PushMessage) -> anyhow::Result<()> {
        Err(no_push_wired())
    }

    async fn unregister(&self, _endpoint: &str) -> anyhow::Result<()> {
        Err(no_push_wired())
    }
}

/// The documents bucket on S3, for the functions that handle documents.
pub fn s3_documents(sdk: &SdkConfig, config: &Config) -> Arc<dyn DocumentBucket> {
    Arc::new(S3Bucket::new(
        s3_client(sdk),
        config.documents_bucket.clone(),
    ))
}

/// No bucket, for the functions that never touch a document.
pub fn no_documents(_sdk: &SdkConfig, _config: &Config) -> Arc<dyn DocumentBucket> {
    Arc::new(NoDocuments)
}

/// Fails every call: reaching it means a function was wired without the bucket
/// its flows need.
struct NoDocuments;

fn unwired() -> anyhow::Error {
    anyhow::anyhow!("this function is wired without the documents bucket (see its main.rs)")
}

#[async_trait]
impl DocumentBucket for NoDocuments {
    async fn presign_upload(
        &self,
        _key: &str,
        _content_type: &MediaType,
        _size_bytes: u64,
        _start: OffsetDateTime,
        _ttl: Duration,
    ) -> anyhow::Result<String> {
        Err(unwired())
    }

    async fn presign_download(
        &self,
        _key: &str,
        _version_id: Option<&str>,
        _file_name: &DocumentName,
        _start: OffsetDateTime,
        _ttl: Duration,
    ) -> anyhow::Result<String> {
        Err(unwired())
    }

    async fn head(
        &self,
        _key: &str,
        _version_id: Option<&str>,
    ) -> anyhow::Result<Option<StoredObject>> {
        Err(unwired())
    }

    async fn delete(&self, _key: &str, _version_id: Option<&str>) -> anyhow::Result<()> {
        Err(unwired())
    }
}
