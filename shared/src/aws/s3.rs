//! The documents bucket on S3: presigned uploads and downloads, and the checks the
//! upload notification makes.

use std::time::{Duration as StdDuration, SystemTime};

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
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

    /// Deletes every version (and delete marker) of every object whose key starts
    /// with `prefix`, for good; how many it deleted. The bucket is versioned, so
    /// deleting only the latest would leave the bytes in an older version.
    pub async fn delete_everything_under(&self, prefix: &str) -> anyhow::Result<usize> {
        let (mut deleted, mut key_marker, mut version_marker) = (0, None, None);
        loop {
            let listed = self
                .client
                .list_object_versions()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(key_marker)
                .set_version_id_marker(version_marker)
                .send()
                .await
                .context("ListObjectVersions")?;
            let versions = listed.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = listed
                .delete_markers()
                .iter()
                .map(|m| (m.key(), m.version_id()));
            let objects = versions
                .chain(markers)
                .map(|(key, version)| {
                    ObjectIdentifier::builder()
                        .set_key(key.map(str::to_owned))
                        .set_version_id(version.map(str::to_owned))
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            if objects.is_empty() {
                return Ok(deleted);
            }
            deleted += objects.len();
            let output = self
                .client
                .delete_objects()
                .bucket(&self.bucket)
                .delete(
                    Delete::builder()
                        .set_objects(Some(objects))
                        .quiet(true)
                        .build()?,
                )
                .send()
                .await
                .context("DeleteObjects")?;
            if let Some(error) = output.errors().first() {
                anyhow::bail!(
                    "DeleteObjects refused {}: {}",
                    error.key().unwrap_or_default(),
                    error.message().unwrap_or_default()
                );
            }
            if listed.is_truncated() != Some(true) {
                return Ok(deleted);
            }
            key_marker = listed.next_key_marker;
            version_marker = listed.next_version_id_marker;
        }
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
