//! Administrators force a password change: one user, or every firm user.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{FIRM_PASSWORD, TestApp, error_code, spawn_app};

async fn post(app: &TestApp, session: &str, path: &str) -> reqwest::Response {
    app.api
        .post(app.url(path))
        .bearer_auth(session)
        .send()
        .await
        .unwrap()
}

/// The sign-in answer for `email` with its password: `403 password_change_required` or `200`.
async fn sign_in_code(app: &TestApp, email: &str) -> (StatusCode, Value) {
    let response = app
        .post_json(
            "/auth/password",
            &json!({ "email": email, "password": FIRM_PASSWORD }),
        )
        .await;
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_forced_change_leads_to_403_at_the_next_sign_in_and_a_change_clears_it() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    let session = app.password_sign_in(&admin.email).await;

    let forced = post(
        &app,
        &session,
        &format!("/firm/users/{}/force-password-change", staff.id),
    )
    .await;
    assert_eq!(forced.status(), StatusCode::NO_CONTENT);

    let (status, body) = sign_in_code(&app, &staff.email).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "password_change_required");
    let token = body["error"]["password_change_token"].as_str().unwrap();
    let changed = app
        .post_json(
            "/auth/password/change",
            &json!({ "password_change_token": token, "new_password": "violet tractor mandolin sleet" }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let signed_in = app
        .post_json(
            "/auth/password",
            &json!({ "email": staff.email, "password": "violet tractor mandolin sleet" }),
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(
        app.audit_kinds(staff.id)
            .await
            .contains(&"password_change_forced".to_owned())
    );
}

#[tokio::test]
async fn expiring_all_passwords_reaches_every_firm_user_the_caller_included_but_no_client() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    let client = app.seed_client_in(&admin).await;
    let session = app.password_sign_in(&admin.email).await;

    assert_eq!(
        post(&app, &session, "/firm/users/expire-passwords")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    for email in [&admin.email, &staff.email] {
        let (status, body) = sign_in_code(&app, email).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(body["error"]["code"], "password_change_required");
    }
    let client_session = app.sign_in(&client.email).await;
    assert_eq!(app.get_me(&client_session).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn users_of_other_firms_clients_and_unknown_ids_are_not_found() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let elsewhere = app.seed_firm_user(Role::Staff).await;
    let client = app.seed_client_in(&admin).await;
    let session = app.password_sign_in(&admin.email).await;

    for target in [
        elsewhere.id.to_string(),
        client.id.to_string(),
        "not-an-id".into(),
    ] {
        let response = post(
            &app,
            &session,
            &format!("/firm/users/{target}/force-password-change"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{target}");
        assert_eq!(error_code(response).await, "not_found");
    }
    assert_eq!(sign_in_code(&app, &elsewhere.email).await.0, StatusCode::OK);
}

#[tokio::test]
async fn only_administrators_may_force_changes() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    let session = app.password_sign_in(&staff.email).await;

    let one = post(
        &app,
        &session,
        &format!("/firm/users/{}/force-password-change", admin.id),
    )
    .await;
    assert_eq!(one.status(), StatusCode::FORBIDDEN);
    let all = post(&app, &session, "/firm/users/expire-passwords").await;
    assert_eq!(all.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(all).await, "forbidden");
    assert_eq!(sign_in_code(&app, &admin.email).await.0, StatusCode::OK);
}
