//! The contract of [`RecoveryStore`](crate::ports::RecoveryStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, ok, started_session, stored_staff, whole_seconds};
use super::mfa::{codes, confirm, version};
use crate::domain::{
    AuditKind, FirmId, MfaMethod, RECOVERY_LINK_TTL, Recovery, RecoveryId, RecoveryStatus, UserId,
    VerificationOutcome,
};
use crate::ports::{Conditional, ConfirmedFactor, RecoverySettlement, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    put_and_read(store, now).await;
    supersede(store, now).await;
    submit(store, now).await;
    settle(store, now).await;
    expiry(store, now).await;
    duplicates(store, now).await;
}

fn recovery(user: UserId, firm: FirmId, created_at: OffsetDateTime) -> Recovery {
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

async fn opened(
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

async fn status(store: &dyn Store, id: RecoveryId) -> Option<RecoveryStatus> {
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

async fn settle(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await;
    ok("begin_totp", store.begin_totp(user.id, "sealed", now).await);
    confirm(
        store,
        user.id,
        0,
        ConfirmedFactor::Totp { step: 1 },
        now,
        &codes(),
    )
    .await;
    let signed_in = started_session(store, user.id, now).await;
    let event = audit(AuditKind::RecoveryPassed, now, user.id);
    let remove = [MfaMethod::Totp, MfaMethod::BackupCode];
    let settlement = |recovery, outcome, expected_version| RecoverySettlement {
        recovery,
        outcome,
        decided_by: Some(UserId::new()),
        decided_at: now,
        note: Some("checked the passport"),
        remove: &remove,
        expected_version,
        audit: &event,
    };

    let open = opened(store, user.id, user.firm_id, now).await;
    assert_eq!(
        ok(
            "settle_recovery",
            store
                .settle_recovery(&settlement(&open, VerificationOutcome::Passed, 1))
                .await
        ),
        Conditional::Refused,
        "settle_recovery: Refused for a case not pending verification"
    );
    let case = opened(store, user.id, user.firm_id, now).await;
    ok(
        "submit_recovery",
        store
            .submit_recovery(
                case.id,
                now,
                &audit(AuditKind::RecoverySubmitted, now, user.id),
            )
            .await,
    );
    assert_eq!(
        ok(
            "settle_recovery",
            store
                .settle_recovery(&settlement(&case, VerificationOutcome::Passed, 0))
                .await
        ),
        Conditional::Refused,
        "settle_recovery: a pass is Refused when the credentials moved on"
    );
    assert_eq!(
        status(store, case.id).await,
        Some(RecoveryStatus::PendingVerification),
        "settle_recovery: a Refused pass leaves the case pending"
    );
    assert!(
        ok("mfa_state", store.mfa_state(user.id).await)
            .totp
            .is_some(),
        "settle_recovery: a Refused pass removes nothing"
    );

    let settlements: Vec<RecoverySettlement<'_>> = (0..4)
        .map(|_| settlement(&case, VerificationOutcome::Passed, 1))
        .collect();
    let outcomes = join_all(settlements.iter().map(|s| store.settle_recovery(s))).await;
    assert_eq!(
        applied("settle_recovery race", outcomes),
        1,
        "settle_recovery: of 4 concurrent results, exactly one is Applied"
    );
    assert_eq!(
        status(store, case.id).await,
        Some(RecoveryStatus::Approved),
        "settle_recovery: a pass approves the case"
    );
    let state = ok("mfa_state", store.mfa_state(user.id).await);
    assert_eq!(
        (state.totp, state.backup_codes_left),
        (None, 0),
        "settle_recovery: a pass removes the factors"
    );
    assert_eq!(
        version(store, user.id).await,
        2,
        "settle_recovery: a pass moves the credential version on once"
    );
    assert_eq!(
        ok("session", store.session(&signed_in.digest).await),
        None,
        "settle_recovery: a pass ends every session"
    );
    assert_eq!(
        ok(
            "settle_recovery",
            store
                .settle_recovery(&settlement(&case, VerificationOutcome::Failed, 2))
                .await
        ),
        Conditional::Refused,
        "settle_recovery: a replayed result is Refused"
    );
    assert_eq!(
        status(store, case.id).await,
        Some(RecoveryStatus::Approved),
        "settle_recovery: a replayed result changes nothing"
    );

    let failing = opened(store, user.id, user.firm_id, now).await;
    ok(
        "submit_recovery",
        store
            .submit_recovery(
                failing.id,
                now,
                &audit(AuditKind::RecoverySubmitted, now, user.id),
            )
            .await,
    );
    let kept = started_session(store, user.id, now).await;
    assert_eq!(
        ok(
            "settle_recovery",
            store
                .settle_recovery(&settlement(&failing, VerificationOutcome::Failed, 0))
                .await
        ),
        Conditional::Applied,
        "settle_recovery: a failure is Applied whatever the version"
    );
    assert_eq!(
        status(store, failing.id).await,
        Some(RecoveryStatus::Rejected),
        "settle_recovery: a failure rejects the case"
    );
    assert_eq!(
        version(store, user.id).await,
        2,
        "settle_recovery: a failure leaves the credential version"
    );
    assert!(
        ok("session", store.session(&kept.digest).await).is_some(),
        "settle_recovery: a failure ends no session"
    );
}

async fn expiry(store: &dyn Store, now: OffsetDateTime) {
    let (user, firm) = (UserId::new(), FirmId::new());
    let past = now - RECOVERY_LINK_TTL - Duration::HOUR;
    let expired = [
        opened(store, user, firm, past).await,
        opened(store, user, firm, past + Duration::SECOND).await,
    ];
    let at_now = opened(store, user, firm, now - RECOVERY_LINK_TTL).await;
    let live = opened(store, user, firm, now).await;
    let submitted = opened(store, user, firm, past).await;
    ok(
        "submit_recovery",
        store
            .submit_recovery(
                submitted.id,
                past,
                &audit(AuditKind::RecoverySubmitted, past, user),
            )
            .await,
    );

    let mut listed = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (ids, next) = ok(
            "expired_open_recoveries",
            store
                .expired_open_recoveries(now, after.as_deref(), 1)
                .await,
        );
        assert!(
            ids.len() <= 1,
            "expired_open_recoveries: at most limit per page"
        );
        listed.extend(ids);
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let ours: Vec<RecoveryId> = listed
        .into_iter()
        .filter(|id| {
            [
                expired[0].id,
                expired[1].id,
                at_now.id,
                live.id,
                submitted.id,
            ]
            .contains(id)
        })
        .collect();
    assert_eq!(
        ours,
        vec![expired[0].id, expired[1].id],
        "expired_open_recoveries: open cases expired before now, oldest first, over every page"
    );

    let event = audit(AuditKind::RecoveryExpired, now, user);
    assert_eq!(
        ok(
            "expire_recovery",
            store.expire_recovery(live.id, now, &event).await
        ),
        Conditional::Refused,
        "expire_recovery: Refused for an unexpired case"
    );
    assert_eq!(
        ok(
            "expire_recovery",
            store.expire_recovery(submitted.id, now, &event).await
        ),
        Conditional::Refused,
        "expire_recovery: Refused for a case no longer open"
    );
    assert_eq!(
        ok(
            "expire_recovery",
            store.expire_recovery(at_now.id, now, &event).await
        ),
        Conditional::Applied,
        "expire_recovery: Applied at the link's expiry"
    );
    let outcomes =
        join_all((0..4).map(|_| store.expire_recovery(expired[0].id, now, &event))).await;
    assert_eq!(
        applied("expire_recovery race", outcomes),
        1,
        "expire_recovery: of 4 concurrent expiries, exactly one is Applied"
    );
    assert_eq!(
        status(store, expired[0].id).await,
        Some(RecoveryStatus::Expired),
        "expire_recovery: the case is expired"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&expired[0].link_digest).await
        ),
        None,
        "expire_recovery: the link dies"
    );
    let (ids, _) = ok(
        "expired_open_recoveries",
        store.expired_open_recoveries(now, None, 1000).await,
    );
    assert!(
        !ids.contains(&expired[0].id) && ids.contains(&expired[1].id),
        "expire_recovery: an expired case leaves the job's list"
    );
}

/// Last, as the one the fake was found to break.
async fn duplicates(store: &dyn Store, now: OffsetDateTime) {
    let (user, firm) = (UserId::new(), FirmId::new());
    let case = opened(store, user, firm, now).await;
    let event = audit(AuditKind::RecoveryStarted, now, user);
    let same_id = Recovery {
        link_digest: digest(),
        ..case.clone()
    };
    assert_eq!(
        ok(
            "put_recovery",
            store.put_recovery(&same_id, &[], &event).await
        ),
        Conditional::Refused,
        "put_recovery: Refused for a case whose id exists"
    );
    let same_link = Recovery {
        id: RecoveryId::new(),
        ..case.clone()
    };
    assert_eq!(
        ok(
            "put_recovery",
            store.put_recovery(&same_link, &[], &event).await
        ),
        Conditional::Refused,
        "put_recovery: Refused for a link digest in use"
    );
    assert_eq!(
        ok("recovery", store.recovery(case.id).await),
        Some(case.clone()),
        "put_recovery: a Refused case leaves the existing one"
    );
    assert_eq!(
        ok(
            "recovery_by_link",
            store.recovery_by_link(&case.link_digest).await
        ),
        Some(case),
        "put_recovery: a Refused case leaves the link to the existing one"
    );
}
