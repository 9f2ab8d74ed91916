//! Administrators list and invite the firm users of their own firm.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, error_code, link_token_in, spawn_app, unique_email};

async fn invite(app: &TestApp, session: &str, body: &Value) -> reqwest::Response {
    app.api
        .post(app.url("/firm/users"))
        .bearer_auth(session)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invited_firm_user_chooses_a_password_with_the_72_hour_link_and_signs_in() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;
    let email = unique_email("noor");

    let response = invite(
        &app,
        &session,
        &json!({"email": email, "name": "Noor Lawyer", "role": "staff", "language": "fr"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["role"], "staff");
    assert_eq!(created["language"], "fr");

    let invitation = app.emails_to(&email).await.pop().expect("an invitation");
    assert!(invitation.subject.contains("Example LLP"));
    assert!(
        invitation.body.contains("72 heures"),
        "in the invitee's language"
    );
    let token = link_token_in(&invitation.body, &app.address, "/auth/reset");

    app.clock.advance(Duration::hours(71));
    let set = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": token, "new_password": "violet tractor mandolin sleet"}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    let signed_in = app
        .post_json(
            "/auth/password",
            &json!({"email": email, "password": "violet tractor mandolin sleet"}),
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_invitation_link_dies_after_72_hours() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;
    let email = unique_email("late");
    invite(
        &app,
        &session,
        &json!({"email": email, "name": "Late Comer", "role": "admin", "language": "en"}),
    )
    .await;
    let invitation = app.emails_to(&email).await.pop().unwrap();
    let token = link_token_in(&invitation.body, &app.address, "/auth/reset");

    app.clock.advance(Duration::hours(72));
    let late = app
        .post_json(
            "/auth/password/reset",
            &json!({"token": token, "new_password": "violet tractor mandolin sleet"}),
        )
        .await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert_eq!(error_code(late).await, "reset_link_expired");
}

#[tokio::test]
async fn the_list_shows_the_firms_own_firm_users_only() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    app.seed_client_in(&admin).await;
    let elsewhere = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&admin.email).await;

    let response = app
        .api
        .get(app.url("/firm/users"))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let emails: Vec<&str> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(emails.contains(&admin.email.as_str()) && emails.contains(&staff.email.as_str()));
    assert!(!emails.contains(&elsewhere.email.as_str()));
    let first = &body["users"][0];
    assert_eq!(first["mfa_enabled"], false);
    assert_eq!(first["password_set"], true);
    assert_eq!(first["password_expires_at"], Value::Null);
}

#[tokio::test]
async fn bad_invitations_are_refused_with_their_own_codes() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;

    for (body, status, code) in [
        (
            json!({"email": "nope", "name": "N", "role": "staff", "language": "en"}),
            StatusCode::BAD_REQUEST,
            "invalid_email",
        ),
        (
            json!({"email": unique_email("c"), "name": "N", "role": "client", "language": "en"}),
            StatusCode::BAD_REQUEST,
            "invalid_role",
        ),
        (
            json!({"email": unique_email("d"), "name": "N", "role": "staff", "language": "de"}),
            StatusCode::BAD_REQUEST,
            "unsupported_language",
        ),
        (
            json!({"email": unique_email("e"), "name": " ", "role": "staff", "language": "en"}),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"email": admin.email, "name": "Twin", "role": "staff", "language": "en"}),
            StatusCode::CONFLICT,
            "email_taken",
        ),
    ] {
        let response = invite(&app, &session, &body).await;
        assert_eq!(response.status(), status, "{body}");
        assert_eq!(error_code(response).await, code);
    }
}

#[tokio::test]
async fn only_administrators_list_or_invite() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    let session = app.password_sign_in(&staff.email).await;

    let list = app
        .api
        .get(app.url("/firm/users"))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::FORBIDDEN);
    let email = unique_email("sneaky");
    let created = invite(
        &app,
        &session,
        &json!({"email": email, "name": "S", "role": "admin", "language": "en"}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::FORBIDDEN);
    assert!(app.emails_to(&email).await.is_empty());
}
