//! A change of a user's credentials ends what was issued against the old ones:
//! reset links, password-change tokens, `mfa_token`s, enrolment sessions and
//! push challenges (sessions end too, as the other tests show).

use portcullis::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{FIRM_PASSWORD, TestApp, TestClient, error_code, link_token_in, spawn_app};
use crate::push::{apns_token, register};

const NEW_PASSWORD: &str = "violet tractor mandolin sleet";

/// Requests a password reset for `email`; the token of the emailed link.
async fn reset_link(app: &TestApp, email: &str) -> String {
    let response = app
        .post_json("/auth/password/reset-request", &json!({ "email": email }))
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let email = app.emails_to(email).await.pop().expect("the reset email");
    link_token_in(&email.body, &app.address, "/auth/reset")
}

async fn reset(app: &TestApp, token: &str, new: &str) -> Response {
    app.post_json(
        "/auth/password/reset",
        &json!({ "token": token, "new_password": new }),
    )
    .await
}

/// What a user with a phone for push approval holds at one moment: a reset
/// link, a sign-in waiting for its second step, and a push asked for by it.
struct Outstanding {
    reset_link: String,
    mfa_token: String,
    push: String,
    number: u64,
}

struct PushUser {
    user: TestClient,
    session: String,
    device_credential: String,
}

async fn push_user(app: &TestApp, admin: &TestClient) -> PushUser {
    let user = app.seed_firm_user_in(admin, Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let response = register(app, &session, "apns", &apns_token()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    PushUser {
        user,
        session,
        device_credential: body["device_credential"].as_str().unwrap().to_owned(),
    }
}

async fn outstanding(app: &TestApp, user: &TestClient) -> Outstanding {
    let reset_link = reset_link(app, &user.email).await;
    let answer = app.password_answer(&user.email).await;
    let mfa_token = answer["mfa_token"]
        .as_str()
        .expect("an mfa_token")
        .to_owned();
    let pushed = app
        .post_json("/auth/mfa/push", &json!({"mfa_token": mfa_token}))
        .await;
    assert_eq!(pushed.status(), StatusCode::ACCEPTED);
    let pushed: Value = pushed.json().await.unwrap();
    Outstanding {
        reset_link,
        mfa_token,
        push: pushed["challenge_id"].as_str().unwrap().to_owned(),
        number: pushed["number"].as_u64().unwrap(),
    }
}

/// Everything `held` holds is dead: the link, the sign-in and its push.
async fn assert_ended(app: &TestApp, who: &PushUser, held: &Outstanding, change: &str) {
    let link = reset(app, &held.reset_link, "a whole new passphrase here").await;
    assert_eq!(link.status(), StatusCode::GONE, "{change}: the reset link");
    assert_eq!(error_code(link).await, "reset_link_expired", "{change}");

    let second_step = app
        .post_json(
            "/auth/mfa/backup-code",
            &json!({"mfa_token": held.mfa_token, "code": "0000-0000-0000"}),
        )
        .await;
    assert_eq!(
        error_code(second_step).await,
        "invalid_mfa_token",
        "{change}"
    );
    let push = app
        .post_json("/auth/mfa/push", &json!({"mfa_token": held.mfa_token}))
        .await;
    assert_eq!(error_code(push).await, "invalid_mfa_token", "{change}");

    let answer = app
        .post_as(
            &format!("/mfa/push/challenges/{}", held.push),
            &who.device_credential,
            &json!({"approve": true, "number": held.number}),
        )
        .await;
    let code = error_code(answer).await;
    // A change that removed the phones leaves it no credential at all.
    assert!(
        code == "push_expired" || code == "invalid_device_credential",
        "{change}: the push answered {code}"
    );
    let poll = app
        .api
        .get(app.url(&format!("/auth/mfa/push/{}", held.push)))
        .query(&[("mfa_token", held.mfa_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(poll).await, "invalid_mfa_token", "{change}");
}

#[tokio::test]
async fn every_kind_of_credential_change_ends_links_sign_ins_and_pushes_issued_before_it() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let admin_session = app.password_sign_in(&admin.email).await;

    // The user's own password change.
    let who = push_user(&app, &admin).await;
    let held = outstanding(&app, &who.user).await;
    let changed = app
        .post_as(
            "/auth/password/change",
            &who.session,
            &json!({"current_password": FIRM_PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_ended(&app, &who, &held, "a password change").await;

    // A reset with another link.
    let who = push_user(&app, &admin).await;
    let held = outstanding(&app, &who.user).await;
    let other = reset_link(&app, &who.user.email).await;
    assert_eq!(
        reset(&app, &other, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_ended(&app, &who, &held, "a reset").await;

    // A change forced by an administrator.
    let who = push_user(&app, &admin).await;
    let held = outstanding(&app, &who.user).await;
    let forced = app
        .post_as(
            &format!("/firm/users/{}/force-password-change", who.user.id),
            &admin_session,
            &json!({}),
        )
        .await;
    assert_eq!(forced.status(), StatusCode::NO_CONTENT);
    assert_ended(&app, &who, &held, "a forced change").await;

    // A change of second factors: a new set of backup codes.
    let who = push_user(&app, &admin).await;
    let held = outstanding(&app, &who.user).await;
    let codes = app
        .post_as(
            "/mfa/backup-codes",
            &who.session,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(codes.status(), StatusCode::OK);
    assert_ended(&app, &who, &held, "new backup codes").await;

    // An administrator turning the user's MFA off.
    let who = push_user(&app, &admin).await;
    let held = outstanding(&app, &who.user).await;
    let off = app
        .api
        .delete(app.url(&format!("/firm/users/{}/mfa", who.user.id)))
        .bearer_auth(&admin_session)
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    assert_ended(&app, &who, &held, "MFA turned off").await;

    // An approved recovery.
    let who = push_user(&app, &admin).await;
    let started = app
        .post_as(
            &format!("/firm/users/{}/recovery", who.user.id),
            &admin_session,
            &json!({}),
        )
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let recovery: Value = started.json().await.unwrap();
    let email = app.emails_to(&who.user.email).await.pop().unwrap();
    let link = link_token_in(&email.body, &app.address, "/recovery");
    let held = outstanding(&app, &who.user).await;
    let submitted = app
        .api
        .post(app.url(&format!("/recovery/{link}/submit")))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), StatusCode::ACCEPTED);
    let decided = app
        .post_as(
            &format!(
                "/firm/recoveries/{}/decision",
                recovery["recovery_id"].as_str().unwrap()
            ),
            &admin_session,
            &json!({"approved": true}),
        )
        .await;
    assert_eq!(decided.status(), StatusCode::NO_CONTENT);
    assert_ended(&app, &who, &held, "a recovery").await;
}

async fn force(app: &TestApp, admin_session: &str, user: &TestClient) {
    let forced = app
        .post_as(
            &format!("/firm/users/{}/force-password-change", user.id),
            admin_session,
            &json!({}),
        )
        .await;
    assert_eq!(forced.status(), StatusCode::NO_CONTENT);
}

/// The token a forced user's sign-in hands out instead of a session.
async fn change_token(app: &TestApp, email: &str) -> String {
    let answer = app.password_answer(email).await;
    assert_eq!(answer["error"]["code"], "password_change_required");
    answer["error"]["password_change_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn change_with(app: &TestApp, token: &str) -> Response {
    app.post_json(
        "/auth/password/change",
        &json!({"password_change_token": token, "new_password": NEW_PASSWORD}),
    )
    .await
}

#[tokio::test]
async fn a_password_change_token_dies_with_a_reset_or_another_forced_change_and_ends_reset_links() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let admin_session = app.password_sign_in(&admin.email).await;

    let user = app.seed_firm_user_in(&admin, Role::Staff).await;
    force(&app, &admin_session, &user).await;
    let token = change_token(&app, &user.email).await;
    let link = reset_link(&app, &user.email).await;
    assert_eq!(
        reset(&app, &link, "a passphrase of its own").await.status(),
        StatusCode::NO_CONTENT
    );
    let late = change_with(&app, &token).await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert_eq!(error_code(late).await, "password_change_token_expired");

    let user = app.seed_firm_user_in(&admin, Role::Staff).await;
    force(&app, &admin_session, &user).await;
    let token = change_token(&app, &user.email).await;
    force(&app, &admin_session, &user).await;
    let late = change_with(&app, &token).await;
    assert_eq!(error_code(late).await, "password_change_token_expired");

    // And the forced (or expired) password replaced with the token ends a reset
    // link asked for before.
    let user = app.seed_firm_user_in(&admin, Role::Staff).await;
    force(&app, &admin_session, &user).await;
    let link = reset_link(&app, &user.email).await;
    let token = change_token(&app, &user.email).await;
    assert_eq!(
        change_with(&app, &token).await.status(),
        StatusCode::NO_CONTENT
    );
    let late = reset(&app, &link, "a passphrase of its own").await;
    assert_eq!(error_code(late).await, "reset_link_expired");
}

#[tokio::test]
async fn an_enrolment_session_dies_with_a_password_reset() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let admin_session = app.password_sign_in(&admin.email).await;
    let required = app
        .api
        .put(app.url("/firm/settings"))
        .bearer_auth(&admin_session)
        .json(&json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(required.status(), StatusCode::OK);
    let user = app.seed_firm_user_in(&admin, Role::Staff).await;
    let answer = app.password_answer(&user.email).await;
    let enrolment = answer["enrollment_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/mfa", &enrolment).await.status(), StatusCode::OK);

    let link = reset_link(&app, &user.email).await;
    assert_eq!(
        reset(&app, &link, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/mfa", &enrolment).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let enrolling = app
        .post_as(
            "/mfa/totp/enroll",
            &enrolment,
            &json!({"password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(enrolling.status(), StatusCode::UNAUTHORIZED);
}
