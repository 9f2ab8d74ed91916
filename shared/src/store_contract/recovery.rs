//! The contract of [`RecoveryStore`](crate::recovery::RecoveryStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, ok, whole_seconds};
use crate::domain::{AuditKind, FirmId, RecoveryId, UserId};
use crate::ports::{Conditional, Store};
use crate::recovery::{RECOVERY_LINK_TTL, Recovery, RecoveryStatus};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    put_and_read(store, now).await;
    supersede(store, now).await;
    submit(store, now).await;
    super::recovery_outcomes::settle(store, now).await;
    super::recovery_outcomes::expiry(store, now).await;
    super::recovery_outcomes::duplicates(store, now).await;
}

pub(super) fn recovery(user: UserId, firm: FirmId, created_at: OffsetDateTime) -> Recovery {
    Recovery {
        id: RecoveryId::new(),
        user_id: user,
        firm_id: firm,
        status: RecoveryStatus::Open,
        link_digest: digest(),
        provider: "manual".into(),
        opened_by: Some(UserId::new()),
        created_at,
        expires_at: created_at + RECOVERY_LINK_TTL,
    }
}

pub(super) async fn opened(
    store: &dyn Store,
    user: UserId,
    firm: FirmId,
    created_at: OffsetDateTime,
) -> Recovery {
    let case = recovery(user, firm, created_at);
    let event = audit(AuditKind::RecoveryStarted, created_at, user);
    assert_eq!(
        ok("put_recovery", store.put_recovery(&case, &[], &event).await),
        Conditional::Applied,
        "put_recovery: Applied for a new case"
    );
    case
}

pub(super) async fn status(store: &dyn Store, id: RecoveryId) -> Option<RecoveryStatus> {
    ok("recovery", store.recovery(id).await).map(|r| r.status)
}

async fn put_and_read(store: &dyn Store, now: OffsetDateTime) {
    let firm = FirmId::new();
    let user = UserId::new();
    let oldest = opened(store, user, firm, now - Duration::HOUR).await;
    let by_cli = Recovery {
        opened_by: None,
        ..recovery(UserId::new(), firm, now - Duration::MINUTE)
    };
    ok(
        "put_recovery",
        store
            .put_recovery(&by_cli, &[], &audit(AuditKind::RecoveryStarted, now, user))
            .await,
    );
    let newest = opened(store, user, firm, now).await;
    assert_eq!(
        ok("recovery", store.recovery(oldest.id).await),
        Some(oldest.clone()),
        "put_recovery: the case reads back as written"
    );
    assert_eq!(
        ok("recovery", store.recovery(by_cli.id).await),
        Some(by_cli.clone()),
        "put_recovery: a case opened by an operator reads back as written"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&oldest.link_digest).await
        ),
        Some(oldest.clone()),
        "recovery_by_link: the case of an unspent link"
    );
    assert_eq!(
        ok("recovery_by_link", store.recovery_by_link(&digest()).await),
        None,
        "recovery_by_link: None for an unknown link"
    );
    assert_eq!(
        ok("recovery", store.recovery(RecoveryId::new()).await),
        None,
        "recovery: None for an unknown id"
    );
    let all = ok("firm_recoveries", store.firm_recoveries(firm, 10).await);
    assert_eq!(
        all,
        vec![newest.clone(), by_cli.clone(), oldest],
        "firm_recoveries: the firm's cases, newest first"
    );
    assert_eq!(
        ok("firm_recoveries", store.firm_recoveries(firm, 2).await),
        vec![newest, by_cli],
        "firm_recoveries: at most limit, the newest"
    );
    assert!(
        ok(
            "firm_recoveries",
            store.firm_recoveries(FirmId::new(), 10).await
        )
        .is_empty(),
        "firm_recoveries: none for another firm"
    );
}

async fn supersede(store: &dyn Store, now: OffsetDateTime) {
    let (user, firm) = (UserId::new(), FirmId::new());
    let open = opened(store, user, firm, now).await;
    let pending = opened(store, user, firm, now).await;
    ok(
        "submit_recovery",
        store
            .submit_recovery(
                pending.id,
                now,
                &audit(AuditKind::RecoverySubmitted, now, user),
            )
            .await,
    );
    let pending = Recovery {
        status: RecoveryStatus::PendingVerification,
        ..pending
    };
    let event = audit(AuditKind::RecoveryStarted, now, user);

    let stale = recovery(user, firm, now);
    let moved_on = Recovery {
        status: RecoveryStatus::Open,
        ..pending.clone()
    };
    assert_eq!(
        ok(
            "put_recovery",
            store
                .put_recovery(&stale, &[open.clone(), moved_on], &event)
                .await
        ),
        Conditional::Refused,
        "put_recovery: Refused when a superseded case moved on meanwhile"
    );
    assert_eq!(
        ok("recovery", store.recovery(stale.id).await),
        None,
        "put_recovery: a Refused case is not stored"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&stale.link_digest).await
        ),
        None,
        "put_recovery: a Refused case's link is not stored"
    );
    assert_eq!(
        status(store, open.id).await,
        Some(RecoveryStatus::Open),
        "put_recovery: a Refused case supersedes nothing"
    );

    let new = recovery(user, firm, now);
    assert_eq!(
        ok(
            "put_recovery",
            store
                .put_recovery(&new, &[open.clone(), pending.clone()], &event)
                .await
        ),
        Conditional::Applied,
        "put_recovery: Applied superseding cases as read"
    );
    assert_eq!(
        status(store, open.id).await,
        Some(RecoveryStatus::Expired),
        "put_recovery: a superseded open case is expired"
    );
    assert_eq!(
        status(store, pending.id).await,
        Some(RecoveryStatus::Expired),
        "put_recovery: a superseded pending case is expired"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&open.link_digest).await
        ),
        None,
        "put_recovery: a superseded case's link dies"
    );
    assert_eq!(
        ok(
            "submit_recovery",
            store
                .submit_recovery(
                    open.id,
                    now,
                    &audit(AuditKind::RecoverySubmitted, now, user)
                )
                .await
        ),
        Conditional::Refused,
        "put_recovery: a superseded case cannot be submitted"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&new.link_digest).await
        ),
        Some(new),
        "put_recovery: the new case's link works"
    );
}

async fn submit(store: &dyn Store, now: OffsetDateTime) {
    let (user, firm) = (UserId::new(), FirmId::new());
    let case = opened(store, user, firm, now).await;
    let event = audit(AuditKind::RecoverySubmitted, now, user);
    assert_eq!(
        ok(
            "submit_recovery",
            store
                .submit_recovery(case.id, case.expires_at, &event)
                .await
        ),
        Conditional::Refused,
        "submit_recovery: Refused at the link's expiry"
    );
    assert_eq!(
        status(store, case.id).await,
        Some(RecoveryStatus::Open),
        "submit_recovery: a Refused submission leaves the case open"
    );
    let outcomes = join_all((0..6).map(|_| store.submit_recovery(case.id, now, &event))).await;
    assert_eq!(
        applied("submit_recovery race", outcomes),
        1,
        "submit_recovery: of 6 concurrent submissions, exactly one is Applied"
    );
    assert_eq!(
        status(store, case.id).await,
        Some(RecoveryStatus::PendingVerification),
        "submit_recovery: the case is pending verification"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&case.link_digest).await
        ),
        None,
        "submit_recovery: the link is spent"
    );
    assert_eq!(
        ok(
            "submit_recovery",
            store.submit_recovery(case.id, now, &event).await
        ),
        Conditional::Refused,
        "submit_recovery: Refused once submitted"
    );
    assert_eq!(
        ok(
            "submit_recovery",
            store.submit_recovery(RecoveryId::new(), now, &event).await
        ),
        Conditional::Refused,
        "submit_recovery: Refused for an unknown case"
    );
}
