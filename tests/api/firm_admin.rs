//! Firm administration: the password policy, for administrators of their own firm.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app};

async fn get_settings(app: &TestApp, session: &str) -> reqwest::Response {
    app.api
        .get(app.url("/firm/settings"))
        .bearer_auth(session)
        .send()
        .await
        .unwrap()
}

async fn put_settings(app: &TestApp, session: &str, body: &Value) -> reqwest::Response {
    app.api
        .put(app.url("/firm/settings"))
        .bearer_auth(session)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_administrator_reads_and_changes_the_firms_password_policy() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;

    let defaults: Value = get_settings(&app, &session).await.json().await.unwrap();
    assert_eq!(
        defaults,
        json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": false})
    );

    let wanted =
        json!({"require_strong_passwords": true, "password_expiry_days": 90, "require_mfa": false});
    let response = put_settings(&app, &session, &wanted).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), wanted);

    let stored: Value = get_settings(&app, &session).await.json().await.unwrap();
    assert_eq!(stored, wanted);
    assert!(
        app.audit_kinds(admin.id)
            .await
            .contains(&"policy_changed".to_owned())
    );
}

#[tokio::test]
async fn each_administrator_sees_and_changes_only_their_own_firm() {
    let app = spawn_app().await;
    let first = app.seed_firm_user(Role::Admin).await;
    let second = app.seed_firm_user(Role::Admin).await;
    let first_session = app.password_sign_in(&first.email).await;
    let second_session = app.password_sign_in(&second.email).await;

    let wanted =
        json!({"require_strong_passwords": true, "password_expiry_days": 30, "require_mfa": false});
    assert_eq!(
        put_settings(&app, &first_session, &wanted).await.status(),
        StatusCode::OK
    );

    let other: Value = get_settings(&app, &second_session)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        other,
        json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": false})
    );
}

#[tokio::test]
async fn staff_and_clients_are_forbidden() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let client = app.seed_client().await;
    let sessions = [
        app.password_sign_in(&staff.email).await,
        app.sign_in(&client.email).await,
    ];
    let wanted =
        json!({"require_strong_passwords": true, "password_expiry_days": 30, "require_mfa": false});

    for session in &sessions {
        let read = get_settings(&app, session).await;
        assert_eq!(read.status(), StatusCode::FORBIDDEN);
        assert_eq!(error_code(read).await, "forbidden");
        let write = put_settings(&app, session, &wanted).await;
        assert_eq!(write.status(), StatusCode::FORBIDDEN);
        assert_eq!(error_code(write).await, "forbidden");
    }
}

#[tokio::test]
async fn anything_but_the_allowed_values_is_an_invalid_setting_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;

    for body in [
        json!({"require_strong_passwords": true, "password_expiry_days": 45}),
        json!({"require_strong_passwords": true, "password_expiry_days": -30}),
        json!({"require_strong_passwords": "true", "password_expiry_days": 30}),
        json!({"require_strong_passwords": true}),
        json!([]),
    ] {
        let response = put_settings(&app, &session, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(response).await, "invalid_setting");
    }
    let not_json = app
        .api
        .put(app.url("/firm/settings"))
        .bearer_auth(&session)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(not_json).await, "invalid_request");

    let stored: Value = get_settings(&app, &session).await.json().await.unwrap();
    assert_eq!(
        stored,
        json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": false})
    );
}

#[tokio::test]
async fn the_settings_need_a_session() {
    let app = spawn_app().await;

    let response = app.api.get(app.url("/firm/settings")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "unauthorized");
}
