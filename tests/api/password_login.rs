//! Password sign-in for firm users.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    FIRM_PASSWORD, TestApp, TestClient, error_code, spawn_app, spawn_app_with, unique_email,
};

const PASSWORD: &str = FIRM_PASSWORD;

async fn firm_user_with_password(app: &TestApp) -> TestClient {
    app.seed_firm_user(Role::Admin).await
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/auth/password",
        &json!({ "email": email, "password": password }),
    )
    .await
}

#[tokio::test]
async fn a_firm_user_signs_in_with_the_right_password() {
    let app = spawn_app().await;
    let admin = firm_user_with_password(&app).await;

    let response = sign_in(&app, &admin.email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["email"], admin.email);
    let session = body["session_token"].as_str().unwrap();
    assert!(cookie.starts_with(&format!(
        "session={session}; HttpOnly; Secure; SameSite=Strict"
    )));

    assert_eq!(app.get_me(session).await.status(), StatusCode::OK);
    assert!(
        app.audit_kinds(admin.id)
            .await
            .contains(&"signed_in".to_owned())
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let admin = firm_user_with_password(&app).await;

    let wrong = sign_in(&app, &admin.email, "not the password").await;
    let unknown = sign_in(&app, &unique_email("stranger"), PASSWORD).await;

    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let wrong = wrong.text().await.unwrap();
    assert_eq!(wrong, unknown.text().await.unwrap());
    assert!(wrong.contains("invalid_credentials"));
}

#[tokio::test]
async fn clients_and_unusable_passwords_get_invalid_credentials_too() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let admin = firm_user_with_password(&app).await;

    for (email, password) in [
        (client.email.as_str(), PASSWORD.to_owned()),
        (admin.email.as_str(), "x".repeat(129)),
        (admin.email.as_str(), "short".to_owned()),
        ("not an email", PASSWORD.to_owned()),
    ] {
        let response = sign_in(&app, email, &password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
        assert_eq!(error_code(response).await, "invalid_credentials");
    }
}

#[tokio::test]
async fn a_malformed_body_is_refused_with_400() {
    let app = spawn_app().await;

    for body in [
        "not json",
        "{}",
        r#"{"email":"a@example.com"}"#,
        r#"{"email":1,"password":"x"}"#,
    ] {
        let response = app.post_raw("/auth/password", body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(response).await, "invalid_request");
    }
}

#[tokio::test]
async fn the_eleventh_failure_in_a_fifteen_minute_window_is_refused_and_the_lock_ends_with_it() {
    let app = spawn_app().await;
    let admin = firm_user_with_password(&app).await;
    // Start the attempts at the beginning of a window, so that all of them fall in it.
    let into_window = app.clock_now().unix_timestamp().rem_euclid(15 * 60);
    app.clock.advance(Duration::seconds(15 * 60 - into_window));

    for attempt in 0..10 {
        let response = sign_in(&app, &admin.email, "not the password").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
        app.clock.advance(Duration::seconds(30));
    }
    let locked = sign_in(&app, &admin.email, PASSWORD).await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry_after: i64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        retry_after,
        15 * 60 - 10 * 30,
        "until the window of the failures ends"
    );
    assert_eq!(error_code(locked).await, "rate_limited");

    app.clock.advance(Duration::seconds(retry_after));
    assert_eq!(
        sign_in(&app, &admin.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn too_many_failures_from_one_address_lock_that_address_out() {
    let app = spawn_app_with(&[("PASSWORD_FAILURES_PER_IP", "3")]).await;
    let admin = firm_user_with_password(&app).await;

    for _ in 0..3 {
        let response = sign_in(&app, &unique_email("spray"), "not the password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = sign_in(&app, &admin.email, PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn known_and_unknown_emails_are_both_answered_no_sooner_than_the_response_floor() {
    let floor = std::time::Duration::from_millis(300);
    let app = spawn_app_with(&[("PASSWORD_RESPONSE_FLOOR_MS", "300")]).await;
    let admin = firm_user_with_password(&app).await;
    for (email, password) in [
        (admin.email.as_str(), "not the password"),
        ("nobody-at-all@example.com", "not the password"),
        (admin.email.as_str(), PASSWORD),
    ] {
        let started = std::time::Instant::now();
        sign_in(&app, email, password).await;
        assert!(started.elapsed() >= floor, "{email} was answered early");
    }
}
