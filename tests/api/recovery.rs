//! Account recovery: the 72-hour link, the identity check (manual review or a
//! signed provider callback), and the hourly job that expires old links.

use portcullis::domain::{RecoveryId, Role};

use portcullis::jobs::JobRun;
use portcullis::ports::Clock;
use portcullis::recovery::RecoveryStatus;
use portcullis::recovery::callback::signature;
use portcullis::recovery::expire_links::dispatch_recovery_expiry_by;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    FIRM_PASSWORD, TestApp, TestClient, error_code, link_token_in, spawn_app, spawn_app_with,
};

/// A firm with an administrator and a staff member who has an authenticator app
/// turned on (and has lost it, as far as the test is concerned).
struct LockedOut {
    app: TestApp,
    user: TestClient,
    admin: TestClient,
    admin_session: String,
    /// The session the user turned their app on with, still live.
    user_session: String,
}

async fn locked_out_in(app: TestApp) -> LockedOut {
    let admin = app.seed_firm_user(Role::Admin).await;
    let admin_session = app.password_sign_in(&admin.email).await;
    let user = app.seed_firm_user_in(&admin, Role::Staff).await;
    let session = app.password_sign_in(&user.email).await;
    crate::totp::turn_on_totp(&app, &session).await;
    LockedOut {
        app,
        user,
        admin,
        admin_session,
        user_session: session,
    }
}

async fn locked_out() -> LockedOut {
    locked_out_in(spawn_app().await).await
}

impl LockedOut {
    async fn start(&self) -> Response {
        self.app
            .post_as(
                &format!("/firm/users/{}/recovery", self.user.id),
                &self.admin_session,
                &json!({}),
            )
            .await
    }

    /// Opens a recovery; its id and the token of the emailed link.
    async fn started(&self) -> (String, String) {
        let response = self.start().await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        let email = self.app.emails_to(&self.user.email).await.pop().unwrap();
        let token = link_token_in(&email.body, &self.app.address, "/recovery");
        (body["recovery_id"].as_str().unwrap().to_owned(), token)
    }

    async fn link(&self, token: &str) -> Response {
        self.app
            .api
            .get(self.app.url(&format!("/recovery/{token}")))
            .send()
            .await
            .unwrap()
    }

    async fn submit(&self, token: &str) -> Response {
        self.app
            .api
            .post(self.app.url(&format!("/recovery/{token}/submit")))
            .send()
            .await
            .unwrap()
    }

    async fn decide(&self, session: &str, recovery: &str, approved: bool) -> Response {
        self.app
            .post_as(
                &format!("/firm/recoveries/{recovery}/decision"),
                session,
                &json!({"approved": approved, "note": "Called back on the number on file."}),
            )
            .await
    }

    async fn password(&self) -> Value {
        self.app.password_answer(&self.user.email).await
    }

    async fn status(&self, recovery: &str) -> RecoveryStatus {
        let id = RecoveryId::parse(recovery).unwrap();
        use portcullis::recovery::RecoveryStore;
        self.app.store.recovery(id).await.unwrap().unwrap().status
    }
}

/// The recoveries the jobs expired.
fn expired(runs: Vec<JobRun>) -> usize {
    runs.into_iter()
        .map(|run| match run {
            JobRun::Recoveries(run) => run.expired,
            other => panic!("not a recovery job: {other:?}"),
        })
        .sum()
}

/// The hourly schedule, and the jobs it fans out: the recoveries expired.
async fn expired_by_schedule(app: &crate::helpers::TestApp) -> usize {
    expired(
        app.run_schedule(expire_recovery_links::handler, "expire-recovery-links")
            .await,
    )
}

#[tokio::test]
async fn an_administrator_opens_a_recovery_and_the_user_is_emailed_a_72_hour_link() {
    let l = locked_out().await;
    let response = l.start().await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let expires_at = time::OffsetDateTime::parse(
        body["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(
        expires_at.unix_timestamp(),
        (l.app.clock_now() + Duration::hours(72)).unix_timestamp()
    );
    let email = l.app.emails_to(&l.user.email).await.pop().unwrap();
    assert_eq!(email.subject, "Recover access to your account");
    assert!(email.body.contains("72 hours"));
    let token = link_token_in(&email.body, &l.app.address, "/recovery");
    assert_eq!(token.len(), 43, "256 bits");
    assert!(
        !l.app.table_dump().await.contains(&token),
        "only its HMAC is stored"
    );
    assert!(
        l.app
            .audit_kinds(l.user.id)
            .await
            .contains(&"recovery_started".to_owned())
    );

    // Only an administrator, only for a firm user of their firm.
    let staff_session = l
        .app
        .password_sign_in(&l.app.seed_firm_user_in(&l.admin, Role::Staff).await.email)
        .await;
    let path = format!("/firm/users/{}/recovery", l.user.id);
    let staff = l.app.post_as(&path, &staff_session, &json!({})).await;
    assert_eq!(staff.status(), StatusCode::FORBIDDEN);
    let client = l.app.seed_client_in(&l.admin).await;
    let of_client = l
        .app
        .post_as(
            &format!("/firm/users/{}/recovery", client.id),
            &l.admin_session,
            &json!({}),
        )
        .await;
    assert_eq!(of_client.status(), StatusCode::NOT_FOUND);
    let other_firm = l.app.seed_firm_user(Role::Staff).await;
    let elsewhere = l
        .app
        .post_as(
            &format!("/firm/users/{}/recovery", other_firm.id),
            &l.admin_session,
            &json!({}),
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    let anonymous = l.app.post_json(&path, &json!({})).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn looking_at_the_link_does_not_spend_it_and_submitting_does() {
    let l = locked_out().await;
    let (recovery, token) = l.started().await;
    for _ in 0..2 {
        let open = l.link(&token).await;
        assert_eq!(open.status(), StatusCode::OK);
        let body: Value = open.json().await.unwrap();
        assert_eq!(body["status"], "open");
        assert!(
            body["verification_url"]
                .as_str()
                .unwrap()
                .contains(&recovery)
        );
    }
    let submitted = l.submit(&token).await;
    assert_eq!(submitted.status(), StatusCode::ACCEPTED);
    assert_eq!(
        submitted.json::<Value>().await.unwrap()["status"],
        "pending_verification"
    );
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );

    for spent in [
        l.link(&token).await,
        l.submit(&token).await,
        l.link("unknown-token").await,
    ] {
        assert_eq!(spent.status(), StatusCode::GONE);
        assert_eq!(error_code(spent).await, "recovery_link_expired");
    }
}

#[tokio::test]
async fn a_link_dies_at_72_hours_before_the_job_runs_and_the_job_marks_it_expired_once() {
    let l = locked_out().await;
    let (recovery, token) = l.started().await;
    l.app
        .clock
        .advance(Duration::hours(72) - Duration::seconds(1));
    assert_eq!(l.link(&token).await.status(), StatusCode::OK);
    l.app.clock.advance(Duration::seconds(2));
    let late = l.submit(&token).await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert_eq!(error_code(late).await, "recovery_link_expired");
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::Open,
        "the job has not run"
    );
    // (The administrator's session of 72 hours ago has ended.)
    let admin_session = l.app.password_sign_in(&l.admin.email).await;
    let listed: Value = l
        .app
        .get("/firm/recoveries", &admin_session)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        listed["recoveries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "expired")
    );

    assert_eq!(expired_by_schedule(&l.app).await, 1);
    assert_eq!(l.status(&recovery).await, RecoveryStatus::Expired);
    assert_eq!(expired_by_schedule(&l.app).await, 0);
    assert_eq!(l.submit(&token).await.status(), StatusCode::GONE);
    assert!(
        l.app
            .audit_kinds(l.user.id)
            .await
            .contains(&"recovery_expired".to_owned())
    );
}

#[tokio::test]
async fn the_job_pages_through_many_expired_links() {
    let l = locked_out().await;
    for _ in 0..5 {
        let colleague = l.app.seed_firm_user_in(&l.admin, Role::Staff).await;
        let response = l
            .app
            .post_as(
                &format!("/firm/users/{}/recovery", colleague.id),
                &l.admin_session,
                &json!({}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    l.app.clock.advance(Duration::hours(73));
    // Two a page, so the last page is a short one: three jobs.
    let dispatched = dispatch_recovery_expiry_by(&l.app.services, 2)
        .await
        .unwrap();
    assert_eq!(dispatched.jobs, 3);
    let drained = l.app.drain_jobs().await;
    assert_eq!(expired(drained.runs), 5);
    let listed = portcullis::recovery::RecoveryStore::expired_open_recoveries(
        &l.app.store,
        l.app.clock.now(),
        None,
        10,
    )
    .await
    .unwrap();
    assert_eq!(listed, (vec![], None), "nothing left to expire");
}

#[tokio::test]
async fn an_approval_removes_mfa_ends_sessions_and_the_password_alone_signs_in() {
    let l = locked_out().await;
    // A phone for push too: a pass removes every kind of factor.
    let phone = l
        .app
        .post_as(
            "/mfa/push/devices",
            &l.user_session,
            &json!({"password": FIRM_PASSWORD, "platform": "apns", "device_token": format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()), "name": "Phone"}),
        )
        .await;
    assert_eq!(phone.status(), StatusCode::CREATED);
    let (recovery, token) = l.started().await;
    assert_eq!(l.submit(&token).await.status(), StatusCode::ACCEPTED);

    let listed: Value = l
        .app
        .get("/firm/recoveries", &l.admin_session)
        .await
        .json()
        .await
        .unwrap();
    let case = &listed["recoveries"][0];
    assert_eq!(case["recovery_id"], recovery);
    assert_eq!(case["status"], "pending_verification");
    assert_eq!(case["user"]["email"], l.user.email);

    let decided = l.decide(&l.admin_session, &recovery, true).await;
    assert_eq!(decided.status(), StatusCode::NO_CONTENT);
    assert_eq!(l.status(&recovery).await, RecoveryStatus::Approved);
    assert_eq!(
        l.app.get_me(&l.user_session).await.status(),
        StatusCode::UNAUTHORIZED,
        "every session of the user ended"
    );
    let email = l.app.emails_to(&l.user.email).await.pop().unwrap();
    assert_eq!(
        email.subject,
        "Your account is recovered: set up two-step sign-in again"
    );
    let signed_in = l.password().await;
    assert!(signed_in["session_token"].is_string(), "{signed_in}");
    let session = signed_in["session_token"].as_str().unwrap();
    let summary: Value = l.app.get("/mfa", session).await.json().await.unwrap();
    assert_eq!(summary["methods"], json!([]));
    assert_eq!(summary["backup_codes_left"], 0);
    assert!(!l.app.table_dump().await.contains("PUSHDEVICE#"));
    assert!(
        l.app
            .audit_kinds(l.user.id)
            .await
            .contains(&"recovery_passed".to_owned())
    );

    let twice = l.decide(&l.admin_session, &recovery, false).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(twice).await, "recovery_not_pending");
}

#[tokio::test]
async fn after_a_signed_pass_a_firm_requiring_mfa_asks_the_user_to_enrol_again() {
    let l = with_provider().await;
    let settings = l
        .app
        .api
        .put(l.app.url("/firm/settings"))
        .bearer_auth(&l.admin_session)
        .json(&json!({"require_strong_passwords": false, "password_expiry_days": 0, "require_mfa": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), StatusCode::OK);
    let (recovery, token) = l.started().await;
    l.submit(&token).await;
    let body = l.result(&recovery, "pass", l.app.clock.now());
    let answer = l.signed_callback(&body).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body = l.password().await;
    assert_eq!(body["mfa_enrollment_required"], true, "{body}");
}

#[tokio::test]
async fn a_refusal_keeps_mfa_and_tells_the_user_to_contact_support() {
    let l = locked_out().await;
    let (recovery, token) = l.started().await;
    l.submit(&token).await;
    assert_eq!(
        l.decide(&l.admin_session, &recovery, false).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(l.status(&recovery).await, RecoveryStatus::Rejected);
    assert_eq!(l.password().await["mfa_required"], true);
    let email = l.app.emails_to(&l.user.email).await.pop().unwrap();
    assert_eq!(email.subject, "We could not confirm your identity");
    assert!(email.body.contains("contact support"));
    assert!(
        l.app
            .audit_kinds(l.user.id)
            .await
            .contains(&"recovery_failed".to_owned())
    );
}

#[tokio::test]
async fn nobody_decides_their_own_recovery() {
    let l = locked_out().await;
    // The administrator is locked out too; a second administrator opens theirs.
    let second = l.app.seed_firm_user_in(&l.admin, Role::Admin).await;
    let second_session = l.app.password_sign_in(&second.email).await;
    let response = l
        .app
        .post_as(
            &format!("/firm/users/{}/recovery", l.admin.id),
            &second_session,
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let recovery = response.json::<Value>().await.unwrap()["recovery_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let email = l.app.emails_to(&l.admin.email).await.pop().unwrap();
    let token = link_token_in(&email.body, &l.app.address, "/recovery");
    l.submit(&token).await;

    let own = l.decide(&l.admin_session, &recovery, true).await;
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(own).await, "own_recovery");
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );
    assert_eq!(
        l.decide(&second_session, &recovery, true).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn the_cli_opens_and_decides_the_recovery_of_a_solo_firms_only_user() {
    let app = spawn_app().await;
    let solo = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&solo.email).await;
    crate::totp::turn_on_totp(&app, &session).await;
    let recovery = portcullis_cli::recovery::start_by_email(&app.services, &solo.email)
        .await
        .unwrap();
    assert_eq!(recovery.opened_by, None);
    assert_eq!(recovery.expires_at, app.clock.now() + Duration::hours(72));
    let email = app.emails_to(&solo.email).await.pop().unwrap();
    let token = link_token_in(&email.body, &app.address, "/recovery");
    let submitted = app
        .api
        .post(app.url(&format!("/recovery/{token}/submit")))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), StatusCode::ACCEPTED);

    let id = recovery.id.to_string();
    portcullis_cli::recovery::decide(&app.services, &id, true, Some("Met in person"))
        .await
        .unwrap();
    assert!(
        portcullis_cli::recovery::decide(&app.services, &id, false, None)
            .await
            .is_err(),
        "decided once"
    );
    let signed_in = app.password_answer(&solo.email).await;
    assert!(signed_in["session_token"].is_string(), "{signed_in}");
    assert!(
        portcullis_cli::recovery::start_by_email(&app.services, "nobody@example.com")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_cli_leaves_a_firm_with_another_administrator_to_that_administrator() {
    let l = locked_out().await;
    let refused = portcullis_cli::recovery::start_by_email(&l.app.services, &l.user.email).await;
    assert!(refused.unwrap_err().to_string().contains(&l.admin.email));
    // Nor does the CLI decide a case an administrator opened.
    let (recovery, token) = l.started().await;
    l.submit(&token).await;
    let overruled = portcullis_cli::recovery::decide(&l.app.services, &recovery, true, None).await;
    assert!(overruled.is_err());
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );
}

#[tokio::test]
async fn decisions_are_checked_and_concurrent_submits_spend_the_link_once() {
    let l = locked_out().await;
    let (recovery, token) = l.started().await;
    let submits = (0..6).map(|_| l.submit(&token));
    let statuses: Vec<StatusCode> = futures::future::join_all(submits)
        .await
        .iter()
        .map(Response::status)
        .collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::ACCEPTED)
            .count(),
        1,
        "{statuses:?}"
    );
    let path = format!("/firm/recoveries/{recovery}/decision");
    for (body, status, code) in [
        (
            json!({"note": "no verdict"}),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"approved": "yes"}),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            json!({"approved": true, "note": "n".repeat(1001)}),
            StatusCode::BAD_REQUEST,
            "invalid_note",
        ),
    ] {
        let refused = l.app.post_as(&path, &l.admin_session, &body).await;
        assert_eq!(refused.status(), status, "{body}");
        assert_eq!(error_code(refused).await, code);
    }
    let malformed = l.decide(&l.admin_session, "not-an-id", true).await;
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);

    // Another firm's administrator neither sees nor decides it; staff see nothing.
    let stranger = l.app.seed_firm_user(Role::Admin).await;
    let stranger_session = l.app.password_sign_in(&stranger.email).await;
    let theirs: Value = l
        .app
        .get("/firm/recoveries", &stranger_session)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["recoveries"], json!([]));
    let elsewhere = l.decide(&stranger_session, &recovery, true).await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    let colleague = l.app.seed_firm_user_in(&l.admin, Role::Staff).await;
    let colleague_session = l.app.password_sign_in(&colleague.email).await;
    assert_eq!(
        l.app
            .get("/firm/recoveries", &colleague_session)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );

    // The decision is audited with the administrator who made it.
    assert_eq!(
        l.decide(&l.admin_session, &recovery, false).await.status(),
        StatusCode::NO_CONTENT
    );
    let actor = audit_actor(&l.app, l.user.id, "recovery_failed").await;
    assert_eq!(actor.as_deref(), Some(l.admin.id.to_string().as_str()));
}

/// The actor of the user's audit entry of `kind`.
async fn audit_actor(
    app: &TestApp,
    user: portcullis::domain::UserId,
    kind: &str,
) -> Option<String> {
    let output = app
        .dynamo
        .query()
        .table_name(&app.table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("USER#{user}")),
        )
        .send()
        .await
        .unwrap();
    output
        .items()
        .iter()
        .find(|item| {
            item.get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
                == Some(kind)
        })
        .and_then(|item| item.get("actor")?.as_s().ok().cloned())
}

/// The provider's key, as the test provisions it in the emulator's Secrets Manager.
const PROVIDER_KEY: &str = "provider-signing-key-0123456789abcdef";

async fn with_provider() -> LockedOut {
    let secret_id = format!("portcullis-test/verifier-{}", uuid::Uuid::new_v4().simple());
    let app = spawn_app_with(&[
        ("IDENTITY_VERIFIER", "webhook"),
        ("VERIFICATION_URL", "https://verify.example.com/start"),
        ("VERIFICATION_WEBHOOK_SECRET_ID", &secret_id),
    ])
    .await;
    aws_sdk_secretsmanager::Client::new(&app.sdk)
        .create_secret()
        .name(&secret_id)
        .secret_string(PROVIDER_KEY)
        .send()
        .await
        .unwrap();
    locked_out_in(app).await
}

impl LockedOut {
    async fn callback(&self, body: &str, signature: Option<String>) -> Response {
        let mut request = self
            .app
            .api
            .post(self.app.url("/recovery/callbacks/webhook"))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("x-signature", signature);
        }
        request.send().await.unwrap()
    }

    /// The callback signed with the provider's key.
    async fn signed_callback(&self, body: &str) -> Response {
        self.callback(
            body,
            Some(signature(PROVIDER_KEY.as_bytes(), body.as_bytes())),
        )
        .await
    }

    fn result(&self, recovery: &str, result: &str, sent_at: time::OffsetDateTime) -> String {
        json!({"recovery_id": recovery, "result": result, "timestamp": sent_at.unix_timestamp()})
            .to_string()
    }
}

#[tokio::test]
async fn a_signed_pass_from_the_provider_disables_mfa_once() {
    let l = with_provider().await;
    let (recovery, token) = l.started().await;
    let open: Value = l.link(&token).await.json().await.unwrap();
    assert_eq!(
        open["verification_url"],
        format!("https://verify.example.com/start?reference={recovery}")
    );
    l.submit(&token).await;

    let body = l.result(&recovery, "pass", l.app.clock.now());
    let answer = l.signed_callback(&body).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.json::<Value>().await.unwrap()["applied"], true);
    assert_eq!(l.status(&recovery).await, RecoveryStatus::Approved);
    assert!(l.password().await["session_token"].is_string());

    // The user sets MFA up again; the same callback, replayed, changes nothing.
    let session = l.app.password_sign_in(&l.user.email).await;
    crate::totp::turn_on_totp(&l.app, &session).await;
    let emails = l.app.emails_to(&l.user.email).await.len();
    let replay = l.signed_callback(&body).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<Value>().await.unwrap()["applied"], false);
    assert_eq!(l.password().await["mfa_required"], true);
    assert_eq!(l.app.emails_to(&l.user.email).await.len(), emails);
    let passes = l
        .app
        .audit_kinds(l.user.id)
        .await
        .iter()
        .filter(|k| *k == "recovery_passed")
        .count();
    assert_eq!(passes, 1);
}

#[tokio::test]
async fn a_signed_fail_keeps_mfa() {
    let l = with_provider().await;
    let (recovery, token) = l.started().await;
    l.submit(&token).await;
    let body = l.result(&recovery, "fail", l.app.clock.now());
    let answer = l.signed_callback(&body).await;
    assert_eq!(answer.json::<Value>().await.unwrap()["applied"], true);
    assert_eq!(l.status(&recovery).await, RecoveryStatus::Rejected);
    assert_eq!(l.password().await["mfa_required"], true);
}

#[tokio::test]
async fn unsigned_badly_signed_or_old_callbacks_change_nothing() {
    let l = with_provider().await;
    let (recovery, token) = l.started().await;
    l.submit(&token).await;
    let now = l.app.clock.now();
    let body = l.result(&recovery, "pass", now);
    let old = l.result(
        &recovery,
        "pass",
        now - Duration::minutes(5) - Duration::seconds(1),
    );
    let tampered = body.replace("pass", "fail");
    let good = signature(PROVIDER_KEY.as_bytes(), body.as_bytes());
    for (sent, signed, code) in [
        (&body, None, "invalid_signature"),
        (
            &body,
            Some(signature(b"someone else's key", body.as_bytes())),
            "invalid_signature",
        ),
        (&body, Some("sha256=zz".to_owned()), "invalid_signature"),
        (&tampered, Some(good.clone()), "invalid_signature"),
        (
            &old,
            Some(signature(PROVIDER_KEY.as_bytes(), old.as_bytes())),
            "stale_callback",
        ),
    ] {
        let refused = l.callback(sent, signed).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{sent}");
        assert_eq!(error_code(refused).await, code);
    }
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );
    assert_eq!(l.password().await["mfa_required"], true);
    // An administrator does not overrule the provider.
    let manual = l.decide(&l.admin_session, &recovery, true).await;
    assert_eq!(manual.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(manual).await, "provider_decides");
}

#[tokio::test]
async fn with_the_manual_reviewer_the_callback_route_refuses_everything() {
    let l = locked_out().await;
    let (recovery, token) = l.started().await;
    l.submit(&token).await;
    let body = l.result(&recovery, "pass", l.app.clock.now());
    let signed = l.signed_callback(&body).await;
    assert_eq!(signed.status(), StatusCode::UNAUTHORIZED);
    let unknown = l
        .app
        .post_json("/recovery/callbacks/acme", &json!({}))
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );
}

#[tokio::test]
async fn signed_callbacks_that_do_not_fit_are_refused_with_a_4xx() {
    let l = with_provider().await;
    let (recovery, token) = l.started().await;
    let sign = |body: &str| Some(signature(PROVIDER_KEY.as_bytes(), body.as_bytes()));

    // Before the user hands the case over, the provider is told to retry later.
    let early = l.result(&recovery, "pass", l.app.clock.now());
    let not_yet = l.callback(&early, sign(&early)).await;
    assert_eq!(not_yet.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(not_yet).await, "recovery_not_pending");
    l.submit(&token).await;

    let now = l.app.clock.now();
    let unknown = l.result(&uuid::Uuid::new_v4().to_string(), "pass", now);
    let future = l.result(&recovery, "pass", now + Duration::minutes(6));
    let maybe = l.result(&recovery, "maybe", now);
    for (body, status, code) in [
        (
            "not json".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (maybe, StatusCode::BAD_REQUEST, "invalid_request"),
        (unknown, StatusCode::NOT_FOUND, "recovery_not_found"),
        (future, StatusCode::UNAUTHORIZED, "stale_callback"),
    ] {
        let refused = l.callback(&body, sign(&body)).await;
        assert_eq!(refused.status(), status, "{body}");
        assert_eq!(error_code(refused).await, code);
    }
    assert_eq!(
        l.status(&recovery).await,
        RecoveryStatus::PendingVerification
    );
}

#[tokio::test]
async fn a_new_recovery_closes_the_users_earlier_ones() {
    let l = locked_out().await;
    let (pending, pending_token) = l.started().await;
    assert_eq!(
        l.submit(&pending_token).await.status(),
        StatusCode::ACCEPTED
    );
    let (open, open_token) = l.started().await;
    assert_eq!(l.status(&pending).await, RecoveryStatus::Expired);
    let (latest, latest_token) = l.started().await;
    assert_eq!(l.status(&open).await, RecoveryStatus::Expired);
    assert_eq!(l.link(&open_token).await.status(), StatusCode::GONE);
    assert_eq!(l.link(&latest_token).await.status(), StatusCode::OK);
    // The stale case cannot be approved any more.
    let stale = l.decide(&l.admin_session, &pending, true).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(l.status(&latest).await, RecoveryStatus::Open);
    assert_eq!(l.password().await["mfa_required"], true);
}
