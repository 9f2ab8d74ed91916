//! Sending documents through presigned S3 URLs, checking them when S3 reports
//! them, and downloading them.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app, token_in};
use crate::uploads::{TestFile, pdf, query_param};

/// A client in two cases, and a firm user of the same firm responsible for the
/// first of them.
struct Parties {
    app: TestApp,
    client_email: String,
    client_session: String,
    lawyer_email: String,
    lawyer_session: String,
    case: portcullis::domain::CaseId,
}

async fn parties() -> Parties {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let lawyer = app.seed_firm_user_in(&client, Role::Staff).await;
    let case = app.case_ids_of(client.id).await[0];
    app.add_member(case, lawyer.id).await;
    let client_session = app.sign_in(&client.email).await;
    let lawyer_session = app.password_sign_in(&lawyer.email).await;
    Parties {
        app,
        client_email: client.email,
        client_session,
        lawyer_email: lawyer.email,
        lawyer_session,
        case,
    }
}

#[tokio::test]
async fn a_clients_upload_lands_in_s3_becomes_available_and_emails_the_responsible_lawyer() {
    let p = parties().await;
    let files = [
        pdf("Signed will.pdf", b"%PDF-1.7 the will"),
        TestFile {
            name: "ID scan.png",
            content_type: "image/png",
            bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
        },
    ];
    let documents = p
        .app
        .upload(
            &p.client_session,
            p.case,
            &files,
            Some("Signed copies, as discussed."),
        )
        .await;
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["status"], "pending");
    assert_eq!(documents[0]["upload"]["method"], "PUT");
    assert_eq!(
        documents[0]["upload"]["headers"],
        json!({"content-type": "application/pdf", "content-length": "17"})
    );
    let first_key = p.app.key_of(&documents[0]);
    let stored = p
        .app
        .s3
        .get_object()
        .bucket(&p.app.bucket)
        .key(&first_key)
        .send()
        .await
        .expect("the PUT landed the object");
    let bytes = stored.body.collect().await.expect("the bytes").into_bytes();
    assert_eq!(&bytes[..], b"%PDF-1.7 the will");
    assert!(
        p.app.emails_to(&p.lawyer_email).await.is_empty(),
        "nothing before S3 reports"
    );

    let first = p.app.notify_uploaded(&first_key).await;
    assert_eq!(
        (first.available, first.emails_sent),
        (1, 0),
        "one of two checked: no email yet"
    );
    let second = p.app.notify_uploaded(&p.app.key_of(&documents[1])).await;
    assert_eq!((second.available, second.emails_sent), (1, 1));

    let listed = p.app.documents_of(&p.lawyer_session, p.case).await;
    assert!(
        listed
            .iter()
            .all(|document| document["status"] == "available")
    );
    assert_eq!(
        listed[0]["uploaded_by"],
        json!({"name": "Casey Client", "role": "client"})
    );
    assert_eq!(listed[0]["message"], "Signed copies, as discussed.");
    assert!(listed[0]["uploaded_at"].is_string());

    let emails = p.app.emails_to(&p.lawyer_email).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Casey Client sent 2 documents");
    assert!(emails[0].body.contains("Signed copies, as discussed."));
    assert!(emails[0].body.contains("Signed will.pdf"));
    assert!(emails[0].body.contains(&format!("/cases/{}", p.case)));
    assert!(
        p.app.emails_to(&p.client_email).await.len() == 1,
        "only the sign-in link"
    );
}

#[tokio::test]
async fn the_upload_url_signs_type_and_length_for_at_most_15_minutes_under_the_case_prefix() {
    let p = parties().await;
    let response = p
        .app
        .request_uploads(
            &p.client_session,
            p.case,
            &[pdf("Brief.pdf", b"12345")],
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let document = &body["documents"][0];
    let url = document["upload"]["url"].as_str().unwrap();

    let signed = query_param(url, "X-Amz-SignedHeaders");
    let signed: Vec<&str> = signed.split(';').collect();
    assert!(signed.contains(&"content-length"), "{signed:?}");
    assert!(signed.contains(&"content-type"), "{signed:?}");
    let expires: u64 = query_param(url, "X-Amz-Expires").parse().unwrap();
    assert!(expires <= 900, "{expires}");
    assert!(query_param(url, "X-Amz-Signature").len() == 64);
    assert!(
        !url.to_ascii_lowercase().contains("checksum"),
        "no checksum of an empty body is signed: {url}"
    );
    assert_eq!(
        p.app.key_of(document),
        format!(
            "cases/{}/documents/{}/Brief.pdf",
            p.case,
            document["id"].as_str().unwrap()
        )
    );
    let expires_at = time::OffsetDateTime::parse(
        document["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let lifetime = expires_at - p.app.clock_now();
    assert!(lifetime <= time::Duration::minutes(15) && lifetime > time::Duration::minutes(14));
}

#[tokio::test]
async fn a_file_name_is_made_safe_in_the_key_and_kept_readable() {
    let p = parties().await;
    let response = p
        .app
        .request_uploads(
            &p.client_session,
            p.case,
            &[pdf("../../secrets/Relevé (final).pdf", b"x")],
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let document = &body["documents"][0];
    assert_eq!(document["file_name"], "_._secrets_Relevé (final).pdf");
    let key = p.app.key_of(document);
    assert!(key.starts_with(&format!("cases/{}/documents/", p.case)));
    assert!(key.ends_with("/_._secrets_Relevé (final).pdf"));
    assert!(!key.contains(".."));
}

#[tokio::test]
async fn a_name_without_an_extension_of_its_declared_type_gets_one() {
    let p = parties().await;
    let response = p
        .app
        .request_uploads(
            &p.client_session,
            p.case,
            &[pdf("payload.exe", b"MZ")],
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["documents"][0]["file_name"], "payload.exe.pdf");

    let documents = p
        .app
        .upload_and_notify(
            &p.client_session,
            p.case,
            &[pdf("scan.", b"%PDF scan")],
            None,
        )
        .await;
    assert_eq!(documents[0]["file_name"], "scan.pdf");
    assert!(p.app.key_of(&documents[0]).ends_with("/scan.pdf"));
    let listed = p.app.documents_of(&p.client_session, p.case).await;
    let scan = listed
        .iter()
        .find(|d| d["file_name"] == "scan.pdf")
        .unwrap();
    assert_eq!(scan["status"], "available", "the event found its document");
}

#[tokio::test]
async fn an_object_of_another_size_is_rejected_and_deleted_and_nobody_is_emailed() {
    let p = parties().await;
    let response = p
        .app
        .request_uploads(
            &p.client_session,
            p.case,
            &[pdf("Short.pdf", b"ten bytes!")],
            None,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    let document = &body["documents"][0];
    // S3 refuses such a PUT to the URL (presigned_urls.rs); the handler still
    // checks what it finds, whatever put it there.
    let key = p.app.key_of(document);
    p.app
        .put_object_directly(&key, "application/pdf", b"twelve bytes".to_vec())
        .await;

    let run = p.app.notify_uploaded(&key).await;
    assert_eq!((run.rejected, run.available, run.emails_sent), (1, 0, 0));
    assert!(!p.app.object_exists(&key).await, "the object is deleted");
    let listed = p.app.documents_of(&p.client_session, p.case).await;
    assert_eq!(listed[0]["status"], "rejected");
    assert!(p.app.emails_to(&p.lawyer_email).await.is_empty());
}

#[tokio::test]
async fn an_object_of_another_type_is_rejected() {
    let p = parties().await;
    let response = p
        .app
        .request_uploads(&p.client_session, p.case, &[pdf("Deed.pdf", b"%PDF")], None)
        .await;
    let body: Value = response.json().await.unwrap();
    let key = p.app.key_of(&body["documents"][0]);
    p.app
        .put_object_directly(&key, "text/html", b"%PDF".to_vec())
        .await;

    let run = p.app.notify_uploaded(&key).await;
    assert_eq!(run.rejected, 1);
}

#[tokio::test]
async fn a_duplicate_s3_event_sends_no_second_email() {
    let p = parties().await;
    let documents = p
        .app
        .upload(
            &p.client_session,
            p.case,
            &[pdf("Will.pdf", b"%PDF will")],
            None,
        )
        .await;
    let key = p.app.key_of(&documents[0]);
    let event = p.app.s3_event_for(&key).await;

    let first = document_uploaded::handler(&p.app.services, event.clone())
        .await
        .unwrap();
    let again = document_uploaded::handler(&p.app.services, event)
        .await
        .unwrap();
    assert_eq!((first.available, first.emails_sent), (1, 1));
    assert_eq!(
        (again.available, again.ignored, again.emails_sent),
        (0, 1, 0)
    );
    assert_eq!(p.app.emails_to(&p.lawyer_email).await.len(), 1);
    assert!(
        p.app.object_exists(&key).await,
        "a duplicate deletes nothing"
    );
}

#[tokio::test]
async fn a_download_returns_the_same_bytes_as_an_attachment_for_5_minutes() {
    let p = parties().await;
    let bytes = b"%PDF-1.7 the engagement letter".to_vec();
    let documents = p
        .app
        .upload_and_notify(
            &p.lawyer_session,
            p.case,
            &[pdf("Engagement letter.pdf", &bytes)],
            None,
        )
        .await;
    let url = p
        .app
        .download_url(&p.client_session, p.case, &documents[0])
        .await;
    assert!(query_param(&url, "X-Amz-Expires").parse::<u64>().unwrap() <= 300);
    assert_eq!(
        query_param(&url, "response-content-disposition"),
        "attachment; filename=\"Engagement letter.pdf\"; filename*=UTF-8''Engagement%20letter.pdf"
    );
    let downloaded = p.app.api.get(&url).send().await.unwrap();
    assert_eq!(downloaded.status(), StatusCode::OK);
    assert_eq!(downloaded.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn a_second_put_to_a_still_valid_url_is_never_served() {
    let p = parties().await;
    let documents = p
        .app
        .upload_and_notify(
            &p.client_session,
            p.case,
            &[pdf("Will.pdf", b"original")],
            None,
        )
        .await;
    let key = p.app.key_of(&documents[0]);
    p.app
        .put_bytes(&documents[0]["upload"], b"replaced".to_vec())
        .await;
    let run = p.app.notify_uploaded(&key).await;
    assert_eq!((run.available, run.ignored, run.emails_sent), (0, 1, 0));

    let url = p
        .app
        .download_url(&p.lawyer_session, p.case, &documents[0])
        .await;
    let downloaded = p.app.api.get(url).send().await.unwrap();
    assert_eq!(downloaded.bytes().await.unwrap().to_vec(), b"original");
    assert_eq!(p.app.emails_to(&p.lawyer_email).await.len(), 1);
}

#[tokio::test]
async fn a_pending_document_cannot_be_downloaded() {
    let p = parties().await;
    let documents = p
        .app
        .upload(&p.client_session, p.case, &[pdf("Will.pdf", b"%PDF")], None)
        .await;
    let id = documents[0]["id"].as_str().unwrap();
    let response = p
        .app
        .get(
            &format!("/cases/{}/documents/{id}/download", p.case),
            &p.client_session,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(response).await, "document_not_available");

    let unknown = p
        .app
        .get(
            &format!(
                "/cases/{}/documents/{}/download",
                p.case,
                uuid::Uuid::new_v4()
            ),
            &p.client_session,
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(unknown).await, "document_not_found");
}

#[tokio::test]
async fn a_firm_upload_emails_the_client_a_working_login_link() {
    let p = parties().await;
    p.app
        .upload_and_notify(
            &p.lawyer_session,
            p.case,
            &[pdf("Draft contract.pdf", b"%PDF draft")],
            Some("Please review by Friday."),
        )
        .await;

    let emails = p.app.emails_to(&p.client_email).await;
    let shared = emails.last().expect("an email to the client");
    assert_eq!(shared.subject, "Example LLP shared 1 document with you");
    assert!(shared.body.contains("Open secure portal"));
    assert!(shared.body.contains("Please review by Friday."));
    assert!(
        shared.body.contains(&format!("case={}", p.case)),
        "the link opens the case once signed in"
    );
    let token = token_in(&shared.body, &p.app.address);
    let response = p.app.verify(&token).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the link signs the client in"
    );
    assert!(
        p.app.emails_to(&p.lawyer_email).await.is_empty(),
        "the uploader is not told"
    );
}

#[tokio::test]
async fn bad_files_are_refused_with_their_own_codes_and_nothing_is_stored() {
    let p = parties().await;
    let path = format!("/cases/{}/documents", p.case);
    let file = |name: &str, content_type: &str, size: u64| json!({"file_name": name, "content_type": content_type, "size_bytes": size});
    let cases = [
        (
            json!({"files": [file("big.pdf", "application/pdf", 100 * 1024 * 1024 + 1)]}),
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
        ),
        (
            json!({"files": [file("page.html", "text/html", 10)]}),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            json!({"files": [file("../..", "application/pdf", 10)]}),
            StatusCode::BAD_REQUEST,
            "invalid_file_name",
        ),
        (
            json!({"files": vec![file("a.pdf", "application/pdf", 10); 21]}),
            StatusCode::BAD_REQUEST,
            "too_many_files",
        ),
        (
            json!({"files": []}),
            StatusCode::BAD_REQUEST,
            "too_many_files",
        ),
        (
            json!({"files": [file("empty.pdf", "application/pdf", 0)]}),
            StatusCode::BAD_REQUEST,
            "empty_file",
        ),
        (
            json!({"files": [file("a.pdf", "application/pdf", 10)], "message": "x".repeat(2001)}),
            StatusCode::BAD_REQUEST,
            "message_too_long",
        ),
        (
            json!({"files": [{"file_name": "a.pdf", "content_type": "application/pdf", "size_bytes": -1}]}),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (body, status, code) in cases {
        let response = p.app.post_as(&path, &p.client_session, &body).await;
        assert_eq!(response.status(), status, "{code}");
        assert_eq!(error_code(response).await, code);
    }
    // One good file among bad ones stores nothing either.
    let mixed = json!({"files": [file("ok.pdf", "application/pdf", 10), file("bad.exe", "application/x-msdownload", 10)]});
    let response = p.app.post_as(&path, &p.client_session, &mixed).await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["file_index"], 1,
        "the refused file, by position"
    );
    let big = json!({"files": [file("ok.pdf", "application/pdf", 10), file("big.pdf", "application/pdf", 100 * 1024 * 1024 + 1)]});
    let response = p.app.post_as(&path, &p.client_session, &big).await;
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["file_index"], 1);
    assert_eq!(body["error"]["limit_bytes"], 100 * 1024 * 1024);
    assert!(
        p.app
            .documents_of(&p.client_session, p.case)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_size_limit_is_configurable() {
    let app = crate::helpers::spawn_app_with(&[("MAX_UPLOAD_BYTES", "1000")]).await;
    let client = app.seed_client().await;
    let case = app.case_ids_of(client.id).await[0];
    let session = app.sign_in(&client.email).await;
    let at_limit = app
        .request_uploads(&session, case, &[pdf("a.pdf", &[0; 1000])], None)
        .await;
    assert_eq!(at_limit.status(), StatusCode::CREATED);
    let over = app
        .request_uploads(&session, case, &[pdf("a.pdf", &[0; 1001])], None)
        .await;
    assert_eq!(over.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn documents_are_listed_newest_first_a_page_at_a_time() {
    let p = parties().await;
    for name in ["first.pdf", "second.pdf", "third.pdf"] {
        let response = p
            .app
            .request_uploads(&p.client_session, p.case, &[pdf(name, b"x")], None)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        p.app.clock.advance(time::Duration::seconds(1));
    }
    let path = format!("/cases/{}/documents", p.case);
    let page: Value = p
        .app
        .get(&format!("{path}?limit=2"), &p.client_session)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = page["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|document| document["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["third.pdf", "second.pdf"]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let last: Value = p
        .app
        .get(
            &format!("{path}?limit=2&cursor={cursor}"),
            &p.client_session,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last["documents"].as_array().unwrap().len(), 1);
    assert_eq!(last["documents"][0]["file_name"], "first.pdf");
    assert!(last["next_cursor"].is_null());

    for bad in ["?cursor=nope", "?limit=0", "?limit=51"] {
        let response = p.app.get(&format!("{path}{bad}"), &p.client_session).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}
