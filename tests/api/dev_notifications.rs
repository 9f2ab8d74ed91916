//! `make dev` delivers S3's upload notifications itself (the emulator invokes no
//! function): the same path a person takes by hand with curl.

use std::time::{Duration, Instant};

use devserver::notifications::deliver_uploads;
use portcullis::domain::Role;
use serde_json::Value;

use crate::helpers::spawn_app;
use crate::uploads::pdf;

#[tokio::test]
async fn the_dev_server_hands_the_buckets_notification_of_a_real_upload_to_the_function() {
    let app = spawn_app().await;
    let deliveries = deliver_uploads(&app.sdk, &app.bucket, app.services.clone())
        .await
        .expect("notifications set up");
    let client = app.seed_client().await;
    let lawyer = app.seed_firm_user_in(&client, Role::Staff).await;
    let case = app.case_ids_of(client.id).await[0];
    app.add_member(case, lawyer.id).await;
    let session = app.sign_in(&client.email).await;

    app.upload(&session, case, &[pdf("By hand.pdf", b"%PDF by hand")], None)
        .await;

    // The notification travels through a queue the dev server polls: wait for it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.emails_to(&lawyer.email).await.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    deliveries.abort();
    let emails = app.emails_to(&lawyer.email).await;
    assert_eq!(emails.len(), 1, "the firm's email arrived");
    assert_eq!(emails[0].subject, "Casey Client sent 1 document");
    let listed: Vec<Value> = app.documents_of(&session, case).await;
    assert_eq!(listed[0]["status"], "available");
}
