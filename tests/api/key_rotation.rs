//! Rotating the server key: while Secrets Manager holds the previous value at
//! `AWSPREVIOUS`, what was issued under it still works in functions started after
//! the rotation, and everything new is under the new key alone.

use aws_sdk_secretsmanager::Client;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::totp::{Enrolled, enrolled};

/// Puts a new value on the app's server-key secret, as the deploy guide's rotation
/// does; Secrets Manager moves the old one to `AWSPREVIOUS`.
async fn rotate(app: &TestApp) {
    let new_key = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    Client::new(&app.sdk)
        .put_secret_value()
        .secret_id(&app.config.server_key_secret_id)
        .secret_string(new_key)
        .send()
        .await
        .expect("PutSecretValue");
}

/// Ends the rotation: the previous value loses its `AWSPREVIOUS` label.
async fn retire_previous(app: &TestApp) {
    let secrets = Client::new(&app.sdk);
    let secret_id = &app.config.server_key_secret_id;
    let previous = secrets
        .get_secret_value()
        .secret_id(secret_id)
        .version_stage("AWSPREVIOUS")
        .send()
        .await
        .expect("the previous value");
    secrets
        .update_secret_version_stage()
        .secret_id(secret_id)
        .version_stage("AWSPREVIOUS")
        .remove_from_version_id(previous.version_id().expect("a version id"))
        .send()
        .await
        .expect("UpdateSecretVersionStage");
}

async fn totp_sign_in(e: &Enrolled, code: &str) -> reqwest::Response {
    let token = e.mfa_token().await;
    e.app
        .post_json(
            "/auth/mfa/totp",
            &json!({"mfa_token": token, "code": code, "keep_me_logged_in": false}),
        )
        .await
}

#[tokio::test]
async fn sessions_links_apps_and_backup_codes_from_before_a_rotation_work_after_it_until_it_ends() {
    let e = enrolled().await;
    let client = e.app.seed_client().await;
    let old_session = e.app.sign_in(&client.email).await;
    let unused_link = e.app.link_token_for(&client.email).await;

    rotate(&e.app).await;
    let e = Enrolled {
        app: e.app.cold_started().await,
        ..e
    };

    assert_eq!(e.app.get_me(&old_session).await.status(), StatusCode::OK);
    let verified = e.app.verify(&unused_link).await;
    assert_eq!(verified.status(), StatusCode::OK);
    let body: serde_json::Value = verified.json().await.unwrap();
    let new_session = body["session_token"].as_str().unwrap().to_owned();
    assert_eq!(e.app.get_me(&new_session).await.status(), StatusCode::OK);
    // The authenticator secret sealed under the old key still opens.
    let totp = totp_sign_in(&e, &e.code_at_offset(0)).await;
    assert_eq!(totp.status(), StatusCode::OK);
    let backup = e
        .app
        .post_json(
            "/auth/mfa/backup-code",
            &json!({"mfa_token": e.mfa_token().await, "code": e.backup_codes[0]}),
        )
        .await;
    assert_eq!(backup.status(), StatusCode::OK);

    retire_previous(&e.app).await;
    let after = e.app.cold_started().await;
    assert_eq!(
        after.get_me(&old_session).await.status(),
        StatusCode::UNAUTHORIZED,
        "a session from before the rotation ends with it"
    );
    assert_eq!(
        after.get_me(&new_session).await.status(),
        StatusCode::OK,
        "one from during the rotation is under the new key"
    );
}

#[tokio::test]
async fn a_function_started_before_a_rotation_keeps_its_key_until_it_is_started_again() {
    let app = crate::helpers::spawn_app().await;
    let client = app.seed_client().await;
    rotate(&app).await;
    // Still warm, it has the old key as its only one: what it issues is under it.
    let session = app.sign_in(&client.email).await;
    let restarted = app.cold_started().await;
    assert_eq!(restarted.get_me(&session).await.status(), StatusCode::OK);
}
