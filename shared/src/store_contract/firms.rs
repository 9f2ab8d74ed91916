//! The contract of [`FirmStore`](crate::accounts::FirmStore).

use futures::future::join_all;
use time::OffsetDateTime;

use super::fixtures::{applied, audit, firm, ok, whole_seconds};
use crate::accounts::{FirmSettings, PasswordExpiry};
use crate::domain::{AuditKind, FirmId, UserId};
use crate::ports::{Conditional, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    create_and_read(store, now).await;
    clients(store, now).await;
    settings(store, now).await;
}

async fn create_and_read(store: &dyn Store, now: OffsetDateTime) {
    let first = firm(now);
    let second = crate::accounts::Firm {
        settings: FirmSettings {
            require_strong_passwords: true,
            password_expiry: PasswordExpiry::from_days(90).expect("90 days"),
            require_mfa: true,
        },
        ..firm(now)
    };
    ok("create_firm", store.create_firm(&first).await);
    ok("create_firm", store.create_firm(&second).await);
    assert_eq!(
        ok("firm", store.firm(first.id).await),
        Some(first.clone()),
        "create_firm: the firm reads back as written"
    );
    assert_eq!(
        ok("firm", store.firm(second.id).await),
        Some(second.clone()),
        "create_firm: the firm's settings read back as written"
    );
    assert_eq!(
        ok("firm", store.firm(FirmId::new()).await),
        None,
        "firm: an unknown id is None"
    );
    let listed = ok("firms", store.firms().await);
    for created in [&first, &second] {
        assert!(
            listed.contains(created),
            "firms: every firm is listed, as written"
        );
    }

    let overwrite = crate::accounts::Firm {
        name: "Someone else".into(),
        ..first.clone()
    };
    assert!(
        store.create_firm(&overwrite).await.is_err(),
        "create_firm: a firm whose id exists is an error"
    );
    assert_eq!(
        ok("firm", store.firm(first.id).await),
        Some(first),
        "create_firm: a refused firm leaves the existing one"
    );
}

async fn clients(store: &dyn Store, now: OffsetDateTime) {
    let (firm, other) = (FirmId::new(), FirmId::new());
    let user = UserId::new();
    assert!(
        !ok("is_client_of", store.is_client_of(firm, user).await),
        "is_client_of: false before add_client"
    );
    let event = audit(AuditKind::ClientAdded, now, user);
    assert_eq!(
        ok("add_client", store.add_client(firm, user, &event).await),
        Conditional::Applied,
        "add_client: Applied the first time"
    );
    assert!(
        ok("is_client_of", store.is_client_of(firm, user).await),
        "add_client: is_client_of is true after"
    );
    assert!(
        !ok("is_client_of", store.is_client_of(other, user).await),
        "add_client: only of that firm"
    );
    assert_eq!(
        ok("add_client", store.add_client(firm, user, &event).await),
        Conditional::Refused,
        "add_client: Refused when a client already"
    );

    let racer = UserId::new();
    let event = audit(AuditKind::ClientAdded, now, racer);
    let outcomes = join_all((0..6).map(|_| store.add_client(other, racer, &event))).await;
    assert_eq!(
        applied("add_client race", outcomes),
        1,
        "add_client: of 6 concurrent adds, exactly one is Applied"
    );
    assert!(
        ok("is_client_of", store.is_client_of(other, racer).await),
        "add_client race: the client is added"
    );
}

async fn settings(store: &dyn Store, now: OffsetDateTime) {
    let created = firm(now);
    ok("create_firm", store.create_firm(&created).await);
    let settings = FirmSettings {
        require_strong_passwords: true,
        password_expiry: PasswordExpiry::from_days(30).expect("30 days"),
        require_mfa: true,
    };
    let admin = UserId::new();
    let event = audit(AuditKind::PolicyChanged, now, admin);
    assert_eq!(
        ok(
            "set_firm_settings",
            store.set_firm_settings(created.id, &settings, &event).await
        ),
        Conditional::Applied,
        "set_firm_settings: Applied for a firm"
    );
    let read = ok("firm", store.firm(created.id).await).expect("the firm");
    assert_eq!(
        read.settings, settings,
        "set_firm_settings: the settings read back"
    );
    assert_eq!(
        (read.name, read.created_at),
        (created.name, created.created_at),
        "set_firm_settings: the rest of the firm stays"
    );
    let back = FirmSettings::default();
    assert_eq!(
        ok(
            "set_firm_settings",
            store.set_firm_settings(created.id, &back, &event).await
        ),
        Conditional::Applied,
        "set_firm_settings: Applied again"
    );
    assert_eq!(
        ok("firm", store.firm(created.id).await).map(|f| f.settings),
        Some(back),
        "set_firm_settings: the defaults read back"
    );
    let nowhere = FirmId::new();
    assert_eq!(
        ok(
            "set_firm_settings",
            store.set_firm_settings(nowhere, &settings, &event).await
        ),
        Conditional::Refused,
        "set_firm_settings: Refused for an unknown firm"
    );
    assert_eq!(
        ok("firm", store.firm(nowhere).await),
        None,
        "set_firm_settings: a Refused change creates no firm"
    );
}
