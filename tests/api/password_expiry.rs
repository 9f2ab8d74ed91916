//! Expired passwords: the sign-in hands out a single-use token to choose a new one.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, TestClient, error_code, spawn_app};

const NEW_PASSWORD: &str = "violet tractor mandolin sleet";

/// An administrator of a firm whose passwords expire after 30 days.
async fn admin_with_thirty_day_passwords(app: &TestApp) -> TestClient {
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;
    app.set_password_policy(&session, false, 30).await;
    admin
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/auth/password",
        &json!({ "email": email, "password": password }),
    )
    .await
}

async fn change_with_token(app: &TestApp, token: &str, new: &str) -> reqwest::Response {
    app.post_json(
        "/auth/password/change",
        &json!({ "password_change_token": token, "new_password": new }),
    )
    .await
}

/// Signs in with an expired password and returns the change token it gets.
async fn change_token(app: &TestApp, email: &str) -> String {
    let response = sign_in(app, email, FIRM_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "password_change_required");
    body["error"]["password_change_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_password_works_until_its_interval_is_over() {
    let app = spawn_app().await;
    let admin = admin_with_thirty_day_passwords(&app).await;

    app.clock.advance(Duration::days(30) - Duration::SECOND);
    assert_eq!(
        sign_in(&app, &admin.email, FIRM_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_expired_password_gets_a_change_token_instead_of_a_session_and_the_change_works() {
    let app = spawn_app().await;
    let admin = admin_with_thirty_day_passwords(&app).await;
    app.clock.advance(Duration::days(30));

    let token = change_token(&app, &admin.email).await;
    assert_eq!(token.len(), 43);
    assert!(
        !app.table_dump().await.contains(&token),
        "only its digest is stored"
    );

    let changed = change_with_token(&app, &token, NEW_PASSWORD).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        sign_in(&app, &admin.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        sign_in(&app, &admin.email, FIRM_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_change_token_works_once() {
    let app = spawn_app().await;
    let admin = admin_with_thirty_day_passwords(&app).await;
    app.clock.advance(Duration::days(31));
    let token = change_token(&app, &admin.email).await;

    assert_eq!(
        change_with_token(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    let again = change_with_token(&app, &token, "another fine passphrase").await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert_eq!(error_code(again).await, "password_change_token_expired");
}

#[tokio::test]
async fn a_change_token_dies_after_fifteen_minutes() {
    let app = spawn_app().await;
    let admin = admin_with_thirty_day_passwords(&app).await;
    app.clock.advance(Duration::days(31));
    let token = change_token(&app, &admin.email).await;

    app.clock.advance(Duration::minutes(15));
    let late = change_with_token(&app, &token, NEW_PASSWORD).await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert_eq!(error_code(late).await, "password_change_token_expired");
}

#[tokio::test]
async fn a_weak_replacement_is_refused_and_the_token_still_works() {
    let app = spawn_app().await;
    let admin = admin_with_thirty_day_passwords(&app).await;
    app.clock.advance(Duration::days(31));
    let token = change_token(&app, &admin.email).await;

    let weak = change_with_token(&app, &token, "password1").await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reused = change_with_token(&app, &token, FIRM_PASSWORD).await;
    assert_eq!(error_code(reused).await, "password_reused");
    assert_eq!(
        change_with_token(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn clients_of_a_firm_with_expiring_passwords_still_sign_in_with_links() {
    let app = spawn_app().await;
    admin_with_thirty_day_passwords(&app).await;
    let client = app.seed_client().await;

    app.clock.advance(Duration::days(400));
    let session = app.sign_in(&client.email).await;
    assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn me_shows_when_the_password_expires_and_warns_in_the_last_fourteen_days() {
    let app = spawn_app().await;
    let admin = admin_with_thirty_day_passwords(&app).await;
    let set_at = app.clock_now();

    app.clock.advance(Duration::days(16) - Duration::SECOND);
    let session = app.password_sign_in(&admin.email).await;
    let me: Value = app.get_me(&session).await.json().await.unwrap();
    let expires_at = set_at + Duration::days(30);
    assert_eq!(
        me["password_expires_at"],
        expires_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    );
    assert_eq!(me["password_expiry_notice"], false);

    app.clock.advance(Duration::SECOND);
    let me: Value = app.get_me(&session).await.json().await.unwrap();
    assert_eq!(
        me["password_expiry_notice"], true,
        "14 days before it expires"
    );
}

#[tokio::test]
async fn clients_and_firms_without_expiry_show_no_expiry() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let admin = app.seed_firm_user(Role::Admin).await;

    for session in [
        app.sign_in(&client.email).await,
        app.password_sign_in(&admin.email).await,
    ] {
        let me: Value = app.get_me(&session).await.json().await.unwrap();
        assert_eq!(me["password_expires_at"], Value::Null);
        assert_eq!(me["password_expiry_notice"], false);
    }
}
