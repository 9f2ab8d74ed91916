//! What only an S3 that checks signatures can show: a presigned URL does what it
//! was signed for and nothing else. These run on LocalStack (its S3 started with
//! `S3_SKIP_SIGNATURE_VALIDATION=0`); when the suite runs on moto, which takes any
//! signature, on a LocalStack of their own.

use portcullis::domain::CaseId;
use reqwest::{Response, StatusCode};
use serde_json::Value;
use time::Duration;

use crate::helpers::{TestApp, spawn_app_on_signing_s3};
use crate::uploads::{pdf, query_param};

const BYTES: &[u8] = b"%PDF-1.7 ten pages";

/// S3's code for a request that is not the one signed.
const MISMATCH: &str = "SignatureDoesNotMatch";

/// A client's case on a signature-checking S3, and a signed-in client.
struct Client {
    app: TestApp,
    session: String,
    case: CaseId,
}

async fn client() -> Client {
    let app = spawn_app_on_signing_s3().await;
    let client = app.seed_client().await;
    let case = app.case_ids_of(client.id).await[0];
    let session = app.sign_in(&client.email).await;
    Client { app, session, case }
}

impl Client {
    /// The created document of one upload request for `BYTES` as `name`.
    async fn upload_request(&self, name: &'static str) -> Value {
        let response = self
            .app
            .request_uploads(&self.session, self.case, &[pdf(name, BYTES)], None)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["documents"][0].clone()
    }

    /// A browser's PUT of `bytes` to `url`, with this content type.
    async fn put(&self, url: &str, content_type: &str, bytes: &[u8]) -> Response {
        self.app
            .api
            .put(url)
            .header("content-type", content_type)
            .body(bytes.to_vec())
            .send()
            .await
            .expect("an answer from S3")
    }
}

impl Client {
    /// A PUT S3 refuses with 403 `code`, after which nothing is under `key`.
    async fn put_refused(
        &self,
        url: &str,
        content_type: &str,
        bytes: &[u8],
        code: &str,
        key: &str,
    ) {
        assert_refused(self.put(url, content_type, bytes).await, code).await;
        assert!(!self.app.object_exists(key).await, "nothing stored");
    }
}

fn upload_url(document: &Value) -> &str {
    document["upload"]["url"].as_str().expect("an upload URL")
}

/// `url` with its query parameter `name` set to `value`, the rest as signed.
fn with_query(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).expect("a URL");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, old)| {
            let value = if key == name { value } else { &old };
            (key.into_owned(), value.to_owned())
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.into()
}

/// `url` aimed at the object under `key` of the same bucket, the rest as signed.
fn with_key(app: &TestApp, url: &str, key: &str) -> String {
    let mut url = url::Url::parse(url).expect("a URL");
    url.set_path(&format!("/{}/{key}", app.bucket));
    url.into()
}

/// S3's refusal: 403 with this error code in its XML body.
async fn assert_refused(response: Response, code: &str) {
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = response.text().await.unwrap();
    assert!(body.contains(&format!("<Code>{code}</Code>")), "{body}");
}

#[tokio::test]
async fn the_intended_put_is_stored_with_the_signed_type_and_length() {
    let c = client().await;
    let document = c.upload_request("Lease.pdf").await;
    let stored = c.put(upload_url(&document), "application/pdf", BYTES).await;
    assert_eq!(stored.status(), StatusCode::OK);

    let object = c
        .app
        .s3
        .head_object()
        .bucket(&c.app.bucket)
        .key(c.app.key_of(&document))
        .send()
        .await
        .expect("the object is there");
    assert_eq!(object.content_type(), Some("application/pdf"));
    assert_eq!(object.content_length(), Some(BYTES.len() as i64));
}

#[tokio::test]
async fn an_upload_url_aimed_at_another_key_is_refused() {
    let c = client().await;
    let document = c.upload_request("Lease.pdf").await;
    let key = c.app.key_of(&document);
    let other_key = key.replace("Lease.pdf", "Lease-2.pdf");
    let elsewhere = with_key(&c.app, upload_url(&document), &other_key);
    c.put_refused(&elsewhere, "application/pdf", BYTES, MISMATCH, &other_key)
        .await;
    assert!(!c.app.object_exists(&key).await);
    // The same rewrite of the path, to the signed key, is taken: the key made the 403.
    let same = with_key(&c.app, upload_url(&document), &key);
    let response = c.put(&same, "application/pdf", BYTES).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_upload_of_another_content_type_is_refused() {
    let c = client().await;
    let document = c.upload_request("Lease.pdf").await;
    let key = c.app.key_of(&document);
    c.put_refused(upload_url(&document), "text/html", BYTES, MISMATCH, &key)
        .await;
}

#[tokio::test]
async fn an_upload_of_another_length_is_refused() {
    let c = client().await;
    let document = c.upload_request("Lease.pdf").await;
    let key = c.app.key_of(&document);
    let longer = [BYTES, b" and one more"].concat();
    for bytes in [&longer[..], &BYTES[..4]] {
        c.put_refused(
            upload_url(&document),
            "application/pdf",
            bytes,
            MISMATCH,
            &key,
        )
        .await;
    }
}

#[tokio::test]
async fn an_upload_url_with_a_stretched_lifetime_is_refused() {
    let c = client().await;
    let document = c.upload_request("Lease.pdf").await;
    let url = upload_url(&document);
    let week = with_query(url, "X-Amz-Expires", "604800");
    let key = c.app.key_of(&document);
    c.put_refused(&week, "application/pdf", BYTES, MISMATCH, &key)
        .await;
    // The same rewrite of the query, with the signed lifetime, is taken.
    let signed = with_query(url, "X-Amz-Expires", "900");
    assert_eq!(query_param(url, "X-Amz-Expires"), "900");
    let response = c.put(&signed, "application/pdf", BYTES).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_upload_url_works_for_its_15_minutes_and_is_refused_after() {
    let c = client().await;
    // Signed 14 minutes ago: still good.
    c.app.clock.advance(Duration::minutes(-14));
    let fresh = c.upload_request("Lease.pdf").await;
    // Signed 16 minutes ago: expired a minute ago.
    c.app.clock.advance(Duration::minutes(-2));
    let stale = c.upload_request("Deed.pdf").await;

    let key = c.app.key_of(&stale);
    c.put_refused(
        upload_url(&stale),
        "application/pdf",
        BYTES,
        "AccessDenied",
        &key,
    )
    .await;
    let response = c.put(upload_url(&fresh), "application/pdf", BYTES).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_download_url_aimed_at_another_document_is_refused() {
    let c = client().await;
    let documents = c
        .app
        .upload_and_notify(
            &c.session,
            c.case,
            &[pdf("Mine.pdf", BYTES), pdf("Other.pdf", b"%PDF other")],
            None,
        )
        .await;
    let url = c.app.download_url(&c.session, c.case, &documents[0]).await;
    let other = with_key(&c.app, &url, &c.app.key_of(&documents[1]));
    let same = with_key(&c.app, &url, &c.app.key_of(&documents[0]));

    let refused = c.app.api.get(other).send().await.unwrap();
    assert_refused(refused, MISMATCH).await;
    for url in [url, same] {
        let downloaded = c.app.api.get(url).send().await.unwrap();
        assert_eq!(downloaded.status(), StatusCode::OK);
        assert_eq!(downloaded.bytes().await.unwrap().to_vec(), BYTES);
    }
}
