//! A firm that requires MFA: the setting, and a user without a factor being made
//! to set one up with an enrolment-only session.

use portcullis::domain::Role;
use portcullis::mfa::totp::{DIGITS, STEP_SECONDS};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, TestClient, error_code, spawn_app};

async fn put_settings(app: &TestApp, admin_session: &str, body: Value) -> Response {
    app.api
        .put(app.url("/firm/settings"))
        .bearer_auth(admin_session)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A firm requiring MFA, its administrator's session, and a staff member with no
/// second factor.
async fn requiring_firm() -> (TestApp, String, TestClient) {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let admin_session = app.password_sign_in(&admin.email).await;
    let response = put_settings(
        &app,
        &admin_session,
        json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": true}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["require_mfa"], true);
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    (app, admin_session, staff)
}

async fn password(app: &TestApp, email: &str) -> Value {
    let response = app
        .post_json(
            "/auth/password",
            &json!({"email": email, "password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none());
    response.json().await.unwrap()
}

#[tokio::test]
async fn require_mfa_is_a_firm_setting_kept_when_left_out() {
    let (app, admin_session, _) = requiring_firm().await;
    let kept = put_settings(
        &app,
        &admin_session,
        json!({"require_strong_passwords": true, "password_expiry_days": 90}),
    )
    .await;
    assert_eq!(kept.status(), StatusCode::OK);
    let current: Value = app
        .get("/firm/settings", &admin_session)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        current,
        json!({"require_strong_passwords": true, "password_expiry_days": 90, "require_mfa": true})
    );
    let bad = put_settings(
        &app,
        &admin_session,
        json!({"require_strong_passwords": true, "password_expiry_days": 90, "require_mfa": "yes"}),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(bad).await, "invalid_setting");
}

#[tokio::test]
async fn a_user_without_a_factor_may_only_enrol_and_then_signs_in_with_it() {
    let (app, _, staff) = requiring_firm().await;
    let body = password(&app, &staff.email).await;
    assert_eq!(body["mfa_enrollment_required"], true);
    assert!(body.get("session_token").is_none());
    let enrolment = body["enrollment_token"].as_str().unwrap().to_owned();

    // Nothing but enrolment.
    for path in ["/me", "/cases", "/firm/users"] {
        let refused = app.get(path, &enrolment).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let summary: Value = app.get("/mfa", &enrolment).await.json().await.unwrap();
    assert_eq!(summary["mfa_enabled"], false);
    let regenerate = app
        .post_as(
            "/mfa/backup-codes",
            &enrolment,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(regenerate.status(), StatusCode::UNAUTHORIZED);
    let remove = app
        .api
        .delete(app.url("/mfa/totp"))
        .bearer_auth(&enrolment)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(remove.status(), StatusCode::UNAUTHORIZED);

    let secret = crate::totp::turn_on_totp(&app, &enrolment).await;

    // The enrolment session has done its job; the password now leads to the
    // second step, and the new factor passes it.
    assert_eq!(
        app.get("/mfa", &enrolment).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let body = password(&app, &staff.email).await;
    assert_eq!(body["mfa_required"], true);
    assert_eq!(body["methods"], json!(["totp", "backup_code"]));
    let step = app.clock_now().unix_timestamp() as u64 / STEP_SECONDS;
    let code = format!("{:06}", secret.code_at_step(step, DIGITS));
    let signed_in = app
        .post_json(
            "/auth/mfa/totp",
            &json!({"mfa_token": body["mfa_token"], "code": code}),
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_enrolment_session_lasts_fifteen_minutes() {
    let (app, _, staff) = requiring_firm().await;
    let body = password(&app, &staff.email).await;
    let enrolment = body["enrollment_token"].as_str().unwrap().to_owned();
    app.clock
        .advance(Duration::minutes(15) - Duration::seconds(1));
    assert_eq!(app.get("/mfa", &enrolment).await.status(), StatusCode::OK);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(
        app.get("/mfa", &enrolment).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn turning_the_requirement_off_lets_the_password_alone_sign_in_again() {
    let (app, admin_session, staff) = requiring_firm().await;
    let response = put_settings(
        &app,
        &admin_session,
        json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": false}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let session = app.password_sign_in(&staff.email).await;
    assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn registering_a_phone_also_enrols_and_ends_the_enrolment_session() {
    let (app, _, staff) = requiring_firm().await;
    let body = password(&app, &staff.email).await;
    let enrolment = body["enrollment_token"].as_str().unwrap().to_owned();
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let registered = app
        .post_as(
            "/mfa/push/devices",
            &enrolment,
            &json!({"password": FIRM_PASSWORD, "platform": "apns", "device_token": token, "name": "Phone"}),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    assert_eq!(
        app.get("/mfa", &enrolment).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let body = password(&app, &staff.email).await;
    assert_eq!(body["methods"], json!(["push", "backup_code"]));
}
