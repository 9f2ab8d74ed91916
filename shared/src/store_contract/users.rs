//! The contract of [`UserStore`](crate::accounts::UserStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, client, email, ok, stored_staff, whole_seconds};
use crate::accounts::User;
use crate::domain::{AuditKind, FirmId, Language, UserId};
use crate::ports::{Conditional, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    create_and_read(store, now).await;
    create_races(store, now).await;
    set_language(store, now).await;
    force_password_change(store, now).await;
    expire_password(store, now).await;
    expiry_notices(store, now).await;
    users_of_firm(store, now).await;
    super::passwords::replace_password(store, now).await;
    super::passwords::replace_password_spending_a_link(store, now).await;
}

async fn create_and_read(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    assert_eq!(
        ok("user", store.user(user.id).await),
        Some(user.clone()),
        "create_user: the user reads back as written"
    );
    assert_eq!(
        ok(
            "user_id_by_email",
            store.user_id_by_email(&user.email).await
        ),
        Some(user.id),
        "create_user: the email address is claimed by the user"
    );
    assert_eq!(
        ok("user", store.user(UserId::new()).await),
        None,
        "user: an unknown id is None"
    );
    assert_eq!(
        ok("user_id_by_email", store.user_id_by_email(&email()).await),
        None,
        "user_id_by_email: an unknown address is None"
    );

    let same_email = User {
        id: UserId::new(),
        ..user.clone()
    };
    let created = ok(
        "create_user",
        store
            .create_user(
                &same_email,
                &audit(AuditKind::UserCreated, now, same_email.id),
            )
            .await,
    );
    assert_eq!(
        created,
        Conditional::Refused,
        "create_user: an address that belongs to someone is Refused"
    );
    assert_eq!(
        ok("user", store.user(same_email.id).await),
        None,
        "create_user: a Refused user is not stored"
    );

    let same_id = User {
        email: email(),
        ..user.clone()
    };
    let created = ok(
        "create_user",
        store
            .create_user(&same_id, &audit(AuditKind::UserCreated, now, user.id))
            .await,
    );
    assert_eq!(
        created,
        Conditional::Refused,
        "create_user: an id that exists is Refused"
    );
    assert_eq!(
        ok(
            "user_id_by_email",
            store.user_id_by_email(&same_id.email).await
        ),
        None,
        "create_user: a Refused user's address is not claimed"
    );
    assert_eq!(
        ok("user", store.user(user.id).await),
        Some(user),
        "create_user: a Refused user leaves the existing one as it was"
    );
}

async fn create_races(store: &dyn Store, now: OffsetDateTime) {
    let address = email();
    let users: Vec<User> = (0..6)
        .map(|_| User {
            email: address.clone(),
            ..client(FirmId::new(), now)
        })
        .collect();
    let audits: Vec<_> = users
        .iter()
        .map(|user| audit(AuditKind::UserCreated, now, user.id))
        .collect();
    let outcomes = join_all(
        users
            .iter()
            .zip(&audits)
            .map(|(user, audit)| store.create_user(user, audit)),
    )
    .await;
    assert_eq!(
        applied("create_user race", outcomes),
        1,
        "create_user: of 6 concurrent users with one address, exactly one is Applied"
    );
    let owner = ok("user_id_by_email", store.user_id_by_email(&address).await)
        .expect("create_user race: the address is claimed");
    let mut stored = 0;
    for user in &users {
        if ok("user", store.user(user.id).await).is_some() {
            stored += 1;
            assert_eq!(
                user.id, owner,
                "create_user race: the stored user owns the address"
            );
        }
    }
    assert_eq!(
        stored, 1,
        "create_user race: exactly one of the users is stored"
    );
}

async fn set_language(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    let changed = ok(
        "set_language",
        store
            .set_language(
                user.id,
                Language::Fr,
                &audit(AuditKind::LanguageChanged, now, user.id),
            )
            .await,
    );
    assert_eq!(
        changed,
        Conditional::Applied,
        "set_language: Applied for a user"
    );
    let read = ok("user", store.user(user.id).await).expect("the user");
    assert_eq!(
        read.language,
        Language::Fr,
        "set_language: the language reads back"
    );
    let nobody = UserId::new();
    let changed = ok(
        "set_language",
        store
            .set_language(
                nobody,
                Language::Es,
                &audit(AuditKind::LanguageChanged, now, nobody),
            )
            .await,
    );
    assert_eq!(
        changed,
        Conditional::Refused,
        "set_language: Refused for an unknown user"
    );
    assert_eq!(
        ok("user", store.user(nobody).await),
        None,
        "set_language: a Refused change creates no user"
    );
}

async fn force_password_change(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    let forced = ok(
        "force_password_change",
        store
            .force_password_change(
                user.id,
                &audit(AuditKind::PasswordChangeForced, now, user.id),
            )
            .await,
    );
    assert_eq!(
        forced,
        Conditional::Applied,
        "force_password_change: Applied for a user with a password"
    );
    let read = ok("user", store.user(user.id).await).expect("the user");
    assert!(
        read.password.as_ref().is_some_and(|p| p.must_change),
        "force_password_change: the password must change"
    );
    assert_eq!(
        read.credential_version, 1,
        "force_password_change: the credential version moves on"
    );

    let customer = client(FirmId::new(), now);
    ok(
        "create_user",
        store
            .create_user(&customer, &audit(AuditKind::UserCreated, now, customer.id))
            .await,
    );
    let forced = ok(
        "force_password_change",
        store
            .force_password_change(
                customer.id,
                &audit(AuditKind::PasswordChangeForced, now, customer.id),
            )
            .await,
    );
    assert_eq!(
        forced,
        Conditional::Refused,
        "force_password_change: Refused for a user without a password"
    );
    let read = ok("user", store.user(customer.id).await).expect("the client");
    assert_eq!(
        read, customer,
        "force_password_change: a Refused change leaves the user as it was"
    );
    let nobody = UserId::new();
    let forced = ok(
        "force_password_change",
        store
            .force_password_change(nobody, &audit(AuditKind::PasswordChangeForced, now, nobody))
            .await,
    );
    assert_eq!(
        forced,
        Conditional::Refused,
        "force_password_change: Refused for an unknown user"
    );
}

async fn expire_password(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    let changed_at = user.password.as_ref().expect("a password").changed_at;
    let expire = |at| async move {
        ok(
            "expire_password",
            store
                .expire_password(
                    user.id,
                    at,
                    &audit(AuditKind::PasswordChangeForced, now, user.id),
                )
                .await,
        )
    };
    assert_eq!(
        expire(changed_at - Duration::DAY).await,
        Conditional::Refused,
        "expire_password: Refused for a password changed since"
    );
    let at_once = join_all([expire(changed_at), expire(changed_at)]).await;
    assert_eq!(
        at_once
            .iter()
            .filter(|c| **c == Conditional::Applied)
            .count(),
        1,
        "expire_password: of two at once, one forces the change: {at_once:?}"
    );
    let read = ok("user", store.user(user.id).await).expect("the user");
    assert!(read.password.as_ref().is_some_and(|p| p.must_change));
    assert_eq!(
        read.credential_version, 1,
        "expire_password: the credential version moves on once"
    );
    assert_eq!(
        expire(changed_at).await,
        Conditional::Refused,
        "expire_password: Refused once a change is forced"
    );
}

async fn expiry_notices(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    let changed_at = user.password.as_ref().expect("a password").changed_at;
    let other = changed_at - Duration::DAY;
    assert_eq!(
        ok(
            "claim_expiry_notice",
            store.claim_expiry_notice(user.id, other).await
        ),
        Conditional::Refused,
        "claim_expiry_notice: Refused for another password than the current one"
    );
    assert_eq!(
        ok(
            "claim_expiry_notice",
            store.claim_expiry_notice(user.id, changed_at).await
        ),
        Conditional::Applied,
        "claim_expiry_notice: Applied the first time"
    );
    let read = ok("user", store.user(user.id).await).expect("the user");
    assert_eq!(
        read.password.and_then(|p| p.notice_sent_for),
        Some(changed_at),
        "claim_expiry_notice: notice_sent_for reads back"
    );
    assert_eq!(
        ok(
            "claim_expiry_notice",
            store.claim_expiry_notice(user.id, changed_at).await
        ),
        Conditional::Refused,
        "claim_expiry_notice: Refused once claimed"
    );
    ok(
        "release_expiry_notice",
        store.release_expiry_notice(user.id).await,
    );
    let read = ok("user", store.user(user.id).await).expect("the user");
    assert_eq!(
        read.password.and_then(|p| p.notice_sent_for),
        None,
        "release_expiry_notice: notice_sent_for is gone"
    );

    let claims = join_all((0..6).map(|_| store.claim_expiry_notice(user.id, changed_at))).await;
    assert_eq!(
        applied("claim_expiry_notice race", claims),
        1,
        "claim_expiry_notice: of 6 concurrent claims after a release, exactly one is Applied"
    );
    assert_eq!(
        ok(
            "claim_expiry_notice",
            store.claim_expiry_notice(UserId::new(), changed_at).await
        ),
        Conditional::Refused,
        "claim_expiry_notice: Refused for an unknown user"
    );
}

async fn users_of_firm(store: &dyn Store, now: OffsetDateTime) {
    let firm = FirmId::new();
    let members = [super::fixtures::staff(firm, now), client(firm, now)];
    for user in &members {
        ok(
            "create_user",
            store
                .create_user(user, &audit(AuditKind::UserCreated, now, user.id))
                .await,
        );
    }
    let elsewhere = stored_staff(store, now).await;
    let mut listed = ok("users_of_firm", store.users_of_firm(firm).await);
    listed.sort_by_key(|user| user.id);
    let mut expected = members.to_vec();
    expected.sort_by_key(|user| user.id);
    assert_eq!(
        listed, expected,
        "users_of_firm: every user of the firm, clients included, and nobody else"
    );
    assert!(
        !ok(
            "users_of_firm",
            store.users_of_firm(elsewhere.firm_id).await
        )
        .iter()
        .any(|user| members.iter().any(|m| m.id == user.id)),
        "users_of_firm: no user of another firm"
    );
    assert!(
        ok("users_of_firm", store.users_of_firm(FirmId::new()).await).is_empty(),
        "users_of_firm: nobody in an unknown firm"
    );
}
