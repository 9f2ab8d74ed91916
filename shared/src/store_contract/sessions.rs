//! The contract of [`SessionStore`](crate::sign_in::SessionStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, ok, session, trusted_device, whole_seconds};
use crate::domain::{AuditKind, Role, UserId};
use crate::ports::{Conditional, Store};
use crate::sign_in::Session;

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    start_and_read(store, now).await;
    touch_and_revoke(store, now).await;
    races(store, now).await;
    trusted_devices(store, now).await;
}

async fn start_and_read(store: &dyn Store, now: OffsetDateTime) {
    let user = UserId::new();
    let started = Session {
        role: Role::Client,
        enrollment_only: true,
        credential_version: 3,
        ..session(user, now)
    };
    ok(
        "start_session",
        store
            .start_session(&started, &[audit(AuditKind::SignedIn, now, user)])
            .await,
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        Some(started.clone()),
        "start_session: the session reads back as written"
    );
    assert_eq!(
        ok("session", store.session(&digest()).await),
        None,
        "session: an unknown digest is None"
    );
    let without_audit = session(user, now);
    ok(
        "start_session",
        store.start_session(&without_audit, &[]).await,
    );
    assert_eq!(
        ok("session", store.session(&without_audit.digest).await),
        Some(without_audit),
        "start_session: a session without audit entries is stored too"
    );

    let clash = Session {
        user_id: UserId::new(),
        ..started.clone()
    };
    assert!(
        store.start_session(&clash, &[]).await.is_err(),
        "start_session: a session whose digest exists is an error"
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        Some(started),
        "start_session: a refused session leaves the existing one"
    );
}

async fn touch_and_revoke(store: &dyn Store, now: OffsetDateTime) {
    let user = UserId::new();
    let live = session(user, now);
    ok("start_session", store.start_session(&live, &[]).await);
    let later = now + Duration::minutes(10);
    assert_eq!(
        ok(
            "touch_session",
            store.touch_session(&live.digest, later).await
        ),
        Conditional::Applied,
        "touch_session: Applied for a live session"
    );
    let read = ok("session", store.session(&live.digest).await).expect("the session");
    assert_eq!(
        read,
        Session {
            last_seen_at: later,
            ..live.clone()
        },
        "touch_session: last_seen_at moves, nothing else"
    );

    let event = audit(AuditKind::SignedOut, later, user);
    ok(
        "revoke_session",
        store.revoke_session(&live.digest, &event).await,
    );
    assert_eq!(
        ok("session", store.session(&live.digest).await),
        None,
        "revoke_session: the session is gone"
    );
    assert_eq!(
        ok(
            "touch_session",
            store.touch_session(&live.digest, later).await
        ),
        Conditional::Refused,
        "touch_session: Refused for a revoked session"
    );
    assert_eq!(
        ok("session", store.session(&live.digest).await),
        None,
        "touch_session: a Refused touch does not bring the session back"
    );
    assert_eq!(
        ok("touch_session", store.touch_session(&digest(), later).await),
        Conditional::Refused,
        "touch_session: Refused for an unknown session"
    );
    ok(
        "revoke_session",
        store.revoke_session(&digest(), &event).await,
    );
}

async fn races(store: &dyn Store, now: OffsetDateTime) {
    let user = UserId::new();
    let live = session(user, now);
    ok("start_session", store.start_session(&live, &[]).await);
    let later = now + Duration::MINUTE;
    let touches = join_all((0..6).map(|_| store.touch_session(&live.digest, later))).await;
    assert_eq!(
        applied("touch_session race", touches),
        6,
        "touch_session: concurrent touches of a live session are all Applied"
    );

    let event = audit(AuditKind::SignedOut, later, user);
    let (touches, revoked) = tokio::join!(
        join_all((0..6).map(|_| store.touch_session(&live.digest, later))),
        store.revoke_session(&live.digest, &event),
    );
    ok("revoke_session", revoked);
    applied("touch_session during revoke", touches);
    assert_eq!(
        ok("session", store.session(&live.digest).await),
        None,
        "touch_session: touches racing a revoke never bring the session back"
    );
    let touches = join_all((0..6).map(|_| store.touch_session(&live.digest, later))).await;
    assert_eq!(
        applied("touch_session race", touches),
        0,
        "touch_session: of concurrent touches of a revoked session, none is Applied"
    );
    assert_eq!(
        ok("session", store.session(&live.digest).await),
        None,
        "touch_session: the revoked session stays gone"
    );
}

async fn trusted_devices(store: &dyn Store, now: OffsetDateTime) {
    let device = trusted_device(UserId::new(), now);
    ok(
        "put_trusted_device",
        store.put_trusted_device(&device).await,
    );
    assert_eq!(
        ok("trusted_device", store.trusted_device(&device.digest).await),
        Some(device),
        "put_trusted_device: the device reads back as written"
    );
    assert_eq!(
        ok("trusted_device", store.trusted_device(&digest()).await),
        None,
        "trusted_device: an unknown digest is None"
    );
}
