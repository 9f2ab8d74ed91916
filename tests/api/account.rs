//! The signed-in user's account: profile, cases and language.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{error_code, spawn_app, token_in};

#[tokio::test]
async fn me_shows_the_profile_and_every_case_of_the_client() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    let response = app.get_me(&session).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["id"], client.id.to_string());
    assert_eq!(me["email"], client.email);
    assert_eq!(me["name"], "Casey Client");
    assert_eq!(me["role"], "client");
    assert_eq!(me["language"], "en");
    let titles: Vec<&str> = me["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Doe v. Roe", "Estate of Doe"]);
    assert!(
        me["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|case| case["id"].is_string())
    );
}

#[tokio::test]
async fn a_language_change_shows_in_the_profile_and_in_the_next_email() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    let response = app
        .api
        .put(app.url("/me/language"))
        .bearer_auth(&session)
        .json(&json!({ "language": "fr" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["language"], "fr");
    assert_eq!(me["cases"].as_array().unwrap().len(), 2);

    app.request_link(&client.email).await;
    let emails = app.emails_to(&client.email).await;
    let latest = emails.last().unwrap();
    assert_eq!(latest.subject, "Votre lien de connexion sécurisé");
    assert!(latest.body.contains("valable 1 heure"));
    assert!(latest.body.contains("lang=\"fr\""));
    assert_eq!(token_in(&latest.body, &app.address).len(), 43);
    assert!(
        app.audit_kinds(client.id)
            .await
            .contains(&"language_changed".to_owned())
    );
}

#[tokio::test]
async fn an_unsupported_language_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let session = app.sign_in(&client.email).await;

    for (body, code) in [
        (json!({ "language": "de" }), "unsupported_language"),
        (json!({ "language": "" }), "unsupported_language"),
        (json!({ "lang": "fr" }), "invalid_request"),
    ] {
        let response = app
            .api
            .put(app.url("/me/language"))
            .bearer_auth(&session)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(response).await, code);
    }
    let me: Value = app.get_me(&session).await.json().await.unwrap();
    assert_eq!(me["language"], "en");
}

#[tokio::test]
async fn changing_the_language_needs_a_session() {
    let app = spawn_app().await;

    let response = app
        .api
        .put(app.url("/me/language"))
        .json(&json!({ "language": "fr" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "unauthorized");
}
