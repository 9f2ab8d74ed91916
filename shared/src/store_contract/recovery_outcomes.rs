//! The contract of [`RecoveryStore`](crate::recovery::RecoveryStore): results, expiry and duplicates.

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, ok, started_session, stored_staff};
use super::mfa::{codes, confirm, version};
use super::recovery::{opened, status};
use crate::domain::{AuditKind, FirmId, RecoveryId, UserId};
use crate::mfa::ConfirmedFactor;
use crate::mfa::MfaMethod;
use crate::ports::{Conditional, Store};
use crate::recovery::RecoverySettlement;
use crate::recovery::{RECOVERY_LINK_TTL, Recovery, RecoveryStatus, VerificationOutcome};

pub(super) async fn settle(store: &dyn Store, now: OffsetDateTime) {
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

pub(super) async fn expiry(store: &dyn Store, now: OffsetDateTime) {
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
pub(super) async fn duplicates(store: &dyn Store, now: OffsetDateTime) {
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
