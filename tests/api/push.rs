//! Push approval: registering a phone as an SNS platform endpoint, and the second
//! step of a sign-in by a push answered with number matching.

use portcullis::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, TestClient, error_code, spawn_app};

/// A fresh APNs device token, so tests never read each other's pushes.
pub fn apns_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn fcm_token() -> String {
    format!(
        "fcm-{}:APA91b{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

const BROWSER: &str = "Mozilla/5.0 (Macintosh) Firefox/140.0";

struct Phone {
    token: String,
    credential: String,
}

struct WithPush {
    app: TestApp,
    user: TestClient,
    email: String,
    session: String,
    phone: Phone,
}

pub async fn register(app: &TestApp, session: &str, platform: &str, token: &str) -> Response {
    app.post_as(
        "/mfa/push/devices",
        session,
        &json!({
            "password": FIRM_PASSWORD,
            "platform": platform,
            "device_token": token,
            "name": "Sam's phone",
        }),
    )
    .await
}

async fn with_push() -> WithPush {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let token = apns_token();
    let response = register(&app, &session, "apns", &token).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["backup_codes"].as_array().unwrap().len(), 10);
    let credential = body["device_credential"].as_str().unwrap().to_owned();
    WithPush {
        app,
        email: user.email.clone(),
        user,
        session,
        phone: Phone { token, credential },
    }
}

impl WithPush {
    async fn mfa_token(&self) -> String {
        let body = self.app.password_answer(&self.email).await;
        assert_eq!(body["methods"], json!(["push", "backup_code"]));
        body["mfa_token"].as_str().unwrap().to_owned()
    }

    async fn push(&self, mfa_token: &str) -> Response {
        self.app
            .api
            .post(self.app.url("/auth/mfa/push"))
            .header("user-agent", BROWSER)
            .json(&json!({"mfa_token": mfa_token}))
            .send()
            .await
            .unwrap()
    }

    /// Asks for a push; its id and the number the browser shows.
    async fn pushed(&self, mfa_token: &str) -> (String, u64) {
        let response = self.push(mfa_token).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let body: Value = response.json().await.unwrap();
        (
            body["challenge_id"].as_str().unwrap().to_owned(),
            body["number"].as_u64().unwrap(),
        )
    }

    async fn poll(&self, challenge: &str, mfa_token: &str) -> Response {
        self.app
            .api
            .get(self.app.url(&format!("/auth/mfa/push/{challenge}")))
            .query(&[("mfa_token", mfa_token)])
            .send()
            .await
            .unwrap()
    }

    async fn answer(&self, credential: &str, challenge: &str, body: Value) -> Response {
        self.app
            .post_as(
                &format!("/mfa/push/challenges/{challenge}"),
                credential,
                &body,
            )
            .await
    }

    /// The app's data in the newest push to this phone (its APNs payload).
    async fn last_push(&self) -> Value {
        let message = self
            .app
            .pushes_to(&self.phone.token)
            .await
            .pop()
            .expect("a push");
        let apns: Value = serde_json::from_str(message["APNS"].as_str().unwrap()).unwrap();
        apns["portcullis"].clone()
    }
}

#[tokio::test]
async fn a_push_approved_with_the_browsers_number_signs_in_once() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    let (challenge, number) = p.pushed(&mfa_token).await;

    // The phone is offered three numbers, the browser's among them, and told where
    // the sign-in comes from.
    let push = p.last_push().await;
    assert_eq!(push["challenge_id"], challenge);
    let choices: Vec<u64> = serde_json::from_value(push["choices"].clone()).unwrap();
    assert_eq!(choices.len(), 3);
    assert!(choices.contains(&number), "{choices:?} {number}");
    assert_eq!(push["source_ip"], "127.0.0.1");
    assert_eq!(push["user_agent"], BROWSER);
    // What the phone shows: the APNs alert (both emulators keep the APNs payload;
    // only moto keeps the `default` text as well).
    let message = p.app.pushes_to(&p.phone.token).await.pop().unwrap();
    let apns: Value = serde_json::from_str(message["APNS"].as_str().unwrap()).unwrap();
    assert!(
        apns["aps"]["alert"]
            .as_str()
            .unwrap()
            .contains("Approve a sign-in")
    );

    let pending = p.poll(&challenge, &mfa_token).await;
    assert_eq!(pending.status(), StatusCode::ACCEPTED);
    assert_eq!(pending.json::<Value>().await.unwrap()["status"], "pending");

    let answer = p
        .answer(
            &p.phone.credential,
            &challenge,
            json!({"approve": true, "number": number}),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.json::<Value>().await.unwrap()["status"], "approved");

    let signed_in = p.poll(&challenge, &mfa_token).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let body: Value = signed_in.json().await.unwrap();
    let session = body["session_token"].as_str().unwrap();
    assert_eq!(p.app.get_me(session).await.status(), StatusCode::OK);

    // The mfa_token is spent: nobody collects a second session.
    let again = p.poll(&challenge, &mfa_token).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(again).await, "invalid_mfa_token");
}

#[tokio::test]
async fn a_denial_or_a_wrong_number_is_push_denied() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;

    let (challenge, _) = p.pushed(&mfa_token).await;
    let answer = p
        .answer(&p.phone.credential, &challenge, json!({"approve": false}))
        .await;
    assert_eq!(answer.json::<Value>().await.unwrap()["status"], "denied");
    let denied = p.poll(&challenge, &mfa_token).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(denied).await, "push_denied");

    let (challenge, number) = p.pushed(&mfa_token).await;
    let wrong = if number == 99 { 10 } else { number + 1 };
    let answer = p
        .answer(
            &p.phone.credential,
            &challenge,
            json!({"approve": true, "number": wrong}),
        )
        .await;
    assert_eq!(answer.json::<Value>().await.unwrap()["status"], "denied");
    let denied = p.poll(&challenge, &mfa_token).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(denied).await, "push_denied");
}

#[tokio::test]
async fn an_unanswered_push_is_gone_after_two_minutes() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    let (challenge, number) = p.pushed(&mfa_token).await;

    p.app.clock.advance(Duration::seconds(119));
    assert_eq!(
        p.poll(&challenge, &mfa_token).await.status(),
        StatusCode::ACCEPTED
    );
    p.app.clock.advance(Duration::seconds(1));
    let gone = p.poll(&challenge, &mfa_token).await;
    assert_eq!(gone.status(), StatusCode::GONE);
    assert_eq!(error_code(gone).await, "push_expired");

    let late = p
        .answer(
            &p.phone.credential,
            &challenge,
            json!({"approve": true, "number": number}),
        )
        .await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert_eq!(error_code(late).await, "push_expired");
    assert_eq!(
        p.poll(&challenge, &mfa_token).await.status(),
        StatusCode::GONE
    );
}

#[tokio::test]
async fn only_a_phone_of_the_user_answers_and_only_once() {
    let p = with_push().await;
    let someone_else = p.app.seed_firm_user(Role::Staff).await;
    let their_session = p.app.password_sign_in(&someone_else.email).await;
    let their_phone = register(&p.app, &their_session, "apns", &apns_token()).await;
    let their_credential = their_phone.json::<Value>().await.unwrap()["device_credential"]
        .as_str()
        .unwrap()
        .to_owned();

    let mfa_token = p.mfa_token().await;
    let (challenge, number) = p.pushed(&mfa_token).await;
    let approve = json!({"approve": true, "number": number});

    for credential in [their_credential.as_str(), &p.session, "not-a-credential"] {
        let refused = p.answer(credential, &challenge, approve.clone()).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(refused).await, "invalid_device_credential");
    }
    let unsigned = p
        .app
        .post_json(&format!("/mfa/push/challenges/{challenge}"), &approve)
        .await;
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        p.poll(&challenge, &mfa_token).await.status(),
        StatusCode::ACCEPTED
    );

    let approved = p
        .answer(&p.phone.credential, &challenge, approve.clone())
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let deny_after = p
        .answer(&p.phone.credential, &challenge, json!({"approve": false}))
        .await;
    assert_eq!(deny_after.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(deny_after).await, "push_answered");
    assert_eq!(
        p.poll(&challenge, &mfa_token).await.status(),
        StatusCode::OK
    );

    let unknown = p
        .answer(
            &p.phone.credential,
            &uuid::Uuid::new_v4().to_string(),
            approve,
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(unknown).await, "push_not_found");
}

#[tokio::test]
async fn a_push_is_collected_only_with_the_mfa_token_that_asked_for_it() {
    let p = with_push().await;
    let first = p.mfa_token().await;
    let second = p.mfa_token().await;
    let (challenge, number) = p.pushed(&first).await;
    p.answer(
        &p.phone.credential,
        &challenge,
        json!({"approve": true, "number": number}),
    )
    .await;
    let other = p.poll(&challenge, &second).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(other).await, "push_not_found");
    assert_eq!(p.poll(&challenge, &first).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn concurrent_polls_after_an_approval_start_one_session() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    let (challenge, number) = p.pushed(&mfa_token).await;
    p.answer(
        &p.phone.credential,
        &challenge,
        json!({"approve": true, "number": number}),
    )
    .await;
    let polls = (0..8).map(|_| p.poll(&challenge, &mfa_token));
    let statuses: Vec<StatusCode> = futures::future::join_all(polls)
        .await
        .iter()
        .map(Response::status)
        .collect();
    let sessions = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(sessions, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED)
    );
}

#[tokio::test]
async fn a_sign_in_attempt_sends_three_pushes_at_most() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    for _ in 0..3 {
        p.pushed(&mfa_token).await;
    }
    let flood = p.push(&mfa_token).await;
    assert_eq!(flood.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(flood.headers().contains_key("retry-after"));
    assert_eq!(error_code(flood).await, "rate_limited");
    assert_eq!(p.app.pushes_to(&p.phone.token).await.len(), 3);
}

#[tokio::test]
async fn a_user_without_a_phone_gets_no_push() {
    let totp_only = crate::totp::enrolled().await;
    let mfa_token = totp_only.mfa_token().await;
    let response = totp_only
        .app
        .post_json("/auth/mfa/push", &json!({"mfa_token": mfa_token}))
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(response).await, "method_unavailable");
}

#[tokio::test]
async fn registration_checks_the_platform_token_and_name_and_refuses_a_phone_twice() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    for (body, code) in [
        (
            json!({"password": FIRM_PASSWORD, "platform": "windows", "device_token": apns_token(), "name": "x"}),
            "unsupported_platform",
        ),
        (
            json!({"password": FIRM_PASSWORD, "platform": "apns", "device_token": "1234", "name": "x"}),
            "invalid_device_token",
        ),
        (
            json!({"password": FIRM_PASSWORD, "platform": "fcm", "device_token": "a b", "name": "x"}),
            "invalid_device_token",
        ),
        (
            json!({"password": FIRM_PASSWORD, "platform": "apns", "device_token": apns_token(), "name": "a\nb"}),
            "invalid_device_name",
        ),
        (json!({"platform": "apns"}), "invalid_request"),
    ] {
        let response = app.post_as("/mfa/push/devices", &session, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(response).await, code);
    }
    assert!(!app.table_dump().await.contains("PUSHDEVICE#"));

    let android = fcm_token();
    let first = register(&app, &session, "fcm", &android).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let twice = register(&app, &session, "fcm", &android).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(twice).await, "mfa_method_exists");

    // The FCM payload carries the same data as a string, as FCM wants it.
    let body = app.password_answer(&user.email).await;
    let pushed: Value = app
        .post_json("/auth/mfa/push", &json!({"mfa_token": body["mfa_token"]}))
        .await
        .json()
        .await
        .unwrap();
    let message = app.pushes_to(&android).await.pop().expect("a push");
    let fcm: Value = serde_json::from_str(message["GCM"].as_str().unwrap()).unwrap();
    let data: Value = serde_json::from_str(fcm["data"]["portcullis"].as_str().unwrap()).unwrap();
    assert_eq!(data["challenge_id"], pushed["challenge_id"]);

    let clients_phone = app.seed_client().await;
    let client_session = app.sign_in(&clients_phone.email).await;
    let refused = register(&app, &client_session, "apns", &apns_token()).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let anonymous = app
        .post_json(
            "/mfa/push/devices",
            &json!({"platform": "apns", "device_token": apns_token(), "name": "x"}),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn registering_a_phone_ends_other_sessions_is_audited_and_can_be_undone() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let elsewhere = app.password_sign_in(&user.email).await;
    assert_eq!(
        register(&app, &session, "apns", &apns_token())
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.get_me(&elsewhere).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
    assert!(
        app.audit_kinds(user.id)
            .await
            .contains(&"mfa_enabled".to_owned())
    );

    let summary: Value = app.get("/mfa", &session).await.json().await.unwrap();
    assert_eq!(summary["methods"], json!(["push", "backup_code"]));

    let removed = app
        .api
        .delete(app.url("/mfa/push"))
        .bearer_auth(&session)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let summary: Value = app.get("/mfa", &session).await.json().await.unwrap();
    assert_eq!(summary["methods"], json!([]));
    assert_eq!(summary["mfa_enabled"], false);
    assert!(!app.table_dump().await.contains("PUSHDEVICE#"));
}

/// Whether the SNS platform endpoint `arn` exists.
async fn endpoint_exists(app: &TestApp, arn: &str) -> bool {
    aws_sdk_sns::Client::new(&app.sdk)
        .get_endpoint_attributes()
        .endpoint_arn(arn)
        .send()
        .await
        .is_ok()
}

async fn endpoints_of(app: &TestApp, user: &TestClient) -> Vec<String> {
    use portcullis::mfa::MfaStore;
    let state = app.store.mfa_state(user.id).await.unwrap();
    state
        .push_devices
        .into_iter()
        .map(|device| device.endpoint_arn)
        .collect()
}

#[tokio::test]
async fn registration_takes_the_password_again_and_removal_deletes_the_platform_endpoints() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let body = |password: Option<&str>| {
        let mut body = json!({"platform": "apns", "device_token": apns_token(), "name": "x"});
        if let Some(password) = password {
            body["password"] = json!(password);
        }
        body
    };
    let missing = app
        .post_as("/mfa/push/devices", &session, &body(None))
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(missing).await, "invalid_request");
    let wrong = app
        .post_as(
            "/mfa/push/devices",
            &session,
            &body(Some("not the password")),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(wrong).await, "invalid_credentials");
    assert!(endpoints_of(&app, &user).await.is_empty());

    for _ in 0..2 {
        let response = register(&app, &session, "apns", &apns_token()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let endpoints = endpoints_of(&app, &user).await;
    assert_eq!(endpoints.len(), 2);
    for arn in &endpoints {
        assert!(endpoint_exists(&app, arn).await);
    }
    let removed = app
        .api
        .delete(app.url("/mfa/push"))
        .bearer_auth(&session)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    for arn in &endpoints {
        assert!(!endpoint_exists(&app, arn).await, "{arn} is deleted");
    }
    // The phones' slots went with them: five may be registered again.
    for _ in 0..5 {
        let response = register(&app, &session, "apns", &apns_token()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let sixth = register(&app, &session, "apns", &apns_token()).await;
    assert_eq!(error_code(sixth).await, "too_many_devices");
}

#[tokio::test]
async fn an_administrators_switch_off_removes_the_phones_too() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    assert_eq!(
        register(&app, &session, "apns", &apns_token())
            .await
            .status(),
        StatusCode::CREATED
    );
    let endpoints = endpoints_of(&app, &user).await;
    let admin = app.seed_firm_user_in(&user, Role::Admin).await;
    let admin_session = app.password_sign_in(&admin.email).await;
    let response = app
        .api
        .delete(app.url(&format!("/firm/users/{}/mfa", user.id)))
        .bearer_auth(&admin_session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(!app.table_dump().await.contains("PUSHDEVICE#"));
    assert!(!endpoint_exists(&app, &endpoints[0]).await);
    // The password alone signs in again.
    app.password_sign_in(&user.email).await;
}

#[tokio::test]
async fn a_denial_counts_against_the_sign_in_like_a_wrong_code() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    let (challenge, _) = p.pushed(&mfa_token).await;
    p.answer(&p.phone.credential, &challenge, json!({"approve": false}))
        .await;
    let wrong = json!({"mfa_token": mfa_token, "code": "0000-0000-0000"});
    for _ in 0..4 {
        let response = p.app.post_json("/auth/mfa/backup-code", &wrong).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(response).await, "invalid_code");
    }
    // The denial and four wrong codes are the five attempts the token takes.
    let response = p.app.post_json("/auth/mfa/backup-code", &wrong).await;
    assert_eq!(error_code(response).await, "invalid_mfa_token");
}

#[tokio::test]
async fn a_user_gets_ten_pushes_an_hour_at_most_over_every_sign_in() {
    let p = with_push().await;
    let mut sent = 0;
    let refused = loop {
        let mfa_token = p.mfa_token().await;
        let mut answer = None;
        for _ in 0..3 {
            let response = p.push(&mfa_token).await;
            if response.status() != StatusCode::ACCEPTED {
                answer = Some(response);
                break;
            }
            sent += 1;
        }
        if let Some(response) = answer {
            break response;
        }
    };
    assert_eq!(sent, 10);
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn answers_and_polls_that_do_not_fit_are_refused_with_a_4xx() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    let (challenge, _) = p.pushed(&mfa_token).await;
    for body in [
        json!({"approve": true, "number": 300}),
        json!({"number": 12}),
        json!({}),
    ] {
        let refused = p
            .answer(&p.phone.credential, &challenge, body.clone())
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(refused).await, "invalid_request");
    }
    let no_token = p
        .app
        .api
        .get(p.app.url(&format!("/auth/mfa/push/{challenge}")))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::BAD_REQUEST);
    let malformed = p.poll("not-a-challenge", &mfa_token).await;
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        p.poll(&challenge, &mfa_token).await.status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn five_phones_at_most_each_listed_by_name() {
    let p = with_push().await;
    for _ in 0..4 {
        let more = register(&p.app, &p.session, "apns", &apns_token()).await;
        assert_eq!(more.status(), StatusCode::CREATED);
    }
    let sixth = register(&p.app, &p.session, "apns", &apns_token()).await;
    assert_eq!(sixth.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(sixth).await, "too_many_devices");
    let summary: Value = p.app.get("/mfa", &p.session).await.json().await.unwrap();
    let devices = summary["push_devices"].as_array().unwrap();
    assert_eq!(devices.len(), 5);
    assert!(
        devices
            .iter()
            .all(|d| d["name"] == "Sam's phone" && d["platform"] == "apns")
    );
}

#[tokio::test]
async fn a_firm_requiring_mfa_keeps_the_last_factor() {
    let p = with_push().await;
    let admin = p.app.seed_firm_user_in(&p.user, Role::Admin).await;
    let admin_session = p.app.password_sign_in(&admin.email).await;
    // An administrator's own factors are theirs to remove, with their password.
    let own = p
        .app
        .api
        .delete(p.app.url(&format!("/firm/users/{}/mfa", admin.id)))
        .bearer_auth(&admin_session)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
    let required = p
        .app
        .api
        .put(p.app.url("/firm/settings"))
        .bearer_auth(&admin_session)
        .json(&json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(required.status(), StatusCode::OK);
    let removed = p
        .app
        .api
        .delete(p.app.url("/mfa/push"))
        .bearer_auth(&p.session)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(removed).await, "mfa_required");
    let summary: Value = p.app.get("/mfa", &p.session).await.json().await.unwrap();
    assert_eq!(summary["methods"], json!(["push", "backup_code"]));
}

#[tokio::test]
async fn the_dev_inbox_shows_a_push_as_the_phone_would_with_the_apps_data() {
    let p = with_push().await;
    let mfa_token = p.mfa_token().await;
    let (challenge, _) = p.pushed(&mfa_token).await;

    let inbox = p
        .app
        .api
        .get(p.app.page_url("/_dev/inbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(inbox.status(), StatusCode::OK);
    let page = inbox.text().await.unwrap();
    let shown = page
        .split("<article>")
        .find(|push| push.contains(&p.phone.token))
        .expect("the push to this phone");
    // The alert as its own paragraph (not the raw message), and the app's data.
    assert!(shown.contains("<p>Approve a sign-in"), "{shown}");
    assert!(shown.contains(&challenge), "{shown}");
    assert!(shown.contains("choices"), "{shown}");
}
