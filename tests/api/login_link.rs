//! Passwordless sign-in: requesting and redeeming one-time login links.

use std::time::Instant;

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    RESPONSE_FLOOR, error_code, spawn_app, spawn_app_with, token_in, unique_email,
};

#[tokio::test]
async fn a_client_signs_in_with_the_link_from_their_email() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    let response = app.request_link(&client.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("1 hour"));

    let emails = app.emails_to(&client.email).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Your secure sign-in link");
    assert!(emails[0].body.contains("valid for 1 hour"));
    let token = token_in(&emails[0].body, &app.address);
    assert_eq!(token.len(), 43, "256 bits of unpadded base64url");

    let response = app.verify(&token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    let session = body["session_token"].as_str().unwrap();
    assert_eq!(session.len(), 43);
    assert!(cookie.starts_with(&format!(
        "session={session}; HttpOnly; Secure; SameSite=Strict; Path=/"
    )));
    let expires_at = time::OffsetDateTime::parse(
        body["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires_at, app.clock_now() + Duration::hours(12));
    assert_eq!(
        body["user"],
        json!({
            "id": client.id.to_string(),
            "email": client.email,
            "name": "Casey Client",
            "role": "client",
            "language": "en",
        })
    );

    let me = app.get_me(session).await;
    assert_eq!(me.status(), StatusCode::OK);
    let audit = app.audit_kinds(client.id).await;
    for kind in ["login_link_issued", "login_link_used", "signed_in"] {
        assert!(audit.iter().any(|k| k == kind), "{kind} in {audit:?}");
    }
}

#[tokio::test]
async fn a_used_login_link_cannot_be_used_again() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let token = app.link_token_for(&client.email).await;

    assert_eq!(app.verify(&token).await.status(), StatusCode::OK);
    let again = app.verify(&token).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert_eq!(error_code(again).await, "login_link_expired");
}

#[tokio::test]
async fn a_link_still_works_in_the_last_second_of_its_hour() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let token = app.link_token_for(&client.email).await;

    app.clock.advance(Duration::seconds(3599));
    assert_eq!(app.verify(&token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_link_is_refused_one_hour_and_one_second_after_it_was_sent_though_it_is_still_stored() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let token = app.link_token_for(&client.email).await;

    app.clock.advance(Duration::seconds(3601));
    let response = app.verify(&token).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(error_code(response).await, "login_link_expired");

    let dump = app.table_dump().await;
    assert!(
        dump.contains("LOGINLINK#"),
        "the expired link is still in the table"
    );
    assert!(!dump.contains("used_at"), "and it was not consumed");
}

#[tokio::test]
async fn of_twenty_concurrent_redemptions_of_one_link_exactly_one_signs_in() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let token = app.link_token_for(&client.email).await;

    let attempts = (0..20).map(|_| app.verify(&token));
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|response| response.status())
        .collect();

    let signed_in = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::GONE).count();
    assert_eq!((signed_in, refused), (1, 19), "{statuses:?}");
    let sessions = app.table_dump().await.matches("SESSION#").count();
    assert_eq!(
        sessions, 2,
        "one session item (its pk and gsi1sk both name it)"
    );
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_and_nothing_is_sent() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let stranger = unique_email("stranger");

    let known = app.request_link(&client.email).await;
    let unknown = app.request_link(&stranger).await;

    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(app.emails_to(&stranger).await.is_empty());
}

#[tokio::test]
async fn known_and_unknown_emails_are_both_answered_no_sooner_than_the_response_floor() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    for email in [client.email.clone(), unique_email("stranger")] {
        let started = Instant::now();
        assert_eq!(
            app.request_link(&email).await.status(),
            StatusCode::ACCEPTED
        );
        assert!(
            started.elapsed() >= RESPONSE_FLOOR,
            "{email} was answered early"
        );
    }
}

#[tokio::test]
async fn firm_users_get_no_login_link_only_clients_do() {
    let app = spawn_app().await;
    let admin = app.seed_user(Role::Admin).await;

    assert_eq!(
        app.request_link(&admin.email).await.status(),
        StatusCode::ACCEPTED
    );
    assert!(app.emails_to(&admin.email).await.is_empty());
}

#[tokio::test]
async fn the_email_is_matched_whatever_its_case_and_surrounding_spaces() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    let shouted = format!("  {}  ", client.email.to_uppercase());
    assert_eq!(
        app.request_link(&shouted).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(app.emails_to(&client.email).await.len(), 1);
}

#[tokio::test]
async fn malformed_requests_are_refused_with_400() {
    let app = spawn_app().await;

    for email in [
        "",
        "not-an-email",
        "casey@",
        "a@b@c",
        "casey@example.com\r\nBcc: x@y.com",
    ] {
        let response = app.request_link(email).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{email:?}");
        assert_eq!(error_code(response).await, "invalid_email");
    }
    for (path, body) in [
        ("/auth/login-link", "not json"),
        ("/auth/login-link", "{}"),
        ("/auth/login-link", r#"{"email": 42}"#),
        ("/auth/login-link/verify", "{\"token\":"),
        ("/auth/login-link/verify", r#"{"token": null}"#),
    ] {
        let response = app.post_raw(path, body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {body}");
        assert_eq!(error_code(response).await, "invalid_request");
    }
}

#[tokio::test]
async fn a_token_that_was_never_issued_is_gone_like_a_used_one() {
    let app = spawn_app().await;

    for token in [
        "A".repeat(43),
        "short".into(),
        "!".repeat(43),
        String::new(),
    ] {
        let response = app.verify(&token).await;
        assert_eq!(response.status(), StatusCode::GONE, "{token:?}");
        assert_eq!(error_code(response).await, "login_link_expired");
    }
}

#[tokio::test]
async fn too_many_requests_for_one_email_get_429_until_the_window_ends() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    for _ in 0..5 {
        assert_eq!(
            app.request_link(&client.email).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let limited = app.request_link(&client.email).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(error_code(limited).await, "rate_limited");
    assert_eq!(app.emails_to(&client.email).await.len(), 5);

    app.clock.advance(Duration::seconds(retry_after));
    assert_eq!(
        app.request_link(&client.email).await.status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn too_many_requests_from_one_address_get_429_whatever_the_email() {
    let app = spawn_app_with(&[("LOGIN_LINK_LIMIT_PER_IP", "3")]).await;

    for _ in 0..3 {
        let response = app.request_link(&unique_email("spray")).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let limited = app.request_link(&unique_email("spray")).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(error_code(limited).await, "rate_limited");
}

#[tokio::test]
async fn the_table_never_holds_a_raw_login_or_session_token() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    let link_token = app.link_token_for(&client.email).await;
    let response = app.verify(&link_token).await;
    let body: Value = response.json().await.unwrap();
    let session_token = body["session_token"].as_str().unwrap();

    let dump = app.table_dump().await;
    assert!(dump.contains("LOGINLINK#") && dump.contains("SESSION#"));
    assert!(!dump.contains(&link_token), "the login token is stored raw");
    assert!(
        !dump.contains(session_token),
        "the session token is stored raw"
    );
}

#[tokio::test]
async fn opening_the_link_page_does_not_spend_the_token() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let token = app.link_token_for(&client.email).await;

    for _ in 0..3 {
        let page = app
            .api
            .get(app.page_url(&format!("/auth/verify?token={token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert!(page.text().await.unwrap().contains("<div id=\"app\">"));
    }
    // Only the page's POST (made by the app's script) spends the token.
    assert_eq!(app.verify(&token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_login_link_never_signs_in_a_firm_user() {
    let app = spawn_app().await;
    let lawyer = app.seed_firm_user(portcullis::domain::Role::Staff).await;
    let user = app.store_user(lawyer.id).await;
    // However a firm user came by a link (none is ever sent to one), it is refused:
    // their sign-in takes their password and second factor.
    let url = portcullis::sign_in::login_link::sign_in_url(&app.services, &user, None)
        .await
        .unwrap();
    let token = url.split("token=").nth(1).unwrap();
    let response = app.verify(token).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(error_code(response).await, "login_link_expired");
}
