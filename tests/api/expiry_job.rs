//! The scheduled password-expiry job, invoked as its EventBridge schedule would.

use expire_passwords::handler;
use portcullis::accounts::expire_passwords::ExpiryRun;
use portcullis::domain::Role;
use portcullis::jobs::JobRun;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{FIRM_PASSWORD, TestApp, TestClient, spawn_app};

/// The schedule, and the jobs it fans out (one a firm with expiry), summed.
async fn run_job(app: &TestApp) -> ExpiryRun {
    let runs = app.run_schedule(handler, "expire-passwords").await;
    runs.into_iter()
        .fold(ExpiryRun::default(), |sum, run| match run {
            JobRun::Passwords(run) => ExpiryRun {
                firms: sum.firms + run.firms,
                users_checked: sum.users_checked + run.users_checked,
                notices_sent: sum.notices_sent + run.notices_sent,
                changes_forced: sum.changes_forced + run.changes_forced,
            },
            other => panic!("not a password job: {other:?}"),
        })
}

/// An administrator of a firm whose passwords expire after 90 days, with a staff
/// member and a client.
pub(crate) async fn ninety_day_firm(app: &TestApp) -> (TestClient, TestClient, TestClient) {
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    let client = app.seed_client_in(&admin).await;
    let session = app.password_sign_in(&admin.email).await;
    app.set_password_policy(&session, false, 90).await;
    (admin, staff, client)
}

#[tokio::test]
async fn fourteen_days_ahead_each_firm_user_gets_one_notice_and_a_second_run_sends_none() {
    let app = spawn_app().await;
    let (admin, staff, client) = ninety_day_firm(&app).await;

    app.clock.advance(Duration::days(76) + Duration::SECOND);
    let first = run_job(&app).await;
    assert_eq!(first.notices_sent, 2, "{first:?}");
    assert_eq!(first.changes_forced, 0);
    for user in [&admin, &staff] {
        let notices = app.emails_to(&user.email).await;
        assert_eq!(notices.len(), 1, "{}", user.email);
        assert_eq!(notices[0].subject, "Your password expires soon");
        let expires = app.clock_now() - Duration::days(76) - Duration::SECOND + Duration::days(90);
        let spelled =
            time::macros::format_description!("[day padding:none] [month repr:long] [year]");
        assert!(notices[0].body.contains(&expires.format(spelled).unwrap()));
    }
    assert!(
        app.emails_to(&client.email).await.is_empty(),
        "clients are never affected"
    );

    let second = run_job(&app).await;
    assert_eq!(second.notices_sent, 0);
    assert_eq!(app.emails_to(&staff.email).await.len(), 1);
}

#[tokio::test]
async fn before_the_notice_window_the_job_does_nothing() {
    let app = spawn_app().await;
    let (_, staff, _) = ninety_day_firm(&app).await;

    app.clock.advance(Duration::days(76) - Duration::SECOND);
    let run = run_job(&app).await;
    assert_eq!((run.notices_sent, run.changes_forced), (0, 0));
    assert!(app.emails_to(&staff.email).await.is_empty());
}

#[tokio::test]
async fn at_the_interval_the_job_forces_a_change_for_firm_users_only_and_once() {
    let app = spawn_app().await;
    let (admin, staff, client) = ninety_day_firm(&app).await;

    app.clock.advance(Duration::days(90));
    let first = run_job(&app).await;
    assert_eq!(first.changes_forced, 2, "{first:?}");
    let second = run_job(&app).await;
    assert_eq!(
        second.changes_forced, 0,
        "running twice changes nothing more"
    );

    for user in [&admin, &staff] {
        let response = app
            .post_json(
                "/auth/password",
                &json!({"email": user.email, "password": FIRM_PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "password_change_required");
    }
    let session = app.sign_in(&client.email).await;
    assert_eq!(app.get_me(&session).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_new_password_gets_its_own_notice_when_its_time_comes() {
    let app = spawn_app().await;
    let (_, staff, _) = ninety_day_firm(&app).await;
    app.clock.advance(Duration::days(80));
    run_job(&app).await;
    assert_eq!(app.emails_to(&staff.email).await.len(), 1);

    let session = app.password_sign_in(&staff.email).await;
    let changed = app
        .api
        .post(app.url("/auth/password/change"))
        .bearer_auth(&session)
        .json(&json!({"current_password": FIRM_PASSWORD, "new_password": "violet tractor mandolin sleet"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);

    app.clock.advance(Duration::days(30));
    assert_eq!(
        run_job(&app).await.notices_sent,
        0,
        "the new password is 30 days old"
    );
    app.clock.advance(Duration::days(46));
    assert_eq!(run_job(&app).await.notices_sent, 1);
    assert_eq!(app.emails_to(&staff.email).await.len(), 2);
}
