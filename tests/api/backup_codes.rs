//! Backup codes and the user's own view of their second factors.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{FIRM_PASSWORD, error_code};
use crate::totp::{Enrolled, enrolled};

async fn with_backup_code(e: &Enrolled, code: &str) -> reqwest::Response {
    let token = e.mfa_token().await;
    e.app
        .post_json(
            "/auth/mfa/backup-code",
            &json!({"mfa_token": token, "code": code}),
        )
        .await
}

#[tokio::test]
async fn a_backup_code_signs_in_once() {
    let e = enrolled().await;
    let code = e.backup_codes[0].to_lowercase().replace('-', "");
    let first = with_backup_code(&e, &code).await;
    assert_eq!(first.status(), StatusCode::OK);
    let again = with_backup_code(&e, &e.backup_codes[0]).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(again).await, "invalid_code");

    let summary: Value = e.app.get("/mfa", &e.session).await.json().await.unwrap();
    assert_eq!(summary["backup_codes_left"], 9);
    assert_eq!(summary["methods"], json!(["totp", "backup_code"]));
}

#[tokio::test]
async fn of_concurrent_sign_ins_with_one_backup_code_one_succeeds() {
    let e = enrolled().await;
    let mut tokens = Vec::new();
    for _ in 0..8 {
        tokens.push(e.mfa_token().await);
    }
    let code = &e.backup_codes[3];
    let bodies: Vec<Value> = tokens
        .iter()
        .map(|token| json!({"mfa_token": token, "code": code}))
        .collect();
    let attempts = bodies
        .iter()
        .map(|body| e.app.post_json("/auth/mfa/backup-code", body));
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|response| response.status())
        .collect();
    let successes = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(successes, 1, "{statuses:?}");
}

#[tokio::test]
async fn a_new_set_voids_the_old_one_and_needs_the_password() {
    let e = enrolled().await;
    let wrong = e
        .app
        .post_as(
            "/mfa/backup-codes",
            &e.session,
            &json!({"password": "wrong wrong wrong"}),
        )
        .await;
    assert_eq!(error_code(wrong).await, "invalid_credentials");
    let response = e
        .app
        .post_as(
            "/mfa/backup-codes",
            &e.session,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let fresh: Vec<String> = body["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fresh.len(), 10);
    let old = with_backup_code(&e, &e.backup_codes[1]).await;
    assert_eq!(error_code(old).await, "invalid_code");
    let new = with_backup_code(&e, &fresh[0]).await;
    assert_eq!(new.status(), StatusCode::OK);
}

#[tokio::test]
async fn removing_the_app_turns_mfa_off_with_its_backup_codes() {
    let e = enrolled().await;
    let response = e
        .app
        .api
        .delete(e.app.url("/mfa/totp"))
        .bearer_auth(&e.session)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let summary: Value = e.app.get("/mfa", &e.session).await.json().await.unwrap();
    assert_eq!(
        summary,
        json!({"mfa_enabled": false, "methods": [], "backup_codes_left": 0, "push_devices": []})
    );
    let session = e.app.password_sign_in(&e.email).await;
    assert!(!session.is_empty(), "the password alone signs in again");
    assert!(
        e.app
            .audit_kinds(
                portcullis::domain::UserId::parse(
                    e.app.get_me(&session).await.json::<Value>().await.unwrap()["id"]
                        .as_str()
                        .unwrap()
                )
                .unwrap()
            )
            .await
            .contains(&"mfa_removed".to_owned())
    );

    let missing = e
        .app
        .api
        .delete(e.app.url("/mfa/totp"))
        .bearer_auth(&session)
        .json(&json!({"password": FIRM_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_administrator_turns_a_users_mfa_off_and_the_user_is_told() {
    let e = enrolled().await;
    let me: Value = e.app.get_me(&e.session).await.json().await.unwrap();
    let user_id = me["id"].as_str().unwrap().to_owned();
    let admin = {
        let user = portcullis::domain::UserId::parse(&user_id).unwrap();
        let firm = e.app.store_user(user).await.firm_id;
        e.app
            .seed_firm_user_in(
                &crate::helpers::TestClient {
                    id: user,
                    email: e.email.clone(),
                    firm,
                },
                portcullis::domain::Role::Admin,
            )
            .await
    };
    let admin_session = e.app.password_sign_in(&admin.email).await;
    let users: Value = e
        .app
        .get("/firm/users", &admin_session)
        .await
        .json()
        .await
        .unwrap();
    let listed = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == user_id.as_str())
        .unwrap();
    assert_eq!(listed["mfa_enabled"], true);
    let path = format!("/firm/users/{user_id}/mfa");
    let by_user = e
        .app
        .api
        .delete(e.app.url(&path))
        .bearer_auth(&e.session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_user.status(),
        StatusCode::FORBIDDEN,
        "staff are not administrators"
    );

    let response = e
        .app
        .api
        .delete(e.app.url(&path))
        .bearer_auth(&admin_session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        e.app.get_me(&e.session).await.status(),
        StatusCode::UNAUTHORIZED,
        "every session of the user ended"
    );
    let emails = e.app.emails_to(&e.email).await;
    assert_eq!(
        emails.last().unwrap().subject,
        "Two-step sign-in was turned off on your account"
    );
    let session = e.app.password_sign_in(&e.email).await;
    let summary: Value = e.app.get("/mfa", &session).await.json().await.unwrap();
    assert_eq!(summary["mfa_enabled"], false);
    assert_eq!(summary["backup_codes_left"], 0);
    let user = portcullis::domain::UserId::parse(&user_id).unwrap();
    assert!(
        e.app
            .audit_kinds(user)
            .await
            .contains(&"mfa_removed".to_owned())
    );
}
