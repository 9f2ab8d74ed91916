//! Helpers for the document tests: asking for upload URLs, putting bytes to them
//! as a browser would, and delivering S3's notification of the real object.

use percent_encoding::percent_decode_str;
use portcullis::documents::uploaded::{S3Notification, UploadedRun};
use portcullis::domain::CaseId;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A file as the upload request declares it, and its bytes.
pub struct TestFile {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The value of a URL's query parameter (empty when it has none).
pub fn query_param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

pub fn pdf(name: &'static str, bytes: &[u8]) -> TestFile {
    TestFile {
        name,
        content_type: "application/pdf",
        bytes: bytes.to_vec(),
    }
}

impl TestApp {
    pub async fn request_uploads(
        &self,
        session: &str,
        case: CaseId,
        files: &[TestFile],
        message: Option<&str>,
    ) -> Response {
        let files: Vec<Value> = files
            .iter()
            .map(|file| {
                json!({
                    "file_name": file.name,
                    "content_type": file.content_type,
                    "size_bytes": file.bytes.len(),
                })
            })
            .collect();
        self.post_as(
            &format!("/cases/{case}/documents"),
            session,
            &json!({ "files": files, "message": message }),
        )
        .await
    }

    /// Asks for upload URLs and PUTs each file's bytes to its URL with the headers
    /// it came with; returns the created documents.
    pub async fn upload(
        &self,
        session: &str,
        case: CaseId,
        files: &[TestFile],
        message: Option<&str>,
    ) -> Vec<Value> {
        let response = self.request_uploads(session, case, files, message).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("JSON");
        let documents = body["documents"].as_array().expect("documents").clone();
        for (document, file) in documents.iter().zip(files) {
            self.put_bytes(&document["upload"], file.bytes.clone())
                .await;
        }
        documents
    }

    /// A browser's PUT of `bytes` to a presigned upload.
    pub async fn put_bytes(&self, upload: &Value, bytes: Vec<u8>) {
        let mut request = self
            .api
            .put(upload["url"].as_str().expect("an upload URL"))
            .body(bytes);
        if let Some(content_type) = upload["headers"]["content-type"].as_str() {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("a response from S3");
        assert_eq!(response.status(), StatusCode::OK, "S3 took the PUT");
    }

    /// An object put under `key` by the bucket's owner, not through its presigned
    /// URL: what the upload handler must check whatever S3 let through.
    pub async fn put_object_directly(&self, key: &str, content_type: &str, bytes: Vec<u8>) {
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(bytes.into())
            .send()
            .await
            .expect("the bucket's owner can put an object");
    }

    /// The key S3 holds a document under, from its upload URL.
    pub fn key_of(&self, document: &Value) -> String {
        let url = url::Url::parse(document["upload"]["url"].as_str().expect("a URL"))
            .expect("a valid URL");
        let prefix = format!("/{}/", self.bucket);
        let path = url.path().strip_prefix(&prefix).expect("a path-style URL");
        percent_decode_str(path)
            .decode_utf8()
            .expect("UTF-8")
            .into_owned()
    }

    /// S3's `ObjectCreated:Put` notification for the object now under `key`, as AWS
    /// builds it: the key URL-encoded, the size and version of the real object.
    pub async fn s3_event_for(&self, key: &str) -> S3Notification {
        let object = self
            .s3
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .expect("the object exists");
        let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
        let encoded = encoded.replace("%2F", "/");
        serde_json::from_value(json!({
            "Records": [{
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": { "name": self.bucket },
                    "object": {
                        "key": encoded,
                        "size": object.content_length(),
                        "versionId": object.version_id(),
                    }
                }
            }]
        }))
        .expect("an S3 notification")
    }

    /// Delivers S3's notification for the object under `key` to `document-uploaded`.
    pub async fn notify_uploaded(&self, key: &str) -> UploadedRun {
        let event = self.s3_event_for(key).await;
        document_uploaded::handler(&self.services, event)
            .await
            .expect("the notification is handled")
    }

    /// Uploads the files and delivers S3's notification of each.
    pub async fn upload_and_notify(
        &self,
        session: &str,
        case: CaseId,
        files: &[TestFile],
        message: Option<&str>,
    ) -> Vec<Value> {
        let documents = self.upload(session, case, files, message).await;
        for document in &documents {
            self.notify_uploaded(&self.key_of(document)).await;
        }
        documents
    }

    /// The presigned download URL of an available document.
    pub async fn download_url(&self, session: &str, case: CaseId, document: &Value) -> String {
        let id = document["id"].as_str().expect("a document id");
        let response = self
            .get(&format!("/cases/{case}/documents/{id}/download"), session)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("JSON");
        body["url"].as_str().expect("a download URL").to_owned()
    }

    pub async fn documents_of(&self, session: &str, case: CaseId) -> Vec<Value> {
        let response = self.get(&format!("/cases/{case}/documents"), session).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("JSON");
        body["documents"].as_array().expect("documents").clone()
    }

    pub async fn object_exists(&self, key: &str) -> bool {
        self.s3
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .is_ok()
    }
}
