//! The contract of [`UserStore::replace_password`](crate::accounts::UserStore::replace_password).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, ok, password, started_session, stored_staff};
use crate::accounts::PasswordChange;
use crate::domain::{AuditKind, UserId};
use crate::ports::{Conditional, Store};
use crate::sign_in::LinkKind;

pub(super) async fn replace_password(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    let current = user.password.clone().expect("a password");
    // A claimed expiry notice belongs to the old password.
    ok(
        "claim_expiry_notice",
        store.claim_expiry_notice(user.id, current.changed_at).await,
    );
    let kept = started_session(store, user.id, now).await;
    let ended = started_session(store, user.id, now).await;
    let bystander = stored_staff(store, now).await;
    let untouched = started_session(store, bystander.id, now).await;
    let new = password(now + Duration::MINUTE);
    let event = audit(AuditKind::PasswordChanged, now, user.id);
    let change = |expected, expected_version, keep_session| PasswordChange {
        user: user.id,
        new: &new,
        expected,
        expected_version,
        keep_session,
        spends: None,
        audit: &event,
    };
    let wrong = password(now).hash;
    assert_eq!(
        ok(
            "replace_password",
            store
                .replace_password(&change(Some(&wrong), 0, Some(&kept.digest)))
                .await
        ),
        Conditional::Refused,
        "replace_password: Refused when the password is not the expected one"
    );
    assert_eq!(
        ok(
            "replace_password",
            store
                .replace_password(&change(Some(&current.hash), 1, Some(&kept.digest)))
                .await
        ),
        Conditional::Refused,
        "replace_password: Refused when the credential version changed"
    );
    assert_eq!(
        ok("session", store.session(&ended.digest).await),
        Some(ended.clone()),
        "replace_password: a Refused change ends no session"
    );
    let mut missing = change(None, 0, None);
    let nobody = UserId::new();
    missing.user = nobody;
    assert_eq!(
        ok("replace_password", store.replace_password(&missing).await),
        Conditional::Refused,
        "replace_password: Refused for an unknown user"
    );
    assert_eq!(
        ok("user", store.user(nobody).await),
        None,
        "replace_password: a Refused change creates no user"
    );

    let changes: Vec<PasswordChange<'_>> = (0..4)
        .map(|_| change(Some(&current.hash), 0, Some(&kept.digest)))
        .collect();
    let racers = join_all(changes.iter().map(|c| store.replace_password(c))).await;
    assert_eq!(
        applied("replace_password race", racers),
        1,
        "replace_password: of 4 concurrent changes at one version, exactly one is Applied"
    );
    let read = ok("user", store.user(user.id).await).expect("the user");
    let stored = read
        .password
        .expect("replace_password: the user has a password");
    assert_eq!(
        (&stored.hash, stored.changed_at, stored.must_change),
        (&new.hash, new.changed_at, new.must_change),
        "replace_password: the new password reads back as written"
    );
    // The old password's claim may stay recorded (DynamoDB keeps it), but it is
    // not one for the new password.
    assert_ne!(
        stored.notice_sent_for,
        Some(new.changed_at),
        "replace_password: no expiry notice is claimed for the new password"
    );
    assert_eq!(
        read.credential_version, 1,
        "replace_password: the credential version moves on once"
    );
    assert!(
        ok("session", store.session(&kept.digest).await).is_some(),
        "replace_password: the kept session stays"
    );
    assert_eq!(
        ok("session", store.session(&ended.digest).await),
        None,
        "replace_password: the user's other sessions end"
    );
    assert!(
        ok("session", store.session(&untouched.digest).await).is_some(),
        "replace_password: another user's session stays"
    );
    assert_eq!(
        ok(
            "claim_expiry_notice",
            store.claim_expiry_notice(user.id, new.changed_at).await
        ),
        Conditional::Applied,
        "replace_password: the new password's expiry notice can be claimed"
    );

    let unchecked = ok(
        "replace_password",
        store.replace_password(&change(None, 1, None)).await,
    );
    assert_eq!(
        unchecked,
        Conditional::Applied,
        "replace_password: Applied without an expected hash at the current version"
    );
    assert_eq!(
        ok("session", store.session(&kept.digest).await),
        None,
        "replace_password: without a session to keep, every session ends"
    );
}

pub(super) async fn replace_password_spending_a_link(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    let link = super::fixtures::link(user.id, now);
    ok(
        "put_link",
        store
            .put_link(
                LinkKind::PasswordReset,
                &link,
                &audit(AuditKind::PasswordResetRequested, now, user.id),
            )
            .await,
    );
    let new = password(now);
    let event = audit(AuditKind::PasswordChanged, now, user.id);
    let change = |version, at| PasswordChange {
        user: user.id,
        new: &new,
        expected: None,
        expected_version: version,
        keep_session: None,
        spends: Some((LinkKind::PasswordReset, &link.digest, at)),
        audit: &event,
    };
    assert_eq!(
        ok(
            "replace_password",
            store.replace_password(&change(0, link.expires_at)).await
        ),
        Conditional::Refused,
        "replace_password: Refused when the link it spends expired"
    );
    assert_eq!(
        ok("user", store.user(user.id).await).map(|u| u.credential_version),
        Some(0),
        "replace_password: a Refused change leaves the version"
    );
    assert_eq!(
        ok(
            "link",
            store.link(LinkKind::PasswordReset, &link.digest).await
        )
        .and_then(|l| l.used_at),
        None,
        "replace_password: a Refused change leaves the link unspent"
    );
    let later = now + Duration::MINUTE;
    assert_eq!(
        ok(
            "replace_password",
            store.replace_password(&change(0, later)).await
        ),
        Conditional::Applied,
        "replace_password: Applied spending an unspent link"
    );
    assert_eq!(
        ok(
            "link",
            store.link(LinkKind::PasswordReset, &link.digest).await
        )
        .and_then(|l| l.used_at),
        Some(later),
        "replace_password: the link is spent at the given time"
    );
    assert_eq!(
        ok(
            "replace_password",
            store.replace_password(&change(1, later)).await
        ),
        Conditional::Refused,
        "replace_password: Refused when the link it spends was spent"
    );
    let wrong_kind = PasswordChange {
        spends: Some((LinkKind::PasswordChange, &link.digest, later)),
        ..change(1, later)
    };
    assert_eq!(
        ok(
            "replace_password",
            store.replace_password(&wrong_kind).await
        ),
        Conditional::Refused,
        "replace_password: Refused when no link of that kind has the digest"
    );
}
