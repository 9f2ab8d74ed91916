//! The contract of [`MfaStore`](crate::mfa::MfaStore): phones for push, and backup codes.

use futures::future::join_all;
use time::OffsetDateTime;

use super::fixtures::{applied, audit, ok, started_session, stored_staff};
use super::mfa::{codes, confirm, device, version};
use crate::domain::{AuditKind, UserId};
use crate::mfa::ConfirmedFactor;
use crate::mfa::{MAX_PUSH_DEVICES, MfaMethod, PushDevice};
use crate::ports::{Conditional, Store};

pub(super) async fn push_devices(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await.id;
    let mut devices = Vec::new();
    for v in 0..MAX_PUSH_DEVICES {
        let phone = device(now);
        assert_eq!(
            confirm(
                store,
                user,
                v,
                ConfirmedFactor::Push(phone.clone()),
                now,
                &[]
            )
            .await,
            Conditional::Applied,
            "confirm_factor: a phone is Applied while the user has fewer than the maximum"
        );
        devices.push(phone);
    }
    let mut listed = ok("mfa_state", store.mfa_state(user).await).push_devices;
    listed.sort_by_key(|d| d.id);
    devices.sort_by_key(|d| d.id);
    assert_eq!(
        listed, devices,
        "confirm_factor: every phone reads back as written"
    );
    assert_eq!(
        confirm(
            store,
            user,
            MAX_PUSH_DEVICES,
            ConfirmedFactor::Push(device(now)),
            now,
            &[]
        )
        .await,
        Conditional::Refused,
        "confirm_factor: Refused for a phone beyond the maximum"
    );
    let event = audit(AuditKind::MfaRemoved, now, user);
    ok(
        "remove_mfa_methods",
        store
            .remove_mfa_methods(user, MAX_PUSH_DEVICES, &[MfaMethod::Push], None, &event)
            .await,
    );
    assert!(
        ok("mfa_state", store.mfa_state(user).await)
            .push_devices
            .is_empty(),
        "remove_mfa_methods: every phone goes"
    );
    let v = MAX_PUSH_DEVICES + 1;
    let racers: Vec<PushDevice> = (0..4).map(|_| device(now)).collect();
    let outcomes = join_all(
        racers
            .iter()
            .map(|d| confirm(store, user, v, ConfirmedFactor::Push(d.clone()), now, &[])),
    )
    .await;
    let won = outcomes
        .iter()
        .filter(|o| **o == Conditional::Applied)
        .count();
    assert_eq!(
        won, 1,
        "confirm_factor: of 4 concurrent phones at one version (after removing every phone), exactly one is Applied"
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await)
            .push_devices
            .len(),
        1,
        "confirm_factor race: one phone is stored"
    );
}

pub(super) async fn backup_codes(store: &dyn Store, now: OffsetDateTime) {
    let user = stored_staff(store, now).await.id;
    let old = codes();
    ok("begin_totp", store.begin_totp(user, "sealed", now).await);
    assert_eq!(
        confirm(store, user, 0, ConfirmedFactor::Totp { step: 1 }, now, &old).await,
        Conditional::Applied,
        "confirm_factor: Applied with backup codes"
    );
    let kept = started_session(store, user, now).await;
    let ended = started_session(store, user, now).await;
    let new = codes();
    let event = audit(AuditKind::MfaChanged, now, user);
    assert_eq!(
        ok(
            "replace_backup_codes",
            store
                .replace_backup_codes(user, 0, &new, &kept.digest, &event)
                .await
        ),
        Conditional::Refused,
        "replace_backup_codes: Refused at another credential version"
    );
    let outcomes =
        join_all((0..4).map(|_| store.replace_backup_codes(user, 1, &new, &kept.digest, &event)))
            .await;
    assert_eq!(
        applied("replace_backup_codes race", outcomes),
        1,
        "replace_backup_codes: of 4 concurrent replacements at one version, exactly one is Applied"
    );
    assert!(
        !ok(
            "has_backup_code",
            store.has_backup_code(user, &old[0]).await
        ),
        "replace_backup_codes: the old codes are void"
    );
    assert!(
        ok(
            "has_backup_code",
            store.has_backup_code(user, &new[2]).await
        ),
        "replace_backup_codes: the new codes are there"
    );
    assert!(
        !ok(
            "has_backup_code",
            store.has_backup_code(UserId::new(), &new[2]).await
        ),
        "has_backup_code: another user's code is not"
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await).backup_codes_left,
        3,
        "replace_backup_codes: as many codes as given"
    );
    assert_eq!(
        version(store, user).await,
        2,
        "replace_backup_codes: the credential version moves on"
    );
    assert!(
        ok("session", store.session(&kept.digest).await).is_some(),
        "replace_backup_codes: the kept session stays"
    );
    assert_eq!(
        ok("session", store.session(&ended.digest).await),
        None,
        "replace_backup_codes: the other sessions end"
    );
}
