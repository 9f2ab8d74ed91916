//! Scheduled work fanned out on the jobs queue (SQS on the emulator): one job a
//! firm, run as `run-jobs` runs a batch, and a job delivered again changing
//! nothing more.

use portcullis::domain::Role;
use portcullis::jobs::{Job, JobRun};
use time::Duration;

use crate::expiry_job::ninety_day_firm;
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_expiry_schedule_puts_one_job_a_firm_with_expiry_on_the_queue() {
    let app = spawn_app().await;
    ninety_day_firm(&app).await;
    ninety_day_firm(&app).await;
    app.seed_firm_user(Role::Admin).await; // a firm whose passwords never expire
    app.clock.advance(Duration::days(76) + Duration::SECOND);

    let runs = app
        .run_schedule(expire_passwords::handler, "expire-passwords")
        .await;
    assert_eq!(runs.len(), 2, "{runs:?}");
    for run in runs {
        let JobRun::Passwords(run) = run else {
            panic!("not a password job: {run:?}");
        };
        assert_eq!((run.firms, run.users_checked, run.notices_sent), (1, 2, 2));
    }
}

#[tokio::test]
async fn a_firm_job_delivered_twice_sends_each_notice_once() {
    let app = spawn_app().await;
    let (admin, staff, _) = ninety_day_firm(&app).await;
    app.clock.advance(Duration::days(76) + Duration::SECOND);
    let job = Job::ExpirePasswords {
        firm_id: admin.firm,
    };
    // SQS delivers at least once: the same message may come twice, even at once.
    app.services
        .jobs
        .enqueue(&[job.clone(), job])
        .await
        .unwrap();
    let drained = app.drain_jobs().await;
    assert_eq!(drained.jobs, 2);
    for user in [&admin, &staff] {
        assert_eq!(app.emails_to(&user.email).await.len(), 1, "{}", user.email);
    }
    let notices: usize = drained
        .runs
        .iter()
        .map(|run| match run {
            JobRun::Passwords(run) => run.notices_sent,
            other => panic!("not a password job: {other:?}"),
        })
        .sum();
    assert_eq!(notices, 2, "the second delivery found both claimed");
}
