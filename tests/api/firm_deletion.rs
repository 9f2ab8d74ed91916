//! `portcullis delete-firm --firm ID`: a firm and everything of it go, from the
//! table and the bucket; another firm, and its client who was a client of the
//! deleted firm too, stay.

use portcullis::accounts::{FirmStore, UserStore};
use portcullis::documents::CaseStore;
use portcullis::domain::{EmailAddress, FirmId, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::uploads::pdf;

#[tokio::test]
async fn deleting_a_firm_removes_its_users_cases_documents_files_and_recoveries_and_nothing_else() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;
    let staff = app.seed_firm_user_in(&admin, Role::Staff).await;
    let client = app.seed_client_in(&admin).await;
    let other = app.seed_client().await;
    let admin_session = app.password_sign_in(&admin.email).await;

    // The client sends a document, its bytes put twice (two versions; the URL
    // signs the length).
    let case = app.case_ids_of(client.id).await[0];
    let client_session = app.sign_in(&client.email).await;
    let documents = app
        .upload(
            &client_session,
            case,
            &[pdf("Will.pdf", b"%PDF-1 will")],
            None,
        )
        .await;
    app.put_bytes(&documents[0]["upload"], b"%PDF-1 WILL".to_vec())
        .await;
    assert_eq!(app.object_versions(&format!("cases/{case}/")).await, 2);
    // The staff member's recovery, opened by the administrator.
    let recovery = app
        .post_as(
            &format!("/firm/users/{}/recovery", staff.id),
            &admin_session,
            &json!({}),
        )
        .await;
    assert_eq!(recovery.status(), StatusCode::CREATED);
    // The other firm's client becomes a client of this firm too, in one of its cases.
    let shared = app
        .post_as(
            "/firm/clients",
            &admin_session,
            &json!({"email": other.email, "name": "Other Client", "language": "en"}),
        )
        .await;
    assert_eq!(shared.status(), StatusCode::CREATED);
    let added = app
        .put_as(
            &format!("/firm/cases/{case}/members/{}", other.id),
            &admin_session,
        )
        .await;
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let firm_cases = app.store.cases_of_firm(admin.firm).await.unwrap();
    assert_eq!(firm_cases.len(), 6);

    let printed = app
        .cli(&["delete-firm", "--firm", &admin.firm.to_string()])
        .await
        .unwrap();

    assert!(
        printed.starts_with("deleted: 3 users, 6 cases, ")
            && printed.contains(", 2 objects, 0 phones"),
        "{printed}"
    );
    assert!(app.store.firm(admin.firm).await.unwrap().is_none());
    for user in [&admin, &staff, &client] {
        assert!(app.store.user(user.id).await.unwrap().is_none());
        let email = EmailAddress::parse(&user.email).unwrap();
        assert_eq!(app.store.user_id_by_email(&email).await.unwrap(), None);
    }
    for case in &firm_cases {
        assert!(app.store.case(case.id).await.unwrap().is_none());
    }
    assert_eq!(app.object_versions("cases/").await, 0);
    let me = app.get_me(&admin_session).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    // The other firm and its client are as they were, without the deleted case.
    assert!(app.store.firm(other.firm).await.unwrap().is_some());
    assert!(app.store.user(other.id).await.unwrap().is_some());
    assert_eq!(app.case_ids_of(other.id).await.len(), 2);
    assert!(!app.store.is_client_of(admin.firm, other.id).await.unwrap());
    assert_eq!(
        app.get_me(&app.sign_in(&other.email).await).await.status(),
        StatusCode::OK
    );

    // What still names the firm, its users or its cases is the other client's
    // audit trail (append-only: that they were a client of it), and what is keyed
    // by a secret's digest and expires by itself (the client's spent login link,
    // the browser the administrator signed in with).
    let others_trail = format!("USER#{}", other.id);
    let ids: Vec<String> = [admin.firm.to_string()]
        .into_iter()
        .chain([admin.id, staff.id, client.id].map(|id| id.to_string()))
        .chain(firm_cases.iter().map(|case| case.id.to_string()))
        .collect();
    let mut left: Vec<String> = app
        .table_items()
        .await
        .into_iter()
        .filter(|item| {
            let text = format!("{item:?}");
            ids.iter().any(|id| text.contains(id.as_str()))
                && !(item["pk"].as_s().unwrap() == &others_trail && item.contains_key("kind"))
        })
        .map(|item| {
            let pk = item["pk"].as_s().unwrap().clone();
            let kind = pk.split('#').next().unwrap_or_default().to_owned();
            assert!(item.contains_key("ttl"), "{pk} has no ttl");
            kind
        })
        .collect();
    left.sort();
    assert_eq!(left, ["LOGINLINK", "TRUSTED"]);
}

#[tokio::test]
async fn a_firm_is_deleted_only_when_named_by_its_id() {
    let app = spawn_app().await;
    let admin = app.seed_firm_user(Role::Admin).await;

    let unnamed = app.cli(&["delete-firm"]).await.unwrap_err();
    assert!(unnamed.to_string().contains("--firm <FIRM>"), "{unnamed}");
    let all = app
        .cli(&["delete-firm", "--firm", "all"])
        .await
        .unwrap_err();
    assert_eq!(all.to_string(), "--firm is not a firm id");
    let unknown = FirmId::new().to_string();
    let none = app
        .cli(&["delete-firm", "--firm", &unknown])
        .await
        .unwrap_err();
    assert_eq!(none.to_string(), format!("there is no firm {unknown}"));

    let listed: Value = app
        .get_me(&app.password_sign_in(&admin.email).await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["email"], admin.email.as_str());
}

#[tokio::test]
async fn a_firm_whose_client_another_firm_added_too_is_not_deleted() {
    let app = spawn_app().await;
    // The client's own firm, and another firm that adds them to a case of its own.
    let client = app.seed_client().await;
    let other_admin = app.seed_firm_user(Role::Admin).await;
    let other_session = app.password_sign_in(&other_admin.email).await;
    let added = app
        .post_as(
            "/firm/clients",
            &other_session,
            &json!({"email": client.email, "name": "Casey Client", "language": "en"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let before = app.table_items().await;

    let refused = app
        .cli(&["delete-firm", "--firm", &client.firm.to_string()])
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("1 of the firm's clients are clients of other firms too"),
        "{refused:#}"
    );
    assert!(refused.to_string().contains(&client.id.to_string()));
    assert_eq!(app.table_items().await, before, "nothing was deleted");
    let profile = app.store.user(client.id).await.unwrap();
    assert!(profile.is_some());
}
