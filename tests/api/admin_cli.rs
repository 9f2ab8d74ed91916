//! What the operator CLI does to a deployment, through the same library it runs.

use portcullis::domain::Role;
use portcullis_cli::admin::Admin;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_firm_users_password_is_stored_only_as_its_argon2id_hash() {
    let app = spawn_app().await;
    let admin = app.seed_user(Role::Admin).await;
    let password = "lantern orbit quietly";

    app.operator()
        .set_password(&admin.email, password.to_owned())
        .await
        .unwrap();

    let dump = app.table_dump().await;
    assert!(!dump.contains(password));
    assert!(dump.contains("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(
        app.audit_kinds(admin.id)
            .await
            .contains(&"password_set".to_owned())
    );
}

#[tokio::test]
async fn clients_are_never_given_a_password() {
    let app = spawn_app().await;
    let client = app.seed_client().await;

    let refused = app
        .operator()
        .set_password(&client.email, "lantern orbit quietly".to_owned())
        .await;
    assert!(refused.unwrap_err().to_string().contains("no password"));
    assert!(!app.table_dump().await.contains("argon2id"));
}

#[tokio::test]
async fn a_common_or_personal_password_is_refused() {
    let app = spawn_app().await;
    let admin = app.seed_user(Role::Admin).await;
    let operator: Admin<'_> = app.operator();

    for weak in ["password123", "Casey-Client-1", "short"] {
        let refused = operator.set_password(&admin.email, weak.to_owned()).await;
        assert!(refused.is_err(), "{weak}");
    }
    assert!(!app.table_dump().await.contains("argon2id"));
}

#[tokio::test]
async fn the_cli_finds_the_stack_make_dev_runs_and_an_endpoint_named_wins_over_it() {
    use portcullis::accounts::FirmStore;
    use portcullis::aws::DynamoStore;
    use portcullis::clock::SystemClock;
    use portcullis_cli::dev_stack::{DevStack, Written};
    use portcullis_cli::target::{Named, Target};

    let app = spawn_app().await;
    let path = std::env::temp_dir().join(format!("portcullis-stack-{}.json", uuid::Uuid::new_v4()));
    DevStack {
        endpoint: app.emulator.endpoint().to_owned(),
        env: [("TABLE_NAME".to_owned(), app.table.clone())].into(),
        api_url: None,
    }
    .write(&path)
    .unwrap();
    let _gone = Written(path.clone());

    // Nothing named: the dev stack, its emulator and its table.
    let aws = || aws_config::defaults(aws_config::BehaviorVersion::latest());
    let target = Target::find(Named::default(), aws(), &path).await.unwrap();
    let table = target.setting(None, "TABLE_NAME").unwrap();
    assert_eq!(table, app.table);
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&target.sdk), table);
    let operator = Admin {
        store: &store,
        clock: &SystemClock,
    };
    let firm = operator.create_firm("Found by the CLI LLP").await.unwrap();
    assert_eq!(
        app.store.firm(firm).await.unwrap().map(|f| f.name),
        Some("Found by the CLI LLP".to_owned())
    );
    // The process's own setting wins over the stack's.
    assert_eq!(
        target
            .setting(Some("other".into()), "TABLE_NAME")
            .as_deref(),
        Some("other")
    );
    // An endpoint named: the dev stack is not read.
    let endpoint = Named {
        endpoint: Some("http://127.0.0.1:9"),
        stack: None,
    };
    let named = Target::find(endpoint, aws(), &path).await.unwrap();
    assert!(named.dev.is_none());
}
