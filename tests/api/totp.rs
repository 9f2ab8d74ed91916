//! Authenticator apps: enrolment, confirmation, and the second step of a sign-in.

use portcullis::domain::Role;
use portcullis::mfa::totp::{DIGITS, STEP_SECONDS, TotpSecret};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, error_code, spawn_app};

/// RFC 4648 base32 without padding, as the enrolment gives the secret.
fn secret_from_base32(text: &str) -> TotpSecret {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut bytes) = (0u64, 0, Vec::new());
    for c in text.chars() {
        buffer = (buffer << 5) | ALPHABET.find(c).expect("base32") as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    TotpSecret::from_bytes(bytes.try_into().expect("160 bits"))
}

/// A firm user with an authenticator app turned on, signed in with the session
/// that turned it on.
pub struct Enrolled {
    pub app: TestApp,
    pub email: String,
    pub session: String,
    pub secret: TotpSecret,
    pub backup_codes: Vec<String>,
}

impl Enrolled {
    pub fn code_at_offset(&self, steps: i64) -> String {
        let now = self.app.clock_now().unix_timestamp() as u64 / STEP_SECONDS;
        let step = now.checked_add_signed(steps).unwrap();
        format!("{:06}", self.secret.code_at_step(step, DIGITS))
    }

    pub async fn mfa_token(&self) -> String {
        let response = self
            .app
            .post_json(
                "/auth/password",
                &json!({"email": self.email, "password": FIRM_PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["mfa_required"], true);
        body["mfa_token"].as_str().unwrap().to_owned()
    }

    async fn second_step(&self, token: &str, code: &str, keep: bool) -> reqwest::Response {
        self.app
            .post_json(
                "/auth/mfa/totp",
                &json!({"mfa_token": token, "code": code, "keep_me_logged_in": keep}),
            )
            .await
    }
}

/// Turns an authenticator app on for the user of `session`, through the API; its
/// secret. The clock moves on a step, so the next code is not a replay.
pub async fn turn_on_totp(app: &TestApp, session: &str) -> TotpSecret {
    let enrolled: Value = app
        .post_as(
            "/mfa/totp/enroll",
            session,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = secret_from_base32(enrolled["secret"].as_str().unwrap());
    let step = app.clock_now().unix_timestamp() as u64 / STEP_SECONDS;
    let code = format!("{:06}", secret.code_at_step(step, DIGITS));
    let confirmed = app
        .post_as("/mfa/totp/confirm", session, &json!({"code": code}))
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    app.clock.advance(Duration::seconds(STEP_SECONDS as i64));
    secret
}

pub async fn enrolled() -> Enrolled {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let response = app
        .post_as(
            "/mfa/totp/enroll",
            &session,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let secret_text = body["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret_text.len(), 32, "160 bits of base32");
    let uri = body["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Example%20LLP%3A"), "{uri}");
    assert!(uri.contains(&format!("secret={secret_text}")));
    let png = base64_decode(body["qr_png_base64"].as_str().unwrap());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let secret = secret_from_base32(&secret_text);
    let code = format!(
        "{:06}",
        secret.code_at_step(
            app.clock_now().unix_timestamp() as u64 / STEP_SECONDS,
            DIGITS
        )
    );
    let response = app
        .post_as("/mfa/totp/confirm", &session, &json!({"code": code}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let backup_codes: Vec<String> = body["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    // Later codes come from later steps: the confirming one is spent.
    app.clock.advance(Duration::seconds(STEP_SECONDS as i64));
    Enrolled {
        app,
        email: user.email,
        session,
        secret,
        backup_codes,
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[tokio::test]
async fn turning_the_app_on_gives_ten_backup_codes_and_sign_ins_then_need_a_code() {
    let e = enrolled().await;
    assert_eq!(e.backup_codes.len(), 10);
    let mut distinct = e.backup_codes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10);
    assert!(
        e.backup_codes
            .iter()
            .all(|code| code.len() == 14 && code.matches('-').count() == 2)
    );
    let still = e.app.get_me(&e.session).await;
    assert_eq!(
        still.status(),
        StatusCode::OK,
        "the confirming session stays"
    );

    let response = e
        .app
        .post_json(
            "/auth/password",
            &json!({"email": e.email, "password": FIRM_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session yet"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["methods"], json!(["totp", "backup_code"]));
    assert!(body.get("session_token").is_none());

    let token = body["mfa_token"].as_str().unwrap();
    let response = e.second_step(token, &e.code_at_offset(0), false).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session: Value = response.json().await.unwrap();
    let me = e
        .app
        .get_me(session["session_token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_code_already_accepted_is_refused_the_second_time() {
    let e = enrolled().await;
    let code = e.code_at_offset(0);
    let first = e.second_step(&e.mfa_token().await, &code, false).await;
    assert_eq!(first.status(), StatusCode::OK);
    let replay = e.second_step(&e.mfa_token().await, &code, false).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(replay).await, "invalid_code");
}

#[tokio::test]
async fn one_step_either_side_is_accepted_and_two_are_not() {
    let e = enrolled().await;
    e.app.clock.advance(Duration::minutes(2));
    for offset in [-2i64, 2] {
        let response = e
            .second_step(&e.mfa_token().await, &e.code_at_offset(offset), false)
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{offset}");
    }
    let earlier = e
        .second_step(&e.mfa_token().await, &e.code_at_offset(-1), false)
        .await;
    assert_eq!(earlier.status(), StatusCode::OK);
    let later = e
        .second_step(&e.mfa_token().await, &e.code_at_offset(1), false)
        .await;
    assert_eq!(later.status(), StatusCode::OK);
}

#[tokio::test]
async fn five_wrong_codes_kill_the_mfa_token() {
    let e = enrolled().await;
    let token = e.mfa_token().await;
    let right = e.code_at_offset(0);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        let response = e.second_step(&token, wrong, false).await;
        assert_eq!(error_code(response).await, "invalid_code");
    }
    let response = e.second_step(&token, &right, false).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "invalid_mfa_token");
}

#[tokio::test]
async fn the_mfa_token_lasts_five_minutes() {
    let e = enrolled().await;
    let token = e.mfa_token().await;
    e.app.clock.advance(Duration::minutes(5));
    let response = e.second_step(&token, &e.code_at_offset(0), false).await;
    assert_eq!(error_code(response).await, "invalid_mfa_token");
}

#[tokio::test]
async fn keep_me_logged_in_gives_a_week_long_session() {
    let e = enrolled().await;
    let response = e
        .second_step(&e.mfa_token().await, &e.code_at_offset(0), true)
        .await;
    let body: Value = response.json().await.unwrap();
    let expires_at = time::OffsetDateTime::parse(
        body["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires_at - e.app.clock_now(), Duration::days(7));
}

#[tokio::test]
async fn the_secret_is_encrypted_at_rest() {
    let e = enrolled().await;
    let dump = e.app.table_dump().await;
    let base32: String = {
        let uri = e.secret.otpauth_uri("x", "y");
        uri.split("secret=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(!dump.contains(&base32));
    assert!(!dump.contains(&base32.to_lowercase()));
    for code in &e.backup_codes {
        assert!(!dump.contains(&code.replace('-', "")));
    }
}

#[tokio::test]
async fn turning_the_app_on_ends_the_users_other_sessions_and_is_audited() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let other = app.password_sign_in(&user.email).await;
    let session = app.password_sign_in(&user.email).await;
    let body: Value = app
        .post_as(
            "/mfa/totp/enroll",
            &session,
            &json!({"password": FIRM_PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = secret_from_base32(body["secret"].as_str().unwrap());
    let code = format!(
        "{:06}",
        secret.code_at_step(
            app.clock_now().unix_timestamp() as u64 / STEP_SECONDS,
            DIGITS
        )
    );
    let confirmed = app
        .post_as("/mfa/totp/confirm", &session, &json!({"code": code}))
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(app.get_me(&other).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
    assert!(
        app.audit_kinds(user.id)
            .await
            .contains(&"mfa_enabled".to_owned())
    );
}

#[tokio::test]
async fn enrolment_needs_the_right_password_and_a_firm_user() {
    let app = spawn_app().await;
    let user = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    let wrong = app
        .post_as(
            "/mfa/totp/enroll",
            &session,
            &json!({"password": "not it at all"}),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(wrong).await, "invalid_credentials");
    let unconfirmed = app
        .post_as("/mfa/totp/confirm", &session, &json!({"code": "123456"}))
        .await;
    assert_eq!(error_code(unconfirmed).await, "no_pending_enrollment");

    let client = app.seed_client().await;
    let client_session = app.sign_in(&client.email).await;
    let response = app
        .post_as(
            "/mfa/totp/enroll",
            &client_session,
            &json!({"password": "anything"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
