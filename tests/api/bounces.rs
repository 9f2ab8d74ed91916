//! Bounces and complaints: SES's events for the configuration set reach
//! `email-events` through SNS; an address that bounced for good or complained is
//! mailed no more, and the firm's administrators see it.

use portcullis::domain::Role;
use portcullis::suppression::{EmailEventsRun, SnsEvent, SuppressionStore};
use reqwest::StatusCode;
use serde_json::{Value, json};

use devserver::notifications::email_event;

use crate::helpers::{TestApp, spawn_app};

/// SNS's delivery of the sample SES event `name`, for `address`, as the dev
/// server's `/_dev/email-events` delivers it.
fn event_for(name: &str, address: &str) -> SnsEvent {
    let address = portcullis::domain::EmailAddress::parse(address).expect("an address");
    email_event(name, &address)
        .expect("a sample of that name")
        .expect("an SNS event")
}

async fn deliver(app: &TestApp, event: SnsEvent) -> EmailEventsRun {
    email_events::handler(&app.services, event)
        .await
        .expect("the events are recorded")
}

fn row<'a>(users: &'a Value, email: &str) -> &'a Value {
    users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["email"] == email)
        .unwrap_or_else(|| panic!("{email} is listed"))
}

#[tokio::test]
async fn a_bounced_client_is_sent_no_more_links_and_the_answer_does_not_tell() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let bounced = deliver(&app, event_for("permanent-bounce", &client.email)).await;
    assert_eq!(
        bounced,
        EmailEventsRun {
            suppressed: 1,
            ignored: 0
        }
    );

    let before = app.emails_to(&client.email).await.len();
    assert_eq!(
        app.request_link(&client.email).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        app.emails_to(&client.email).await.len(),
        before,
        "nothing is mailed to a bounced address"
    );
    // Someone else is mailed as before, under the configuration set.
    let other = app.seed_client().await;
    assert_eq!(
        app.request_link(&other.email).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(app.emails_to(&other.email).await.len(), 1);
}

#[tokio::test]
async fn administrators_see_which_addresses_bounced_or_complained() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let admin = app.seed_firm_user_in(&client, Role::Admin).await;
    let staff = app.seed_firm_user_in(&client, Role::Staff).await;
    let session = app.password_sign_in(&admin.email).await;
    let complaint = event_for("complaint", &staff.email);
    assert_eq!(deliver(&app, complaint).await.suppressed, 1);
    let since = app.clock_now();

    let users: Value = app.get("/firm/users", &session).await.json().await.unwrap();
    assert_eq!(
        row(&users, &staff.email)["email_suppressed"],
        json!({"reason": "complaint", "since": portcullis::http::bodies::rfc3339(since)})
    );
    assert_eq!(row(&users, &admin.email)["email_suppressed"], Value::Null);

    // Adding a client whose address bounced says so, so the firm can ask for another.
    let bounced = crate::helpers::unique_email("bounced");
    deliver(&app, event_for("permanent-bounce", &bounced)).await;
    let added = app
        .post_as(
            "/firm/clients",
            &session,
            &json!({"email": bounced, "name": "Bea Bounce", "language": "en"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["email_undeliverable"], true);
    assert!(
        added.get("email_suppressed").is_none(),
        "not why, nor since when"
    );
}

#[tokio::test]
async fn the_operator_mails_an_address_again_once_its_owner_fixed_it() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    deliver(&app, event_for("permanent-bounce", &client.email)).await;
    let lifted = app
        .cli(&["unsuppress", "--email", &client.email])
        .await
        .unwrap();
    assert!(
        lifted.starts_with(&format!("{} is mailed again", client.email)),
        "{lifted}"
    );
    assert!(lifted.contains("for a bounce"), "{lifted}");
    assert_eq!(
        app.request_link(&client.email).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(app.emails_to(&client.email).await.len(), 1);
    let again = app
        .cli(&["unsuppress", "--email", &client.email])
        .await
        .unwrap();
    assert_eq!(again.trim(), format!("{} was not suppressed", client.email));
}

#[tokio::test]
async fn the_same_event_delivered_again_changes_nothing() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let event = || event_for("permanent-bounce", &client.email);
    let address = portcullis::domain::EmailAddress::parse(&client.email).unwrap();
    deliver(&app, event()).await;
    let first = app.store.suppression(&address).await.unwrap();
    assert!(first.is_some());
    app.clock.advance(time::Duration::minutes(5));
    assert_eq!(deliver(&app, event()).await.suppressed, 1);
    assert_eq!(app.store.suppression(&address).await.unwrap(), first);
}
