//! The documents bucket on S3: presigned uploads and downloads, and the checks the
//! upload notification makes.

use std::time::{Duration as StdDuration, SystemTime};

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use time::{Duration, OffsetDateTime};

use crate::documents::{DocumentName, MediaType};
use crate::ports::{DocumentBucket, StoredObject};

#[derive(Debug, Clone)]
pub struct S3Bucket {
    client: Client,
    bucket: String,
}

impl S3Bucket {
    pub fn new(client: Client, bucket: String) -> Self {
        Self { client, bucket }
    }
}

fn presigning(start: OffsetDateTime, ttl: Duration) -> anyhow::Result<PresigningConfig> {
    let start = SystemTime::UNIX_EPOCH
        + StdDuration::try_from(start - OffsetDateTime::UNIX_EPOCH).context("a start time")?;
    Ok(PresigningConfig::builder()
        .start_time(start)
        .expires_in(StdDuration::try_from(ttl).context("a lifetime")?)
        .build()?)
}

#[async_trait]
impl DocumentBucket for S3Bucket {
    #[tracing::instrument(skip_all)]
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &MediaType,
        size_bytes: u64,
        start: OffsetDateTime,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type.as_str())
            .content_length(i64::try_from(size_bytes).context("a size")?)
            .presigned(presigning(start, ttl)?)
            .await
            .context("presigning PutObject")?;
        Ok(request.uri().to_owned())
    }

    #[tracing::instrument(skip_all)]
    async fn presign_download(
        &self,
        key: &str,
        version_id: Option<&str>,
        file_name: &DocumentName,
        start: OffsetDateTime,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .response_content_disposition(file_name.attachment_disposition())
            .presigned(presigning(start, ttl)?)
            .await
            .context("presigning GetObject")?;
        Ok(request.uri().to_owned())
    }

    #[tracing::instrument(skip_all)]
    async fn head(
        &self,
        key: &str,
        version_id: Option<&str>,
    ) -> anyhow::Result<Option<StoredObject>> {
        let result = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await;
        match result {
            Ok(object) => Ok(Some(StoredObject {
                size_bytes: object
                    .content_length
                    .and_then(|length| u64::try_from(length).ok())
                    .context("HeadObject gave no size")?,
                content_type: object.content_type,
                version_id: object.version_id,
            })),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(err) => Err(err).context("HeadObject"),
        }
    }

    #[tracing::instrument(skip_all)]
    async fn delete(&self, key: &str, version_id: Option<&str>) -> anyhow::Result<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await
            .context("DeleteObject")?;
        Ok(())
    }
}
