//! The contract of [`LinkStore`](crate::sign_in::LinkStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, link, ok, session, whole_seconds};
use crate::domain::{AuditKind, UserId};
use crate::ports::{Conditional, Store};
use crate::sign_in::{LinkKind, OneTimeLink, Session};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    put_and_read(store, now).await;
    redeem(store, now).await;
    races(store, now).await;
}

async fn put_and_read(store: &dyn Store, now: OffsetDateTime) {
    let user = UserId::new();
    for kind in [
        LinkKind::Login,
        LinkKind::PasswordChange,
        LinkKind::PasswordReset,
    ] {
        let written = OneTimeLink {
            credential_version: 2,
            ..link(user, now)
        };
        put(store, kind, &written, now).await;
        assert_eq!(
            ok("link", store.link(kind, &written.digest).await),
            Some(written.clone()),
            "put_link: the link reads back as written"
        );
        let other = match kind {
            LinkKind::Login => LinkKind::PasswordReset,
            _ => LinkKind::Login,
        };
        assert_eq!(
            ok("link", store.link(other, &written.digest).await),
            None,
            "link: a link is found under its own kind only"
        );
    }
    assert_eq!(
        ok("link", store.link(LinkKind::Login, &digest()).await),
        None,
        "link: an unknown digest is None"
    );

    let first = link(user, now);
    put(store, LinkKind::Login, &first, now).await;
    let clash = OneTimeLink {
        user_id: UserId::new(),
        ..first.clone()
    };
    assert!(
        store
            .put_link(
                LinkKind::Login,
                &clash,
                &audit(AuditKind::LoginLinkIssued, now, user)
            )
            .await
            .is_err(),
        "put_link: a link whose digest exists is an error"
    );
    assert_eq!(
        ok("link", store.link(LinkKind::Login, &first.digest).await),
        Some(first),
        "put_link: a refused link leaves the existing one"
    );
}

async fn redeem(store: &dyn Store, now: OffsetDateTime) {
    let user = UserId::new();
    let issued = link(user, now);
    put(store, LinkKind::Login, &issued, now).await;
    let events = [
        audit(AuditKind::LoginLinkUsed, now, user),
        audit(AuditKind::SignedIn, now, user),
    ];

    let late = session(user, now);
    assert_eq!(
        ok(
            "redeem_login_link",
            store
                .redeem_login_link(&issued.digest, issued.expires_at, &late, &events)
                .await
        ),
        Conditional::Refused,
        "redeem_login_link: Refused at the link's expiry"
    );
    assert_eq!(
        ok("session", store.session(&late.digest).await),
        None,
        "redeem_login_link: a Refused redemption starts no session"
    );

    let later = now + Duration::MINUTE;
    let started = session(user, later);
    assert_eq!(
        ok(
            "redeem_login_link",
            store
                .redeem_login_link(&issued.digest, later, &started, &events)
                .await
        ),
        Conditional::Applied,
        "redeem_login_link: Applied for an unused, unexpired link"
    );
    assert_eq!(
        ok("link", store.link(LinkKind::Login, &issued.digest).await).and_then(|l| l.used_at),
        Some(later),
        "redeem_login_link: the link is used at now"
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        Some(started),
        "redeem_login_link: the session reads back as written"
    );

    let again = session(user, later);
    assert_eq!(
        ok(
            "redeem_login_link",
            store
                .redeem_login_link(&issued.digest, later, &again, &events)
                .await
        ),
        Conditional::Refused,
        "redeem_login_link: Refused for a used link"
    );
    assert_eq!(
        ok("session", store.session(&again.digest).await),
        None,
        "redeem_login_link: a used link starts no session"
    );
    let unknown = session(user, now);
    assert_eq!(
        ok(
            "redeem_login_link",
            store
                .redeem_login_link(&digest(), now, &unknown, &events)
                .await
        ),
        Conditional::Refused,
        "redeem_login_link: Refused for an unknown link"
    );

    let reset = link(user, now);
    put(store, LinkKind::PasswordReset, &reset, now).await;
    let wrong_kind = session(user, now);
    assert_eq!(
        ok(
            "redeem_login_link",
            store
                .redeem_login_link(&reset.digest, now, &wrong_kind, &events)
                .await
        ),
        Conditional::Refused,
        "redeem_login_link: Refused for a link of another kind"
    );
    assert_eq!(
        ok(
            "link",
            store.link(LinkKind::PasswordReset, &reset.digest).await
        )
        .and_then(|l| l.used_at),
        None,
        "redeem_login_link: another kind's link stays unused"
    );
}

async fn races(store: &dyn Store, now: OffsetDateTime) {
    let user = UserId::new();
    let issued = link(user, now);
    put(store, LinkKind::Login, &issued, now).await;
    let events = [audit(AuditKind::LoginLinkUsed, now, user)];
    let sessions: Vec<Session> = (0..6).map(|_| session(user, now)).collect();
    let outcomes = join_all(
        sessions
            .iter()
            .map(|s| store.redeem_login_link(&issued.digest, now, s, &events)),
    )
    .await;
    assert_eq!(
        applied("redeem_login_link race", outcomes),
        1,
        "redeem_login_link: of 6 concurrent redemptions, exactly one is Applied"
    );
    let mut started = 0;
    for s in &sessions {
        started += usize::from(ok("session", store.session(&s.digest).await).is_some());
    }
    assert_eq!(
        started, 1,
        "redeem_login_link race: exactly one session is started"
    );
}

/// Stores `link` under `kind` with its audit entry, as the flow issuing it does.
async fn put(store: &dyn Store, kind: LinkKind, link: &OneTimeLink, now: OffsetDateTime) {
    let issued = match kind {
        LinkKind::PasswordReset => AuditKind::PasswordResetRequested,
        _ => AuditKind::LoginLinkIssued,
    };
    let audit = audit(issued, now, link.user_id);
    ok("put_link", store.put_link(kind, link, &audit).await);
}
