//! Forgotten passwords: a reset link by email, and a new password with it.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, error_code, link_token_in, spawn_app, unique_email};

const NEW_PASSWORD: &str = "violet tractor mandolin sleet";

async fn request_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/auth/password/reset-request", &json!({ "email": email }))
        .await
}

async fn reset(app: &TestApp, token: &str, new: &str) -> reqwest::Response {
    app.post_json(
        "/auth/password/reset",
        &json!({ "token": token, "new_password": new }),
    )
    .await
}

/// Requests a reset for `email` and returns the token from the email it sent.
async fn reset_token(app: &TestApp, email: &str) -> String {
    let before = app.emails_to(email).await.len();
    assert_eq!(
        request_reset(app, email).await.status(),
        StatusCode::ACCEPTED
    );
    let emails = app.emails_to(email).await;
    assert_eq!(emails.len(), before + 1);
    link_token_in(&emails[before].body, &app.address, "/auth/reset")
}

async fn sign_in_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.post_json(
        "/auth/password",
        &json!({ "email": email, "password": password }),
    )
    .await
    .status()
}

#[tokio::test]
async fn a_firm_user_resets_a_forgotten_password_with_the_emailed_link() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let old_session = app.password_sign_in(&staff.email).await;

    let token = reset_token(&app, &staff.email).await;
    let email = app.emails_to(&staff.email).await.pop().unwrap();
    assert_eq!(email.subject, "Choose a new password");
    assert!(email.body.contains("valid for 1 hour"));

    assert_eq!(
        reset(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sign_in_status(&app, &staff.email, NEW_PASSWORD).await,
        StatusCode::OK
    );
    assert_eq!(
        sign_in_status(&app, &staff.email, FIRM_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get_me(&old_session).await.status(),
        StatusCode::UNAUTHORIZED,
        "sessions end"
    );
}

#[tokio::test]
async fn a_reset_request_answers_the_same_for_anyone_and_mails_only_firm_users() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let client = app.seed_client().await;
    let stranger = unique_email("stranger");

    let answers: Vec<(StatusCode, String)> =
        futures::future::join_all([&staff.email, &client.email, &stranger].map(|email| async {
            let response = request_reset(&app, email).await;
            (response.status(), response.text().await.unwrap())
        }))
        .await;
    assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "{answers:?}"
    );
    assert_eq!(answers[0].0, StatusCode::ACCEPTED);
    assert_eq!(app.emails_to(&staff.email).await.len(), 1);
    assert!(app.emails_to(&client.email).await.is_empty());
    assert!(app.emails_to(&stranger).await.is_empty());
}

#[tokio::test]
async fn a_reset_link_works_once_and_for_one_hour() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;

    let used = reset_token(&app, &staff.email).await;
    assert_eq!(
        reset(&app, &used, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    let again = reset(&app, &used, "another fine passphrase").await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert_eq!(error_code(again).await, "reset_link_expired");

    let late = reset_token(&app, &staff.email).await;
    app.clock.advance(Duration::HOUR);
    let response = reset(&app, &late, "another fine passphrase").await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(error_code(response).await, "reset_link_expired");
    assert_eq!(
        error_code(reset(&app, &"A".repeat(43), NEW_PASSWORD).await).await,
        "reset_link_expired"
    );
}

#[tokio::test]
async fn a_reset_applies_the_password_rules() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let token = reset_token(&app, &staff.email).await;

    let weak = reset(&app, &token, "password1").await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = weak.json().await.unwrap();
    assert_eq!(body["error"]["code"], "weak_password");
    assert_eq!(
        error_code(reset(&app, &token, FIRM_PASSWORD).await).await,
        "password_reused"
    );
    assert_eq!(
        reset(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_self_service_reset_restarts_the_expiry_interval() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;
    app.set_password_policy(&session, false, 30).await;

    app.clock.advance(Duration::days(25));
    let token = reset_token(&app, &admin.email).await;
    assert_eq!(
        reset(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );

    app.clock.advance(Duration::days(10));
    assert_eq!(
        sign_in_status(&app, &admin.email, NEW_PASSWORD).await,
        StatusCode::OK,
        "35 days after the first password, 10 after the reset"
    );
}
