//! Cases as people see them, and what firm users do with them: new clients, new
//! cases, sharing a case.

use portcullis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{error_code, spawn_app, token_in};
use crate::uploads::pdf;

#[tokio::test]
async fn a_client_lists_their_cases_with_the_firm_name_most_recently_updated_first() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let lawyer = app.seed_firm_user_in(&client, Role::Admin).await;
    let session = app.sign_in(&client.email).await;
    let cases = app.case_ids_of(client.id).await;
    let (doe_v_roe, estate) = (cases[0], cases[1]);

    app.clock.advance(time::Duration::minutes(5));
    let lawyer_session = app.password_sign_in(&lawyer.email).await;
    app.upload_and_notify(
        &lawyer_session,
        estate,
        &[pdf("Inventory.pdf", b"%PDF")],
        None,
    )
    .await;

    let body: Value = app.get("/cases", &session).await.json().await.unwrap();
    let listed = body["cases"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        listed[0]["id"],
        estate.to_string(),
        "the updated case comes first"
    );
    assert_eq!(listed[0]["title"], "Estate of Doe");
    assert_eq!(listed[0]["firm"], json!({"name": "Example LLP"}));
    assert_eq!(listed[1]["id"], doe_v_roe.to_string());
    assert!(listed[0]["updated_at"].as_str().unwrap() > listed[1]["updated_at"].as_str().unwrap());
}

#[tokio::test]
async fn a_firm_user_lists_every_case_of_their_firm_and_no_other() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let other_client = app.seed_client_in(&client).await;
    let lawyer = app.seed_firm_user_in(&client, Role::Staff).await;
    app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&lawyer.email).await;

    let body: Value = app.get("/cases", &session).await.json().await.unwrap();
    let mut listed: Vec<String> = body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["id"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    let mut expected = Vec::new();
    for user in [client.id, other_client.id, lawyer.id] {
        expected.extend(app.case_ids_of(user).await.iter().map(ToString::to_string));
    }
    expected.sort();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn a_firm_user_creates_a_client_and_a_case_and_shares_it_once() {
    let app = spawn_app().await;
    let lawyer = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&lawyer.email).await;
    let email = crate::helpers::unique_email("jordan");

    let response = app
        .post_as(
            "/firm/clients",
            &session,
            &json!({"email": email, "name": "Jordan Client", "language": "fr"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let client: Value = response.json().await.unwrap();
    assert_eq!(client["role"], "client");
    assert_eq!(client["language"], "fr");
    assert!(
        app.emails_to(&email).await.is_empty(),
        "no email before a case is shared"
    );
    let again = app
        .post_as(
            "/firm/clients",
            &session,
            &json!({"email": email.to_uppercase(), "name": "Jordan", "language": "en"}),
        )
        .await;
    // A client already: the same answer, for the same person.
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], client["id"]);

    let response = app
        .post_as(
            "/firm/cases",
            &session,
            &json!({"title": "  Purchase of 12 Elm Street "}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let case: Value = response.json().await.unwrap();
    assert_eq!(case["title"], "Purchase of 12 Elm Street");
    assert_eq!(case["firm"]["name"], "Example LLP");
    let case_id = case["id"].as_str().unwrap();
    let client_id = client["id"].as_str().unwrap();

    let path = format!("/firm/cases/{case_id}/members/{client_id}");
    assert_eq!(
        app.put_as(&path, &session).await.status(),
        StatusCode::NO_CONTENT
    );
    let emails = app.emails_to(&email).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(
        emails[0].subject,
        "Example LLP a partagé un dossier avec vous"
    );
    assert!(emails[0].body.contains("Purchase of 12 Elm Street"));
    let token = token_in(&emails[0].body, &app.address);
    let signed_in = app.verify(&token).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let client_session = signed_in.json::<Value>().await.unwrap()["session_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases: Value = app
        .get("/cases", &client_session)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cases["cases"][0]["id"], case_id);

    assert_eq!(
        app.put_as(&path, &session).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.emails_to(&email).await.len(),
        1,
        "sharing again sends nothing"
    );
    let client_uuid = portcullis::domain::UserId::parse(client_id).unwrap();
    let audit = app.audit_kinds(client_uuid).await;
    assert_eq!(
        audit.iter().filter(|kind| *kind == "case_shared").count(),
        1
    );
}

#[tokio::test]
async fn the_case_creator_is_responsible_for_it_and_hears_of_client_uploads() {
    let app = spawn_app().await;
    let lawyer = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&lawyer.email).await;
    let client = app.seed_client_in(&lawyer).await;
    let case: Value = app
        .post_as("/firm/cases", &session, &json!({"title": "New matter"}))
        .await
        .json()
        .await
        .unwrap();
    let case_id = portcullis::domain::CaseId::parse(case["id"].as_str().unwrap()).unwrap();
    app.put_as(
        &format!("/firm/cases/{case_id}/members/{}", client.id),
        &session,
    )
    .await;
    let client_session = app.sign_in(&client.email).await;
    app.upload_and_notify(&client_session, case_id, &[pdf("Facts.pdf", b"%PDF")], None)
        .await;
    let emails = app.emails_to(&lawyer.email).await;
    assert_eq!(
        emails.last().unwrap().subject,
        "Casey Client sent 1 document"
    );
}

#[tokio::test]
async fn with_nobody_responsible_a_clients_upload_goes_to_the_firm_administrators() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let admin = app.seed_firm_user_in(&client, Role::Admin).await;
    let staff = app.seed_firm_user_in(&client, Role::Staff).await;
    let case = app.case_ids_of(client.id).await[0];
    let session = app.sign_in(&client.email).await;
    app.upload_and_notify(&session, case, &[pdf("Will.pdf", b"%PDF")], None)
        .await;
    assert_eq!(app.emails_to(&admin.email).await.len(), 1);
    assert!(app.emails_to(&staff.email).await.is_empty());
}

#[tokio::test]
async fn clients_cannot_use_the_firm_routes() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let case = app.case_ids_of(client.id).await[0];
    let session = app.sign_in(&client.email).await;
    let responses = [
        app.post_as(
            "/firm/clients",
            &session,
            &json!({"email": "x@example.com", "name": "X", "language": "en"}),
        )
        .await,
        app.post_as("/firm/cases", &session, &json!({"title": "Mine"}))
            .await,
        app.put_as(
            &format!("/firm/cases/{case}/members/{}", client.id),
            &session,
        )
        .await,
    ];
    for response in responses {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(error_code(response).await, "forbidden");
    }
}

#[tokio::test]
async fn only_users_of_the_cases_firm_can_be_added() {
    let app = spawn_app().await;
    let lawyer = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&lawyer.email).await;
    let case = app.case_ids_of(lawyer.id).await[0];
    let stranger = app.seed_client().await;
    for user in [
        stranger.id.to_string(),
        uuid::Uuid::new_v4().to_string(),
        "nope".into(),
    ] {
        let response = app
            .put_as(&format!("/firm/cases/{case}/members/{user}"), &session)
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{user}");
        assert_eq!(error_code(response).await, "user_not_found");
    }
    assert!(app.emails_to(&stranger.email).await.is_empty());
}

#[tokio::test]
async fn bad_client_and_case_details_are_refused_with_their_own_codes() {
    let app = spawn_app().await;
    let lawyer = app.seed_firm_user(Role::Staff).await;
    let session = app.password_sign_in(&lawyer.email).await;
    let cases = [
        (
            "/firm/clients",
            json!({"email": "nope", "name": "X", "language": "en"}),
            "invalid_email",
        ),
        (
            "/firm/clients",
            json!({"email": "a@example.com", "name": " ", "language": "en"}),
            "invalid_name",
        ),
        (
            "/firm/clients",
            json!({"email": "a@example.com", "name": "X", "language": "de"}),
            "unsupported_language",
        ),
        (
            "/firm/clients",
            json!({"email": "a@example.com"}),
            "invalid_request",
        ),
        ("/firm/cases", json!({"title": ""}), "invalid_title"),
        (
            "/firm/cases",
            json!({"title": "Line\nbreak"}),
            "invalid_title",
        ),
        ("/firm/cases", json!({"name": "X"}), "invalid_request"),
    ];
    for (path, body, code) in cases {
        let response = app.post_as(path, &session, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{code}");
        assert_eq!(error_code(response).await, code);
    }
}

async fn new_client(
    app: &crate::helpers::TestApp,
    session: &str,
    email: &str,
) -> (StatusCode, Value) {
    let response = app
        .post_as(
            "/firm/clients",
            session,
            &json!({"email": email, "name": "Casey C.", "language": "es"}),
        )
        .await;
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_client_of_another_firm_becomes_a_client_of_this_one_too_and_sees_both_firms_cases() {
    let app = spawn_app().await;
    let client = app.seed_client().await;
    let other_firm = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&other_firm.email).await;

    let (status, existing) = new_client(&app, &session, &client.email).await;
    let (new_status, fresh) =
        new_client(&app, &session, &crate::helpers::unique_email("fresh")).await;
    // Nothing tells the firm that the address was known elsewhere.
    assert_eq!(
        (status, new_status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    let keys = |body: &Value| {
        let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&existing), keys(&fresh));
    assert_eq!(existing["name"], "Casey C.");
    assert_eq!(existing["language"], "es");
    assert_eq!(existing["role"], "client");
    assert_eq!(existing["id"], client.id.to_string());

    let case: Value = app
        .post_as("/firm/cases", &session, &json!({"title": "Roe Trust"}))
        .await
        .json()
        .await
        .unwrap();
    let shared = app
        .put_as(
            &format!(
                "/firm/cases/{}/members/{}",
                case["id"].as_str().unwrap(),
                client.id
            ),
            &session,
        )
        .await;
    assert_eq!(shared.status(), StatusCode::NO_CONTENT);
    let email = app
        .emails_to(&client.email)
        .await
        .pop()
        .expect("the share email");
    assert!(email.subject.contains("Roe Trust") || email.body.contains("Roe Trust"));

    let client_session = app.sign_in(&client.email).await;
    let body: Value = app
        .get("/cases", &client_session)
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles.contains(&"Roe Trust"));
    let case_page = app
        .get(
            &format!("/cases/{}/documents", case["id"].as_str().unwrap()),
            &client_session,
        )
        .await;
    assert_eq!(case_page.status(), StatusCode::OK);
}

#[tokio::test]
async fn only_the_firms_own_users_are_refused_as_clients_and_another_firms_gain_nothing() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let session = app.password_sign_in(&admin.email).await;
    let colleague = app.seed_firm_user_in(&admin, Role::Staff).await;
    let (status, body) = new_client(&app, &session, &colleague.email).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "email_taken");

    // A lawyer of another firm: the same answer as anyone, and no access to this
    // firm's cases by being made a member of one.
    let elsewhere = app.seed_firm_user(Role::Staff).await;
    let (status, added) = new_client(&app, &session, &elsewhere.email).await;
    assert_eq!(status, StatusCode::CREATED);
    let case: Value = app
        .post_as("/firm/cases", &session, &json!({"title": "Private matter"}))
        .await
        .json()
        .await
        .unwrap();
    let case_id = case["id"].as_str().unwrap();
    let shared = app
        .put_as(
            &format!(
                "/firm/cases/{case_id}/members/{}",
                added["id"].as_str().unwrap()
            ),
            &session,
        )
        .await;
    assert_eq!(shared.status(), StatusCode::NO_CONTENT);
    let their_session = app.password_sign_in(&elsewhere.email).await;
    let seen = app
        .get(&format!("/cases/{case_id}/documents"), &their_session)
        .await;
    assert_eq!(seen.status(), StatusCode::NOT_FOUND);
    let body: Value = app
        .get("/cases", &their_session)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|case| case["title"] != "Private matter")
    );
}
