//! Sessions: how the authorizer recognises them, and how they end.

use reqwest::StatusCode;
use serde_json::Value;
use time::Duration;

use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn no_or_a_bad_session_gets_401_unauthorized() {
    let app = spawn_app().await;

    let anonymous = app.api.get(app.url("/me")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(anonymous).await, "unauthorized");
    for token in ["A".repeat(43), "garbage".into()] {
        let response = app.get_me(&token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token}");
        assert_eq!(error_code(response).await, "unauthorized");
    }
}

#[tokio::test]
async fn the_session_cookie_works_as_well_as_the_bearer_header() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    let response = app
        .api
        .get(app.url("/me"))
        .header("cookie", format!("theme=dark; session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn logging_out_revokes_the_session_on_the_server() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    let response = app
        .api
        .post(app.url("/auth/logout"))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.starts_with("session=;") && cleared.contains("Max-Age=0"));

    let after = app.get_me(&session).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert!(!app.table_dump().await.contains("SESSION#"));
    assert!(
        app.audit_kinds(client.id)
            .await
            .contains(&"signed_out".to_owned())
    );
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        app.get_me(&session).await.status(),
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance(Duration::minutes(30));
    assert_eq!(
        app.get_me(&session).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_active() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    for _ in 0..24 {
        app.clock.advance(Duration::minutes(29));
        assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(24));
    let response = app.get_me(&session).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_token() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    let first = app.sign_in(&client.email).await;
    let second = app.sign_in(&client.email).await;
    assert_ne!(first, second);
    for session in [&first, &second] {
        let me: Value = app.get_me(session).await.json().await.unwrap();
        assert_eq!(me["id"], client.id.to_string());
    }
}
