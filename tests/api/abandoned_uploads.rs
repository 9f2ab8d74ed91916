//! The sweep of abandoned uploads: documents still pending after their upload URL
//! expired are settled, so the files that did arrive are announced.

use portcullis::documents::abandoned_uploads::SweepRun;
use portcullis::domain::Role;
use portcullis::jobs::JobRun;
use serde_json::Value;
use time::Duration;

use crate::helpers::{TestApp, spawn_app};
use crate::uploads::pdf;

/// The schedule, and the jobs it fans out (one an upload), summed.
async fn sweep(app: &TestApp) -> SweepRun {
    let runs = app
        .run_schedule(
            settle_abandoned_uploads::handler,
            "settle-abandoned-uploads",
        )
        .await;
    runs.into_iter()
        .fold(SweepRun::default(), |sum, run| match run {
            JobRun::Upload(run) => SweepRun {
                available: sum.available + run.available,
                rejected: sum.rejected + run.rejected,
                emails_sent: sum.emails_sent + run.emails_sent,
            },
            other => panic!("not an upload job: {other:?}"),
        })
}

#[tokio::test]
async fn a_file_never_sent_is_rejected_once_its_url_expired_and_the_others_are_announced() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let lawyer = app.seed_firm_user_in(&client, Role::Staff).await;
    let case = app.case_ids_of(client.id).await[0];
    app.add_member(case, lawyer.id).await;
    let session = app.sign_in(&client.email).await;

    let response = app
        .request_uploads(
            &session,
            case,
            &[
                pdf("Sent.pdf", b"%PDF sent"),
                pdf("Forgotten.pdf", b"%PDF never"),
            ],
            None,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    let sent = &body["documents"][0];
    app.put_bytes(&sent["upload"], b"%PDF sent".to_vec()).await;
    let run = app.notify_uploaded(&app.key_of(sent)).await;
    assert_eq!(
        (run.available, run.emails_sent),
        (1, 0),
        "the upload is not complete yet"
    );

    app.clock.advance(Duration::minutes(19));
    assert_eq!(
        sweep(&app).await.rejected,
        0,
        "too early: the URL may still be used"
    );
    assert!(app.emails_to(&lawyer.email).await.is_empty());

    app.clock.advance(Duration::minutes(2));
    let run = sweep(&app).await;
    assert_eq!((run.rejected, run.emails_sent), (1, 1));
    let emails = app.emails_to(&lawyer.email).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Casey Client sent 1 document");
    assert!(emails[0].body.contains("Sent.pdf"));
    assert!(!emails[0].body.contains("Forgotten.pdf"));

    let again = sweep(&app).await;
    assert_eq!(
        (again.rejected, again.emails_sent),
        (0, 0),
        "a second run changes nothing"
    );
}

#[tokio::test]
async fn an_upload_whose_s3_event_was_lost_is_checked_by_the_sweep() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let lawyer = app.seed_firm_user_in(&client, Role::Staff).await;
    let case = app.case_ids_of(client.id).await[0];
    app.add_member(case, lawyer.id).await;
    let session = app.sign_in(&client.email).await;
    app.upload(&session, case, &[pdf("Landed.pdf", b"%PDF landed")], None)
        .await;

    app.clock.advance(Duration::minutes(21));
    let run = sweep(&app).await;
    assert_eq!((run.available, run.emails_sent), (1, 1));
    let listed = app.documents_of(&session, case).await;
    assert_eq!(listed[0]["status"], "available");
}
