//! Which documents bucket a function gets. Only the functions that handle
//! documents link the S3 adapter; the others get [`no_documents`], which keeps the
//! S3 client (over a megabyte) out of their binaries and their cold starts.

use std::sync::Arc;

use async_trait::async_trait;
use aws_config::SdkConfig;
use time::{Duration, OffsetDateTime};

use super::{S3Bucket, s3_client};
use crate::config::Config;
use crate::domain::{DocumentName, MediaType};
use crate::ports::{DocumentBucket, StoredObject};

/// Builds a function's documents bucket; chosen in its `main.rs`.
pub type BucketAdapter = fn(&SdkConfig, &Config) -> Arc<dyn DocumentBucket>;

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
