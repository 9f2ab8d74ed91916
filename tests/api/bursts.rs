//! Every limit under a burst: 40 requests at once, as parallel Lambda instances
//! would get them. Each test counts how many attempts were evaluated (a password
//! checked, a code compared, a text or push sent, a phone registered) and finds
//! never more than the limit.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    FIRM_PASSWORD, TestApp, TestClient, burst, count, spawn_app, spawn_app_with, unique_email,
};
use crate::push::{apns_token, register};
use crate::sms::{enrol_phone, last_code, unique_phone};
use crate::totp::enrolled;

const BURST: usize = 40;

fn wrong_password(email: &str) -> Value {
    json!({"email": email, "password": "not the password at all"})
}

#[tokio::test]
async fn forty_wrong_passwords_at_once_are_checked_ten_times() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let answers = burst(
        (0..BURST).map(|_| app.post_request("/auth/password", None, &wrong_password(&user.email))),
    )
    .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_credentials"),
        10
    );
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        30
    );
    // Locked: even the right password waits.
    let locked = app
        .post_json(
            "/auth/password",
            &json!({"email": user.email, "password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn forty_wrong_passwords_from_one_address_are_checked_as_often_as_its_limit() {
    let app = spawn_app_with(&[("PASSWORD_FAILURES_PER_IP", "7")]).await;
    // Forty different addresses, none locked by itself: only the source's limit binds.
    let answers = burst((0..BURST).map(|_| {
        app.post_request(
            "/auth/password",
            None,
            &wrong_password(&unique_email("nobody")),
        )
    }))
    .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_credentials"),
        7
    );
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        33
    );
}

#[tokio::test]
async fn forty_wrong_passwords_typed_again_at_once_are_checked_ten_times() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let answers = burst((0..BURST).map(|_| {
        app.post_request(
            "/mfa/totp/enroll",
            Some(&session),
            &json!({"password": "not the password at all"}),
        )
    }))
    .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_credentials"),
        10
    );
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        30
    );
    // The user's own limit, not the email's: sign-in is not locked by it.
    let signing_in = app
        .post_json(
            "/auth/password",
            &json!({"email": user.email, "password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(signing_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn strangers_wrong_sign_ins_do_not_keep_a_signed_in_user_from_typing_their_password_again() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let answers = burst(
        (0..BURST).map(|_| app.post_request("/auth/password", None, &wrong_password(&user.email))),
    )
    .await;
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        30
    );
    let enrolling = app
        .post_as(
            "/mfa/totp/enroll",
            &session,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(enrolling.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_second_step_codes_stop_at_ten_per_user_over_every_sign_in_attempt() {
    let e = enrolled().await;
    let wrong = json!("0000-0000-0000");
    for _ in 0..2 {
        let token = e.mfa_token().await;
        let answers = burst((0..5).map(|_| {
            e.app.post_request(
                "/auth/mfa/backup-code",
                None,
                &json!({"mfa_token": token, "code": wrong}),
            )
        }))
        .await;
        assert_eq!(count(&answers, StatusCode::UNAUTHORIZED, "invalid_code"), 5);
    }
    // A fresh token is no fresh start: even the right code waits.
    let token = e.mfa_token().await;
    let late = e
        .app
        .post_json(
            "/auth/mfa/totp",
            &json!({"mfa_token": token, "code": e.code_at_offset(0)}),
        )
        .await;
    assert_eq!(late.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(late.headers().contains_key("retry-after"));
    e.app.clock.advance(Duration::minutes(15));
    let token = e.mfa_token().await;
    let later = e
        .app
        .post_json(
            "/auth/mfa/totp",
            &json!({"mfa_token": token, "code": e.code_at_offset(0)}),
        )
        .await;
    assert_eq!(later.status(), StatusCode::OK);
}

#[tokio::test]
async fn forty_new_sets_of_backup_codes_at_once_leave_one_set() {
    let e = enrolled().await;
    let answers = burst((0..BURST).map(|_| {
        e.app.post_request(
            "/mfa/backup-codes",
            Some(&e.session),
            &json!({"password": FIRM_PASSWORD}),
        )
    }))
    .await;
    assert!(count(&answers, StatusCode::OK, "") >= 1);
    assert!(answers.iter().all(|(status, code)| {
        *status == StatusCode::OK
            || (*status == StatusCode::CONFLICT && code == "mfa_changed")
            || (*status == StatusCode::TOO_MANY_REQUESTS && code == "rate_limited")
    }));
    let mfa: Value = e.app.get("/mfa", &e.session).await.json().await.unwrap();
    assert_eq!(mfa["backup_codes_left"], 10);
}

#[tokio::test]
async fn forty_wrong_authenticator_codes_at_once_are_compared_five_times() {
    let e = enrolled().await;
    let token = e.mfa_token().await;
    let right = e.code_at_offset(0);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let answers = burst((0..BURST).map(|_| {
        e.app.post_request(
            "/auth/mfa/totp",
            None,
            &json!({"mfa_token": token, "code": wrong}),
        )
    }))
    .await;
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED, "invalid_code"), 5);
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_mfa_token"),
        35
    );
    let late = e
        .app
        .post_json(
            "/auth/mfa/totp",
            &json!({"mfa_token": token, "code": right}),
        )
        .await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED, "the token is dead");
}

#[tokio::test]
async fn forty_wrong_backup_codes_at_once_are_compared_five_times() {
    let e = enrolled().await;
    let token = e.mfa_token().await;
    let answers = burst((0..BURST).map(|_| {
        e.app.post_request(
            "/auth/mfa/backup-code",
            None,
            &json!({"mfa_token": token, "code": "0000-0000-0000"}),
        )
    }))
    .await;
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED, "invalid_code"), 5);
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_mfa_token"),
        35
    );
}

#[tokio::test]
async fn a_right_code_sent_forty_times_at_once_signs_in_once_and_the_rest_find_the_token_spent() {
    let e = enrolled().await;
    for (path, code) in [
        ("/auth/mfa/totp", e.code_at_offset(0)),
        ("/auth/mfa/backup-code", e.backup_codes[0].clone()),
    ] {
        let token = e.mfa_token().await;
        let answers = burst((0..BURST).map(|_| {
            e.app
                .post_request(path, None, &json!({"mfa_token": token, "code": code}))
        }))
        .await;
        assert_eq!(count(&answers, StatusCode::OK, ""), 1, "{path}");
        // The same answer as a request after the sign-in: whoever lost the race
        // was not told the code was wrong.
        assert_eq!(
            count(&answers, StatusCode::UNAUTHORIZED, "invalid_mfa_token"),
            BURST - 1,
            "{path}"
        );
        e.app.clock.advance(Duration::seconds(30));
    }
}

/// A firm user with SMS codes on `phone`.
async fn user_with_phone(app: &TestApp, firm: Option<&TestClient>, phone: &str) -> TestClient {
    let user = match firm {
        Some(colleague) => app.seed_firm_user_in(colleague, Role::Staff).await,
        None => app.seed_firm_user(Role::Staff).await,
    };
    let session = app.password_sign_in(&user.email).await;
    enrol_phone(app, &session, phone).await;
    user
}

/// `n` fresh sign-in attempts (`mfa_token`s) of each of `users`, made ten at a
/// time per user: an attempt holds a slot of the account's limit of 10 while its
/// password is checked.
async fn mfa_tokens(app: &TestApp, users: &[&TestClient], n: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for batch in (0..n).collect::<Vec<_>>().chunks(10) {
        let emails: Vec<&str> = users
            .iter()
            .flat_map(|user| std::iter::repeat_n(user.email.as_str(), batch.len()))
            .collect();
        let answers =
            futures::future::join_all(emails.iter().map(|email| app.password_answer(email))).await;
        tokens.extend(
            answers
                .iter()
                .map(|body| body["mfa_token"].as_str().expect("an mfa_token").to_owned()),
        );
    }
    tokens
}

#[tokio::test]
async fn forty_wrong_texted_codes_at_once_are_compared_five_times() {
    let app = spawn_app().await;
    let phone = unique_phone();
    let user = user_with_phone(&app, None, &phone).await;
    let token = mfa_tokens(&app, &[&user], 1).await.remove(0);
    let sent = app
        .post_json("/auth/mfa/sms/send", &json!({"mfa_token": token}))
        .await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let right = last_code(&app, &phone).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let answers = burst((0..BURST).map(|_| {
        app.post_request(
            "/auth/mfa/sms",
            None,
            &json!({"mfa_token": token, "code": wrong}),
        )
    }))
    .await;
    assert_eq!(count(&answers, StatusCode::UNAUTHORIZED, "invalid_code"), 5);
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_mfa_token"),
        35
    );
}

#[tokio::test]
async fn forty_wrong_codes_at_once_for_a_new_phone_leave_its_code_dead_after_five() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let phone = unique_phone();
    let enrolling = app
        .post_as(
            "/mfa/sms/enroll",
            &session,
            &json!({"password": FIRM_PASSWORD, "phone": phone}),
        )
        .await;
    assert_eq!(enrolling.status(), StatusCode::ACCEPTED);
    let right = last_code(&app, &phone).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let answers =
        burst((0..BURST).map(|_| {
            app.post_request("/mfa/sms/confirm", Some(&session), &json!({"code": wrong}))
        }))
        .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED, "invalid_code"),
        BURST
    );
    // Its five tries went to the burst: the right code is no longer compared.
    let late = app
        .post_as("/mfa/sms/confirm", &session, &json!({"code": right}))
        .await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forty_texts_asked_for_at_once_send_ten_to_one_user() {
    let app = spawn_app().await;
    let phone = unique_phone();
    let user = user_with_phone(&app, None, &phone).await;
    // A new hour: the enrolment's text counted in the last one.
    app.clock.advance(Duration::HOUR);
    let tokens = mfa_tokens(&app, &[&user], BURST).await;
    let answers =
        burst((0..BURST).map(|i| {
            app.post_request("/auth/mfa/sms/send", None, &json!({"mfa_token": tokens[i]}))
        }))
        .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED, ""), 10);
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        30
    );
    assert_eq!(
        app.sms_to(&phone).await.len(),
        1 + 10,
        "the enrolment's and ten"
    );
}

#[tokio::test]
async fn texts_to_one_number_stop_at_twenty_a_day_across_users() {
    let app = spawn_app().await;
    let phone = unique_phone();
    let first = user_with_phone(&app, None, &phone).await;
    let second = user_with_phone(&app, Some(&first), &phone).await;
    let third = user_with_phone(&app, Some(&first), &phone).await;
    // A new day: the enrolments' texts counted in the last one.
    app.clock.advance(Duration::DAY);
    let tokens = mfa_tokens(&app, &[&first, &second, &third], 10).await;
    let answers =
        burst((0..tokens.len()).map(|i| {
            app.post_request("/auth/mfa/sms/send", None, &json!({"mfa_token": tokens[i]}))
        }))
        .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED, ""), 20);
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        10
    );
    assert_eq!(app.sms_to(&phone).await.len(), 3 + 20);
}

/// A firm user with a phone for push approval, and that phone's device token.
async fn user_with_push(app: &TestApp) -> (TestClient, String, String) {
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let device = apns_token();
    let response = register(app, &session, "apns", &device).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    (user, session, device)
}

#[tokio::test]
async fn forty_pushes_asked_for_at_once_send_three_for_one_sign_in_and_ten_for_one_user() {
    let app = spawn_app().await;
    let (user, _, device) = user_with_push(&app).await;
    let token = mfa_tokens(&app, &[&user], 1).await.remove(0);
    let answers = burst(
        (0..BURST).map(|_| app.post_request("/auth/mfa/push", None, &json!({"mfa_token": token}))),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED, ""), 3);
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        37
    );
    assert_eq!(app.pushes_to(&device).await.len(), 3);

    let tokens = mfa_tokens(&app, &[&user], BURST).await;
    let answers = burst(
        (0..BURST)
            .map(|i| app.post_request("/auth/mfa/push", None, &json!({"mfa_token": tokens[i]}))),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED, ""), 10 - 3);
    assert_eq!(app.pushes_to(&device).await.len(), 10);
}

#[tokio::test]
async fn forty_phones_registered_at_once_make_five_and_one_set_of_backup_codes() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let devices: Vec<String> = (0..BURST).map(|_| apns_token()).collect();
    let responses = futures::future::join_all(
        devices
            .iter()
            .map(|device| register(&app, &session, "apns", device)),
    )
    .await;
    let mut registered = 0;
    let mut code_sets = 0;
    let mut refusals = Vec::new();
    for response in responses {
        match response.status() {
            StatusCode::CREATED => {
                registered += 1;
                let body: Value = response.json().await.unwrap();
                if !body["backup_codes"].as_array().unwrap().is_empty() {
                    code_sets += 1;
                }
            }
            status => {
                let body: Value = response.json().await.unwrap();
                refusals.push((status, body["error"]["code"].as_str().unwrap().to_owned()));
            }
        }
    }
    assert_eq!(registered, 5);
    assert_eq!(code_sets, 1, "however many enrolments race");
    // The others were refused for the phones, or (the password typed again takes a
    // slot of the account's limit while it is checked) for the password checks.
    assert!(
        refusals
            .iter()
            .any(|(status, code)| *status == StatusCode::CONFLICT && code == "too_many_devices")
    );
    assert!(refusals.iter().all(|(status, code)| {
        (*status == StatusCode::CONFLICT && code == "too_many_devices")
            || (*status == StatusCode::TOO_MANY_REQUESTS && code == "rate_limited")
    }));
    // The session that registered them stays signed in.
    let mfa: Value = app.get("/mfa", &session).await.json().await.unwrap();
    assert_eq!(mfa["push_devices"].as_array().unwrap().len(), 5);
    assert_eq!(mfa["backup_codes_left"], 10);
}

#[tokio::test]
async fn forty_link_requests_at_once_send_five_links() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let answers = burst(
        (0..BURST)
            .map(|_| app.post_request("/auth/login-link", None, &json!({"email": client.email}))),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED, ""), 5);
    assert_eq!(
        count(&answers, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        35
    );
    assert_eq!(app.emails_to(&client.email).await.len(), 5);
}
