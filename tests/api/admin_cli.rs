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
