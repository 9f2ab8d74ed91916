//! A signed-in firm user changes their password.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{FIRM_PASSWORD, TestApp, error_code, spawn_app};

const NEW_PASSWORD: &str = "violet tractor mandolin sleet";

async fn change(app: &TestApp, session: &str, current: &str, new: &str) -> reqwest::Response {
    app.api
        .post(app.url("/auth/password/change"))
        .bearer_auth(session)
        .json(&json!({ "current_password": current, "new_password": new }))
        .send()
        .await
        .unwrap()
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
async fn a_firm_user_changes_their_password_and_only_the_new_one_works() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&staff.email).await;

    let response = change(&app, &session, FIRM_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        sign_in_status(&app, &staff.email, FIRM_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(&app, &staff.email, NEW_PASSWORD).await,
        StatusCode::OK
    );
    assert!(
        app.audit_kinds(staff.id)
            .await
            .contains(&"password_changed".to_owned())
    );
}

#[tokio::test]
async fn a_password_change_ends_the_users_other_sessions_but_not_this_one() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let this = app.password_sign_in(&staff.email).await;
    let other = app.password_sign_in(&staff.email).await;

    assert_eq!(
        change(&app, &this, FIRM_PASSWORD, NEW_PASSWORD)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    assert_eq!(app.get_me(&this).await.status(), StatusCode::OK);
    assert_eq!(app.get_me(&other).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&staff.email).await;

    let response = change(&app, &session, "not the password", NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "invalid_credentials");
    assert_eq!(
        sign_in_status(&app, &staff.email, FIRM_PASSWORD).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_feedback() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&staff.email).await;

    for weak in ["password1", "short", "Casey Client forever"] {
        let response = change(&app, &session, FIRM_PASSWORD, weak).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{weak}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "weak_password");
        assert!(
            !body["error"]["feedback"].as_array().unwrap().is_empty(),
            "{weak}"
        );
    }
}

#[tokio::test]
async fn the_current_password_cannot_be_the_new_one() {
    let app = spawn_app().await;
    let staff = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&staff.email).await;

    let response = change(&app, &session, FIRM_PASSWORD, FIRM_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(response).await, "password_reused");
}

#[tokio::test]
async fn a_firm_that_requires_strong_passwords_gets_them() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;
    app.set_password_policy(&session, true, 0).await;

    let short = change(&app, &session, FIRM_PASSWORD, "orbit-lamp9").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = short.json().await.unwrap();
    assert!(
        body["error"]["feedback"]
            .to_string()
            .contains("12 characters")
    );

    assert_eq!(
        change(&app, &session, FIRM_PASSWORD, NEW_PASSWORD)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn clients_have_no_password_to_change_and_anonymous_callers_are_refused() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    let response = change(&app, &session, FIRM_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(response).await, "forbidden");

    let anonymous = app
        .post_json(
            "/auth/password/change",
            &json!({ "current_password": FIRM_PASSWORD, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(anonymous).await, "unauthorized");
}
