//! The contract of [`MfaStore`](crate::ports::MfaStore): factors, codes and pushes;
//! the second step of sign-ins is in [`super::challenges`].

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{
    applied, audit, digest, ok, started_session, stored_staff, unique, whole_seconds,
};
use crate::domain::{
    AuditKind, DeviceId, MAX_PUSH_DEVICES, MfaMethod, MfaState, PhoneNumber, PushChallenge,
    PushChallengeId, PushDevice, PushPlatform, PushStatus, SentCode, UserId,
};
use crate::ports::{Conditional, ConfirmedFactor, FactorConfirmation, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    totp(store, now).await;
    sms(store, now).await;
    push_devices(store, now).await;
    backup_codes(store, now).await;
    sent_codes(store, now).await;
    pushes(store, now).await;
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

async fn push_devices(store: &dyn Store, now: OffsetDateTime) {
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

async fn backup_codes(store: &dyn Store, now: OffsetDateTime) {
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

async fn sent_codes(store: &dyn Store, now: OffsetDateTime) {
    let scope = format!("contract#{}", unique());
    let code = |digest: &str, sent_at: OffsetDateTime| SentCode {
        digest: digest.into(),
        sent_at,
        expires_at: sent_at + Duration::minutes(10),
    };
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        None,
        "sent_code: None for an unknown scope"
    );
    let first = code("first", now);
    assert_eq!(
        ok(
            "put_sent_code",
            store
                .put_sent_code(&scope, &first, now - Duration::MINUTE)
                .await
        ),
        Conditional::Applied,
        "put_sent_code: Applied for a new scope"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        Some(first.clone()),
        "put_sent_code: the code reads back as written"
    );
    let soon = code("soon", now + Duration::seconds(30));
    assert_eq!(
        ok(
            "put_sent_code",
            store
                .put_sent_code(&scope, &soon, now - Duration::SECOND)
                .await
        ),
        Conditional::Refused,
        "put_sent_code: Refused when the one there was sent after cooldown_since"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        Some(first),
        "put_sent_code: a Refused code leaves the one there"
    );
    let second = code("second", now + Duration::MINUTE);
    assert_eq!(
        ok(
            "put_sent_code",
            store.put_sent_code(&scope, &second, now).await
        ),
        Conditional::Applied,
        "put_sent_code: Applied when the one there was sent at cooldown_since"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        Some(second.clone()),
        "put_sent_code: the new code replaces the old"
    );

    let spend = |digest: &'static str, at| store.spend_sent_code(&scope, digest, at);
    assert_eq!(
        ok(
            "spend_sent_code",
            spend("first", now + Duration::MINUTE).await
        ),
        Conditional::Refused,
        "spend_sent_code: Refused for a replaced code"
    );
    assert_eq!(
        ok("spend_sent_code", spend("second", second.expires_at).await),
        Conditional::Refused,
        "spend_sent_code: Refused at the code's expiry"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        Some(second.clone()),
        "spend_sent_code: a Refused spend leaves the code"
    );
    let outcomes = join_all((0..6).map(|_| spend("second", now + Duration::minutes(2)))).await;
    assert_eq!(
        applied("spend_sent_code race", outcomes),
        1,
        "spend_sent_code: of 6 concurrent spends, exactly one is Applied"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        None,
        "spend_sent_code: a spent code is gone"
    );
    assert_eq!(
        ok(
            "spend_sent_code",
            spend("second", now + Duration::minutes(2)).await
        ),
        Conditional::Refused,
        "spend_sent_code: Refused once spent"
    );
    let fresh = format!("contract#{}", unique());
    assert_eq!(
        ok(
            "put_sent_code",
            store.put_sent_code(&fresh, &code("x", now), now).await
        ),
        Conditional::Applied,
        "put_sent_code: Applied on a fresh scope whatever the cooldown"
    );
    assert_eq!(
        ok(
            "spend_sent_code",
            store.spend_sent_code(&fresh, "y", now).await
        ),
        Conditional::Refused,
        "spend_sent_code: Refused for another digest"
    );
}

async fn pushes(store: &dyn Store, now: OffsetDateTime) {
    let push = |user| PushChallenge {
        id: PushChallengeId::new(),
        user_id: user,
        mfa_challenge: digest(),
        number: 42,
        choices: [17, 42, 88],
        status: PushStatus::Pending,
        created_at: now,
        expires_at: now + Duration::minutes(2),
        credential_version: 3,
    };
    let user = UserId::new();
    let sent = push(user);
    ok("put_push_challenge", store.put_push_challenge(&sent).await);
    assert_eq!(
        ok("push_challenge", store.push_challenge(sent.id).await),
        Some(sent.clone()),
        "put_push_challenge: the push reads back as written"
    );
    assert_eq!(
        ok(
            "push_challenge",
            store.push_challenge(PushChallengeId::new()).await
        ),
        None,
        "push_challenge: an unknown id is None"
    );
    assert_eq!(
        ok(
            "answer_push_challenge",
            store
                .answer_push_challenge(sent.id, PushStatus::Approved, sent.expires_at)
                .await
        ),
        Conditional::Refused,
        "answer_push_challenge: Refused at the push's expiry"
    );
    assert_eq!(
        ok(
            "answer_push_challenge",
            store
                .answer_push_challenge(sent.id, PushStatus::Denied, now)
                .await
        ),
        Conditional::Applied,
        "answer_push_challenge: Applied for a pending push"
    );
    assert_eq!(
        ok("push_challenge", store.push_challenge(sent.id).await).map(|p| p.status),
        Some(PushStatus::Denied),
        "answer_push_challenge: the answer reads back"
    );
    assert_eq!(
        ok(
            "answer_push_challenge",
            store
                .answer_push_challenge(sent.id, PushStatus::Approved, now)
                .await
        ),
        Conditional::Refused,
        "answer_push_challenge: Refused once answered"
    );
    assert_eq!(
        ok("push_challenge", store.push_challenge(sent.id).await).map(|p| p.status),
        Some(PushStatus::Denied),
        "answer_push_challenge: a Refused answer changes nothing"
    );
    assert_eq!(
        ok(
            "answer_push_challenge",
            store
                .answer_push_challenge(PushChallengeId::new(), PushStatus::Approved, now)
                .await
        ),
        Conditional::Refused,
        "answer_push_challenge: Refused for an unknown push"
    );

    let raced = push(user);
    ok("put_push_challenge", store.put_push_challenge(&raced).await);
    let answers: Vec<PushStatus> = (0..6)
        .map(|i| {
            if i % 2 == 0 {
                PushStatus::Approved
            } else {
                PushStatus::Denied
            }
        })
        .collect();
    let outcomes = join_all(
        answers
            .iter()
            .map(|a| store.answer_push_challenge(raced.id, *a, now)),
    )
    .await;
    let outcomes: Vec<Conditional> = outcomes
        .into_iter()
        .map(|o| ok("answer_push_challenge race", o))
        .collect();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Conditional::Applied)
            .count(),
        1,
        "answer_push_challenge: of 6 concurrent answers, exactly one is Applied"
    );
    let winner = answers[outcomes
        .iter()
        .position(|o| *o == Conditional::Applied)
        .expect("a winner")];
    assert_eq!(
        ok("push_challenge", store.push_challenge(raced.id).await).map(|p| p.status),
        Some(winner),
        "answer_push_challenge race: the push has the winner's answer"
    );
}
