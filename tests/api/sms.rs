//! SMS codes: enrolling a phone, and the second step of a sign-in by text message.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, error_code, spawn_app};

/// A fresh UK test number (Ofcom's drama range), so tests never read each other's SMS.
pub fn unique_phone() -> String {
    format!("+4477009{:05}", uuid::Uuid::new_v4().as_u128() % 100_000)
}

/// The 6-digit code in the newest SMS to `phone`.
pub async fn last_code(app: &TestApp, phone: &str) -> String {
    let texts = app.sms_to(phone).await;
    let text = texts.last().expect("an SMS");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .expect("a 6-digit code")
        .to_owned()
}

struct WithPhone {
    app: TestApp,
    email: String,
    phone: String,
    session: String,
}

/// Turns SMS codes on for the user of `session` with `phone`, through the API;
/// what the confirmation answered.
pub async fn enrol_phone(app: &TestApp, session: &str, phone: &str) -> Value {
    let response = app
        .post_as(
            "/mfa/sms/enroll",
            session,
            &json!({"password": FIRM_PASSWORD, "phone": phone}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let code = last_code(app, phone).await;
    let response = app
        .post_as("/mfa/sms/confirm", session, &json!({"code": code}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn with_phone() -> WithPhone {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let phone = unique_phone();
    let body = enrol_phone(&app, &session, &phone).await;
    assert_eq!(body["backup_codes"].as_array().unwrap().len(), 10);
    WithPhone {
        app,
        email: user.email,
        phone,
        session,
    }
}

impl WithPhone {
    async fn mfa_token(&self) -> String {
        let body = self.app.password_answer(&self.email).await;
        assert_eq!(body["methods"], json!(["sms", "backup_code"]));
        body["mfa_token"].as_str().unwrap().to_owned()
    }

    async fn send(&self, token: &str) -> reqwest::Response {
        self.app
            .post_json("/auth/mfa/sms/send", &json!({"mfa_token": token}))
            .await
    }

    async fn verify(&self, token: &str, code: &str) -> reqwest::Response {
        self.app
            .post_json("/auth/mfa/sms", &json!({"mfa_token": token, "code": code}))
            .await
    }
}

#[tokio::test]
async fn a_texted_code_signs_in_and_the_text_says_it_expires_in_ten_minutes() {
    let p = with_phone().await;
    let token = p.mfa_token().await;
    assert_eq!(p.send(&token).await.status(), StatusCode::ACCEPTED);
    let text = p.app.sms_to(&p.phone).await.pop().unwrap();
    assert!(text.contains("expires in 10 minutes"), "{text}");
    let code = last_code(&p.app, &p.phone).await;
    let response = p.verify(&token, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn another_code_within_60_seconds_is_refused_with_retry_after() {
    let p = with_phone().await;
    let token = p.mfa_token().await;
    assert_eq!(p.send(&token).await.status(), StatusCode::ACCEPTED);
    p.app.clock.advance(Duration::seconds(20));
    let again = p.send(&token).await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(again.headers()["retry-after"], "40");
    assert_eq!(error_code(again).await, "rate_limited");
    p.app.clock.advance(Duration::seconds(40));
    assert_eq!(p.send(&token).await.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn a_code_is_bound_to_the_sign_in_that_asked_for_it() {
    let p = with_phone().await;
    let token = p.mfa_token().await;
    p.send(&token).await;
    let code = last_code(&p.app, &p.phone).await;
    let other = p.mfa_token().await;
    let response = p.verify(&other, &code).await;
    assert_eq!(error_code(response).await, "invalid_code");
    let response = p.verify(&token, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_code_works_for_ten_minutes_and_not_a_second_more() {
    for (after, works) in [
        (Duration::seconds(599), true),
        (Duration::minutes(10), false),
    ] {
        let app = spawn_app().await;
        let user = app.seed_firm_user(Role::Staff).await;
        let session = app.password_sign_in(&user.email).await;
        let phone = unique_phone();
        app.post_as(
            "/mfa/sms/enroll",
            &session,
            &json!({"password": FIRM_PASSWORD, "phone": phone}),
        )
        .await;
        let code = last_code(&app, &phone).await;
        app.clock.advance(after);
        let response = app
            .post_as("/mfa/sms/confirm", &session, &json!({"code": code}))
            .await;
        assert_eq!(response.status().is_success(), works, "{after}");
    }
}

#[tokio::test]
async fn five_wrong_tries_kill_the_code() {
    let p = with_phone().await;
    let token = p.mfa_token().await;
    p.send(&token).await;
    let code = last_code(&p.app, &p.phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert_eq!(
            error_code(p.verify(&token, wrong).await).await,
            "invalid_code"
        );
    }
    // The fifth wrong try kills the code (and, as the fifth wrong code, the token).
    p.verify(&token, wrong).await;
    let response = p.verify(&token, &code).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_phone_number_is_refused() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let response = app
        .post_as(
            "/mfa/sms/enroll",
            &session,
            &json!({"password": FIRM_PASSWORD, "phone": "07700 900123"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(response).await, "invalid_phone");
}

#[tokio::test]
async fn the_text_is_in_the_users_language() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    app.api
        .put(app.url("/me/language"))
        .bearer_auth(&session)
        .json(&json!({"language": "fr"}))
        .send()
        .await
        .unwrap();
    let phone = unique_phone();
    app.post_as(
        "/mfa/sms/enroll",
        &session,
        &json!({"password": FIRM_PASSWORD, "phone": phone}),
    )
    .await;
    let text = app.sms_to(&phone).await.pop().unwrap();
    assert!(text.contains("Il expire dans 10 minutes"), "{text}");
}

#[tokio::test]
async fn removing_the_phone_turns_mfa_off_with_its_backup_codes() {
    let p = with_phone().await;
    let response = p
        .app
        .api
        .delete(p.app.url("/mfa/sms"))
        .bearer_auth(&p.session)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let summary: Value = p.app.get("/mfa", &p.session).await.json().await.unwrap();
    assert_eq!(
        summary,
        json!({"mfa_enabled": false, "methods": [], "backup_codes_left": 0, "push_devices": []})
    );
}

#[tokio::test]
async fn a_code_texted_for_one_number_does_not_turn_on_another() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let (first, second) = (unique_phone(), unique_phone());
    for phone in [&first, &second] {
        let response = app
            .post_as(
                "/mfa/sms/enroll",
                &session,
                &json!({"password": FIRM_PASSWORD, "phone": phone}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    // The second number is the pending one: the first's code is no good for it.
    let code = last_code(&app, &first).await;
    let response = app
        .post_as("/mfa/sms/confirm", &session, &json!({"code": code}))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let code = last_code(&app, &second).await;
    let response = app
        .post_as("/mfa/sms/confirm", &session, &json!({"code": code}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
