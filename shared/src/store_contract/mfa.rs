//! The contract of [`MfaStore`](crate::mfa::MfaStore): factors, codes and pushes;
//! the second step of sign-ins is in [`super::challenges`].

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{
    applied, audit, digest, ok, started_session, stored_staff, unique, whole_seconds,
};
use crate::domain::{AuditKind, DeviceId, PhoneNumber, UserId};
use crate::mfa::{ConfirmedFactor, FactorConfirmation};
use crate::mfa::{MfaMethod, MfaState, PushDevice, PushPlatform};
use crate::ports::{Conditional, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    totp(store, now).await;
    sms(store, now).await;
    super::mfa_devices::push_devices(store, now).await;
    super::mfa_devices::backup_codes(store, now).await;
    super::mfa_codes::sent_codes(store, now).await;
    super::mfa_codes::pushes(store, now).await;
    super::challenges::check(store, now).await;
}

pub(super) fn codes() -> Vec<String> {
    (0..3).map(|_| unique()).collect()
}

pub(super) fn device(now: OffsetDateTime) -> PushDevice {
    PushDevice {
        id: DeviceId::new(),
        platform: PushPlatform::Apns,
        name: "Contract phone".into(),
        endpoint_arn: format!(
            "arn:aws:sns:eu-west-1:000000000000:endpoint/APNS/contract/{}",
            unique()
        ),
        credential_digest: digest(),
        created_at: now,
    }
}

pub(super) async fn version(store: &dyn Store, user: UserId) -> u64 {
    ok("user", store.user(user).await)
        .expect("the user")
        .credential_version
}

pub(super) async fn confirm(
    store: &dyn Store,
    user: UserId,
    expected_version: u64,
    factor: ConfirmedFactor,
    at: OffsetDateTime,
    codes: &[String],
) -> Conditional {
    let event = audit(AuditKind::MfaEnabled, at, user);
    let confirmation = FactorConfirmation {
        user,
        expected_version,
        factor,
        at,
        backup_code_digests: codes,
        keep_session: None,
        audit: &event,
    };
    ok("confirm_factor", store.confirm_factor(&confirmation).await)
}

async fn totp(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await.id;
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await),
        MfaState::default(),
        "mfa_state: nothing for a user without factors"
    );
    assert_eq!(
        ok("begin_totp", store.begin_totp(user, "sealed-1", now).await),
        Conditional::Applied,
        "begin_totp: Applied without a factor"
    );
    assert_eq!(
        ok("begin_totp", store.begin_totp(user, "sealed-2", now).await),
        Conditional::Applied,
        "begin_totp: Applied over a pending factor"
    );
    let pending = ok("mfa_state", store.mfa_state(user).await)
        .totp
        .expect("begin_totp: a pending factor");
    assert_eq!(
        (
            pending.sealed_secret.as_str(),
            pending.created_at,
            pending.confirmed_at,
            pending.last_step
        ),
        ("sealed-2", now, None, 0),
        "begin_totp: the newest pending factor reads back"
    );
    assert_eq!(
        confirm(
            store,
            UserId::new(),
            0,
            ConfirmedFactor::Totp { step: 7 },
            now,
            &[]
        )
        .await,
        Conditional::Refused,
        "confirm_factor: Refused for a user without a pending factor"
    );

    let kept = started_session(store, user, now).await;
    let ended = started_session(store, user, now).await;
    let event = audit(AuditKind::MfaEnabled, now, user);
    let digests = codes();
    let at = now + Duration::MINUTE;
    let confirmation = |expected_version| FactorConfirmation {
        user,
        expected_version,
        factor: ConfirmedFactor::Totp { step: 42 },
        at,
        backup_code_digests: &digests,
        keep_session: Some(&kept.digest),
        audit: &event,
    };
    assert_eq!(
        ok(
            "confirm_factor",
            store.confirm_factor(&confirmation(1)).await
        ),
        Conditional::Refused,
        "confirm_factor: Refused at another credential version"
    );
    let confirmations: Vec<FactorConfirmation<'_>> = (0..4).map(|_| confirmation(0)).collect();
    let outcomes = join_all(confirmations.iter().map(|c| store.confirm_factor(c))).await;
    assert_eq!(
        applied("confirm_factor race", outcomes),
        1,
        "confirm_factor: of 4 concurrent confirmations, exactly one is Applied"
    );
    let state = ok("mfa_state", store.mfa_state(user).await);
    let confirmed = state.totp.expect("confirm_factor: the factor");
    assert_eq!(
        (
            confirmed.confirmed_at,
            confirmed.last_step,
            confirmed.sealed_secret.as_str()
        ),
        (Some(at), 42, "sealed-2"),
        "confirm_factor: the factor is confirmed at the code's step"
    );
    assert_eq!(
        state.backup_codes_left, 3,
        "confirm_factor: the backup codes are stored"
    );
    assert!(
        ok(
            "has_backup_code",
            store.has_backup_code(user, &digests[0]).await
        ),
        "confirm_factor: a backup code is there"
    );
    assert_eq!(
        version(store, user).await,
        1,
        "confirm_factor: the credential version moves on once"
    );
    assert!(
        ok("session", store.session(&kept.digest).await).is_some(),
        "confirm_factor: the kept session stays"
    );
    assert_eq!(
        ok("session", store.session(&ended.digest).await),
        None,
        "confirm_factor: the other sessions end"
    );
    assert_eq!(
        ok("begin_totp", store.begin_totp(user, "sealed-3", now).await),
        Conditional::Refused,
        "begin_totp: Refused over a confirmed factor"
    );
    assert_eq!(
        confirm(store, user, 1, ConfirmedFactor::Totp { step: 50 }, now, &[]).await,
        Conditional::Refused,
        "confirm_factor: Refused for a factor confirmed already"
    );

    let event = audit(AuditKind::MfaRemoved, now, user);
    assert_eq!(
        ok(
            "remove_mfa_methods",
            store
                .remove_mfa_methods(user, 0, &[MfaMethod::Totp], None, &event)
                .await
        ),
        Conditional::Refused,
        "remove_mfa_methods: Refused at another credential version"
    );
    assert_eq!(
        ok(
            "remove_mfa_methods",
            store
                .remove_mfa_methods(user, 1, &[MfaMethod::Totp], Some(&kept.digest), &event)
                .await
        ),
        Conditional::Applied,
        "remove_mfa_methods: Applied at the current version"
    );
    let state = ok("mfa_state", store.mfa_state(user).await);
    assert_eq!(
        (state.totp, state.backup_codes_left),
        (None, 3),
        "remove_mfa_methods: removes the listed kinds only"
    );
    assert_eq!(
        version(store, user).await,
        2,
        "remove_mfa_methods: the credential version moves on"
    );
    assert!(
        ok("session", store.session(&kept.digest).await).is_some(),
        "remove_mfa_methods: the kept session stays"
    );
    assert_eq!(
        ok("begin_totp", store.begin_totp(user, "sealed-4", now).await),
        Conditional::Applied,
        "begin_totp: Applied once the factor is removed"
    );
    let outcomes = join_all(
        (0..4).map(|_| store.remove_mfa_methods(user, 2, &[MfaMethod::BackupCode], None, &event)),
    )
    .await;
    assert_eq!(
        applied("remove_mfa_methods race", outcomes),
        1,
        "remove_mfa_methods: of 4 concurrent removals at one version, exactly one is Applied"
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await).backup_codes_left,
        0,
        "remove_mfa_methods: every backup code goes"
    );
    assert_eq!(
        ok("session", store.session(&kept.digest).await),
        None,
        "remove_mfa_methods: without a session to keep, every session ends"
    );
}

async fn sms(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await.id;
    let phone = PhoneNumber::parse("+15555550123").expect("a phone");
    let other = PhoneNumber::parse("+15555550199").expect("a phone");
    assert_eq!(
        ok("begin_sms", store.begin_sms(user, &other, now).await),
        Conditional::Applied,
        "begin_sms: Applied without a phone"
    );
    assert_eq!(
        ok("begin_sms", store.begin_sms(user, &phone, now).await),
        Conditional::Applied,
        "begin_sms: Applied over a pending phone"
    );
    let pending = ok("mfa_state", store.mfa_state(user).await)
        .sms
        .expect("begin_sms: a pending phone");
    assert_eq!(
        (
            pending.phone.clone(),
            pending.created_at,
            pending.confirmed_at
        ),
        (phone.clone(), now, None),
        "begin_sms: the newest pending phone reads back"
    );
    assert_eq!(
        confirm(
            store,
            user,
            0,
            ConfirmedFactor::Sms(other.clone()),
            now,
            &[]
        )
        .await,
        Conditional::Refused,
        "confirm_factor: Refused for another number than the pending one"
    );
    let at = now + Duration::MINUTE;
    assert_eq!(
        confirm(store, user, 0, ConfirmedFactor::Sms(phone.clone()), at, &[]).await,
        Conditional::Applied,
        "confirm_factor: Applied for the pending number"
    );
    let state = ok("mfa_state", store.mfa_state(user).await);
    assert_eq!(
        state.sms.map(|s| (s.phone, s.confirmed_at)),
        Some((phone.clone(), Some(at))),
        "confirm_factor: the phone is confirmed"
    );
    assert_eq!(
        state.backup_codes_left, 0,
        "confirm_factor: no backup codes when none are given"
    );
    assert_eq!(
        ok("begin_sms", store.begin_sms(user, &other, now).await),
        Conditional::Refused,
        "begin_sms: Refused over a confirmed phone"
    );
    let event = audit(AuditKind::MfaRemoved, now, user);
    ok(
        "remove_mfa_methods",
        store
            .remove_mfa_methods(user, 1, &[MfaMethod::Sms], None, &event)
            .await,
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await).sms,
        None,
        "remove_mfa_methods: the phone goes"
    );
}
