//! Trusted browsers (device cookies): wrong passwords from anywhere lock the
//! account for unknown browsers, never for one the user signed in with before.

use portcullis::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{FIRM_PASSWORD, TestApp, burst, count, spawn_app};

const WRONG: &str = "not the password at all";

async fn sign_in(app: &TestApp, email: &str, password: &str, device: Option<&str>) -> Response {
    let request = app
        .api
        .post(app.url("/auth/password"))
        .json(&json!({"email": email, "password": password}));
    let request = match device {
        Some(device) => request.header("cookie", format!("device={device}")),
        None => request,
    };
    request.send().await.expect("a response")
}

/// The device cookie a response set, with its attributes.
fn device_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|cookie| cookie.starts_with("device="))
        .map(str::to_owned)
}

fn cookie_value(cookie: &str) -> String {
    cookie["device=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Signs in with the password from a new browser; its device cookie.
async fn trusted(app: &TestApp, email: &str) -> String {
    let response = sign_in(app, email, FIRM_PASSWORD, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    cookie_value(&device_cookie(&response).expect("a device cookie"))
}

async fn lock_out(app: &TestApp, email: &str) {
    let answers = burst((0..10).map(|_| {
        app.post_request(
            "/auth/password",
            None,
            &json!({"email": email, "password": WRONG}),
        )
    }))
    .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_credentials"),
        10
    );
    let locked = sign_in(app, email, FIRM_PASSWORD, None).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_sign_in_trusts_the_browser_with_a_90_day_cookie_kept_only_as_a_digest() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let response = sign_in(&app, &user.email, FIRM_PASSWORD, None).await;
    let cookie = device_cookie(&response).expect("a device cookie");
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/api/auth",
        "Max-Age=7776000",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let value = cookie_value(&cookie);
    assert_eq!(value.len(), 43, "256 bits, base64url");
    assert!(!app.table_dump().await.contains(&value));
    // Signing in again from it keeps the browser's cookie.
    let again = sign_in(&app, &user.email, FIRM_PASSWORD, Some(&value)).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(device_cookie(&again), None);
    // A wrong password trusts nothing.
    let wrong = sign_in(&app, &user.email, WRONG, None).await;
    assert_eq!(device_cookie(&wrong), None);
}

#[tokio::test]
async fn during_a_lock_the_users_own_browser_still_signs_in() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let device = trusted(&app, &user.email).await;
    lock_out(&app, &user.email).await;
    let own = sign_in(&app, &user.email, FIRM_PASSWORD, Some(&device)).await;
    assert_eq!(own.status(), StatusCode::OK);
    // Another user's cookie is no key to this account.
    let other = app.seed_firm_user(Role::Staff).await;
    let others = trusted(&app, &other.email).await;
    let borrowed = sign_in(&app, &user.email, FIRM_PASSWORD, Some(&others)).await;
    assert_eq!(borrowed.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_trusted_browser_has_a_failure_limit_of_its_own_that_holds_under_a_burst() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let device = trusted(&app, &user.email).await;
    let answers = burst((0..40).map(|_| {
        app.post_request(
            "/auth/password",
            None,
            &json!({"email": user.email, "password": WRONG}),
        )
        .header("cookie", format!("device={device}"))
    }))
    .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_credentials"),
        10
    );
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        30
    );
    let locked = sign_in(&app, &user.email, FIRM_PASSWORD, Some(&device)).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    // Its failures are not the account's: other browsers still sign in.
    let elsewhere = sign_in(&app, &user.email, FIRM_PASSWORD, None).await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_revokes_every_trusted_browser() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let device = trusted(&app, &user.email).await;
    let session = app.password_sign_in(&user.email).await;
    let new_password = "violet tractor mandolin sleet";
    let changed = app
        .post_as(
            "/auth/password/change",
            &session,
            &json!({"current_password": FIRM_PASSWORD, "new_password": new_password}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    lock_out(&app, &user.email).await;
    let revoked = sign_in(&app, &user.email, new_password, Some(&device)).await;
    assert_eq!(revoked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn with_a_second_factor_the_browser_is_trusted_once_the_second_step_passes() {
    let e = crate::totp::enrolled().await;
    let first = sign_in(&e.app, &e.email, FIRM_PASSWORD, None).await;
    assert_eq!(
        device_cookie(&first),
        None,
        "the password alone trusts nothing"
    );
    let body: serde_json::Value = first.json().await.unwrap();
    let passed = e
        .app
        .post_json(
            "/auth/mfa/totp",
            &json!({"mfa_token": body["mfa_token"], "code": e.code_at_offset(0)}),
        )
        .await;
    assert_eq!(passed.status(), StatusCode::OK);
    let device = cookie_value(&device_cookie(&passed).expect("a device cookie"));
    lock_out_mfa(&e.app, &e.email).await;
    let own = sign_in(&e.app, &e.email, FIRM_PASSWORD, Some(&device)).await;
    assert_eq!(own.status(), StatusCode::OK, "on to the second step");
}

/// Locks out the account of a user with a second factor (whose right password
/// answers the second step, not a session).
async fn lock_out_mfa(app: &TestApp, email: &str) {
    for _ in 0..10 {
        sign_in(app, email, WRONG, None).await;
    }
    let locked = sign_in(app, email, FIRM_PASSWORD, None).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}
