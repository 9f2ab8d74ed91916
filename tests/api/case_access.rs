//! Who may see a case: its client members and the users of its firm. Everyone
//! else gets the same 404 as for a case that does not exist.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_code, spawn_app};
use crate::uploads::pdf;

#[tokio::test]
async fn a_non_member_gets_404_case_not_found_on_every_case_route() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let case = app.case_ids_of(client.id).await[0];
    let lawyer = app.seed_firm_user_in(&client, Role::Staff).await;
    let lawyer_session = app.password_sign_in(&lawyer.email).await;
    let documents = app
        .upload_and_notify(&lawyer_session, case, &[pdf("Will.pdf", b"%PDF")], None)
        .await;
    let document = documents[0]["id"].as_str().unwrap().to_owned();

    let other_client = app.seed_client_in(&client).await;
    let other_firm_lawyer = app.seed_firm_user(Role::Admin).await;
    let outsiders = [
        app.sign_in(&other_client.email).await,
        app.password_sign_in(&other_firm_lawyer.email).await,
    ];
    let missing = uuid::Uuid::new_v4();
    for session in &outsiders {
        for target in [
            case.to_string(),
            missing.to_string(),
            "not-a-case".to_owned(),
        ] {
            let responses = [
                app.post_as(
                    &format!("/cases/{target}/documents"),
                    session,
                    &json!({"files": [{"file_name": "a.pdf", "content_type": "application/pdf", "size_bytes": 1}]}),
                )
                .await,
                app.get(&format!("/cases/{target}/documents"), session).await,
                app.get(
                    &format!("/cases/{target}/documents/{document}/download"),
                    session,
                )
                .await,
            ];
            for response in responses {
                assert_eq!(response.status(), StatusCode::NOT_FOUND, "{target}");
                assert_eq!(error_code(response).await, "case_not_found");
            }
        }
    }
    let from_other_firm = app
        .put_as(
            &format!("/firm/cases/{case}/members/{}", other_client.id),
            &outsiders[1],
        )
        .await;
    assert_eq!(from_other_firm.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(from_other_firm).await, "case_not_found");
}

#[tokio::test]
async fn every_case_route_needs_a_session() {
    let app = spawn_app().await;
    let case = uuid::Uuid::new_v4();
    let document = uuid::Uuid::new_v4();
    let user = uuid::Uuid::new_v4();
    let requests = [
        app.api.get(app.url("/cases")),
        app.api.get(app.url(&format!("/cases/{case}/documents"))),
        app.api
            .post(app.url(&format!("/cases/{case}/documents")))
            .json(&json!({"files": []})),
        app.api
            .get(app.url(&format!("/cases/{case}/documents/{document}/download"))),
        app.api
            .post(app.url("/firm/clients"))
            .json(&json!({"email": "x@example.com", "name": "X", "language": "en"})),
        app.api
            .post(app.url("/firm/cases"))
            .json(&json!({"title": "X"})),
        app.api
            .put(app.url(&format!("/firm/cases/{case}/members/{user}"))),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(response).await, "unauthorized");
    }
}

#[tokio::test]
async fn a_firm_user_sees_every_case_of_their_firm_without_being_a_member() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let case = app.case_ids_of(client.id).await[0];
    let colleague = app.seed_firm_user_in(&client, Role::Staff).await;
    let session = app.password_sign_in(&colleague.email).await;
    let response = app.get(&format!("/cases/{case}/documents"), &session).await;
    assert_eq!(response.status(), StatusCode::OK);
}
