//! `portcullis smoke` (`make smoke`) against the dev server's HTTP stack, with
//! S3's upload notifications delivered as `make dev` delivers them, found as
//! `make smoke` finds a running `make dev`: through the dev stack file.

use devserver::notifications::deliver_uploads;
use portcullis::accounts::FirmStore;
use portcullis_cli::dev_stack::{DevStack, Written};

use crate::helpers::{TestApp, run_cli, run_cli_printing, spawn_app};

const STEPS: [&str; 15] = [
    "create test firm",
    "create administrator",
    "sign in",
    "read /me",
    "create case",
    "create client",
    "add client to case",
    "request upload URL",
    "upload document",
    "list documents",
    "document checked",
    "upload announced",
    "sign out",
    "session ended",
    "delete test firm",
];

/// The dev stack of `app`, its API at `api_url`, written where `make dev` would
/// write it; removed when dropped.
fn dev_stack_of(app: &TestApp, api_url: String) -> Written {
    let path = std::env::temp_dir().join(format!("portcullis-stack-{}.json", uuid::Uuid::new_v4()));
    DevStack {
        endpoint: app.emulator.endpoint().to_owned(),
        env: [
            ("TABLE_NAME".to_owned(), app.table.clone()),
            ("DOCUMENTS_BUCKET".to_owned(), app.bucket.clone()),
        ]
        .into(),
        api_url: Some(api_url),
    }
    .write(&path)
    .unwrap();
    Written(path)
}

/// What the smoke test leaves on the table: only items keyed by a secret's digest
/// that expire by themselves (its trusted browser, the client's unused link).
async fn left_behind(app: &TestApp) -> Vec<String> {
    let mut kinds: Vec<String> = app
        .table_items()
        .await
        .into_iter()
        .map(|item| {
            let pk = item["pk"].as_s().unwrap().clone();
            assert!(item.contains_key("ttl"), "{pk} has no ttl");
            pk.split('#').next().unwrap_or_default().to_owned()
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

#[tokio::test]
async fn the_smoke_test_passes_every_step_against_the_local_stack_and_deletes_its_firm() {
    let app = spawn_app().await;
    let deliveries = deliver_uploads(&app.sdk, &app.bucket, app.services.clone())
        .await
        .expect("notifications set up");
    let stack = dev_stack_of(&app, app.url(""));

    let printed = run_cli(&["smoke"], &[], Some(&stack.0)).await;
    deliveries.abort();
    let printed = printed.unwrap();

    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), STEPS.len() + 2, "{printed}");
    assert_eq!(lines[0], format!("smoke test of {}", app.url("")));
    for (line, step) in lines[1..].iter().zip(STEPS) {
        assert!(line.starts_with(&format!("ok   {step:<20} ")), "{line}");
        assert!(line.ends_with(" ms"), "{line}");
    }
    assert_eq!(lines[STEPS.len() + 1], "smoke test passed");
    assert!(!printed.contains("session_token") && !printed.contains("X-Amz-Signature"));

    assert!(app.store.firms().await.unwrap().is_empty());
    assert_eq!(app.object_versions("").await, 0);
    let left = left_behind(&app).await;
    assert!(
        left.iter()
            .all(|kind| ["LOGINLINK", "RATE", "TRUSTED"].contains(&kind.as_str())),
        "{left:?}"
    );
}

#[tokio::test]
async fn a_failed_step_is_named_and_the_test_firm_is_deleted_all_the_same() {
    let app = spawn_app().await;
    // No API there: the portal's origin refuses the POST.
    let stack = dev_stack_of(&app, app.page_url("/not-the-api"));

    let (ran, printed) = run_cli_printing(&["smoke"], &[], Some(&stack.0)).await;

    assert_eq!(
        ran.unwrap_err().to_string(),
        "the smoke test failed at step \"sign in\""
    );
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 5, "{printed}");
    assert!(
        lines[3].starts_with(&format!("FAIL {:<20} 405 ", "sign in")),
        "{printed}"
    );
    assert!(lines[3].ends_with(" ms  expected 200"), "{printed}");
    assert!(lines[4].starts_with("ok   delete test firm"), "{printed}");
    assert!(app.store.firms().await.unwrap().is_empty());
    assert!(app.table_items().await.is_empty());
}
