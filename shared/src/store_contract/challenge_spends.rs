//! The contract of [`MfaStore::pass_mfa_challenge`](crate::mfa::MfaStore::pass_mfa_challenge):
//! what is spent with a texted code, a backup code, a push.

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::challenges::{challenge, enrolled, pass, passes};
use super::fixtures::{applied, audit, ok, session, unique};
use super::mfa::{codes, version};
use crate::domain::AuditKind;
use crate::mfa::SentCode;
use crate::mfa::{ChallengePass, Passed};
use crate::ports::{Conditional, Store};
use crate::sign_in::Session;

pub(super) async fn sms_codes(store: &dyn Store, now: OffsetDateTime) {
    let user = enrolled(store, now, &[]).await;
    let scope = format!("contract#{}", unique());
    let code = SentCode {
        digest: "texted".into(),
        sent_at: now,
        expires_at: now + Duration::minutes(10),
    };
    ok(
        "put_sent_code",
        store.put_sent_code(&scope, &code, now).await,
    );
    let events = [audit(AuditKind::SignedIn, now, user)];
    let first = challenge(store, user, 1, now).await;
    let started = session(user, now);
    let wrong = Passed::SmsCode {
        scope: &scope,
        digest: "other",
    };
    assert_eq!(
        passes(
            store,
            &pass(&first.digest, user, 1, wrong, &started, &events, now)
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for another texted code"
    );
    let right = Passed::SmsCode {
        scope: &scope,
        digest: "texted",
    };
    assert_eq!(
        passes(
            store,
            &pass(
                &first.digest,
                user,
                1,
                right,
                &started,
                &events,
                code.expires_at
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for a texted code at its expiry"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        Some(code.clone()),
        "pass_mfa_challenge: a Refused pass leaves the code"
    );

    let second = challenge(store, user, 1, now).await;
    let other = session(user, now);
    let (pa, pb) = (
        pass(&first.digest, user, 1, right, &started, &events, now),
        pass(&second.digest, user, 1, right, &other, &events, now),
    );
    let (ra, rb) = tokio::join!(store.pass_mfa_challenge(&pa), store.pass_mfa_challenge(&pb));
    assert_eq!(
        applied("pass_mfa_challenge race", vec![ra, rb]),
        1,
        "pass_mfa_challenge: of two sign-ins with one texted code, exactly one is Applied"
    );
    assert_eq!(
        ok("sent_code", store.sent_code(&scope).await),
        None,
        "pass_mfa_challenge: the texted code is spent"
    );
}

pub(super) async fn backup_codes(store: &dyn Store, now: OffsetDateTime) {
    let digests = codes();
    let user = enrolled(store, now, &digests).await;
    let events = [audit(AuditKind::SignedIn, now, user)];
    let first = challenge(store, user, 1, now).await;
    let started = session(user, now);
    assert_eq!(
        passes(
            store,
            &pass(
                &first.digest,
                user,
                1,
                Passed::BackupCode("not-a-code"),
                &started,
                &events,
                now
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for an unknown backup code"
    );
    assert_eq!(
        passes(
            store,
            &pass(
                &first.digest,
                user,
                1,
                Passed::BackupCode(&digests[0]),
                &started,
                &events,
                now
            )
        )
        .await,
        Conditional::Applied,
        "pass_mfa_challenge: Applied for a backup code"
    );
    assert!(
        !ok(
            "has_backup_code",
            store.has_backup_code(user, &digests[0]).await
        ),
        "pass_mfa_challenge: the backup code is spent"
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await).backup_codes_left,
        2,
        "pass_mfa_challenge: the other backup codes stay"
    );
    assert_eq!(
        version(store, user).await,
        1,
        "pass_mfa_challenge: a sign-in leaves the credential version"
    );
    let next = challenge(store, user, 1, now).await;
    let again = session(user, now);
    assert_eq!(
        passes(
            store,
            &pass(
                &next.digest,
                user,
                1,
                Passed::BackupCode(&digests[0]),
                &again,
                &events,
                now
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for a spent backup code"
    );

    let challenges = [
        challenge(store, user, 1, now).await,
        next,
        challenge(store, user, 1, now).await,
    ];
    let sessions: Vec<Session> = (0..3).map(|_| session(user, now)).collect();
    let passes: Vec<ChallengePass<'_>> = challenges
        .iter()
        .zip(&sessions)
        .map(|(c, s)| {
            pass(
                &c.digest,
                user,
                1,
                Passed::BackupCode(&digests[1]),
                s,
                &events,
                now,
            )
        })
        .collect();
    let outcomes = join_all(passes.iter().map(|p| store.pass_mfa_challenge(p))).await;
    assert_eq!(
        applied("pass_mfa_challenge race", outcomes),
        1,
        "pass_mfa_challenge: of 3 sign-ins with one backup code, exactly one is Applied"
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await).backup_codes_left,
        1,
        "pass_mfa_challenge race: the backup code is spent once"
    );
}

pub(super) async fn push_races(store: &dyn Store, now: OffsetDateTime) {
    let user = enrolled(store, now, &[]).await;
    let events = [audit(AuditKind::SignedIn, now, user)];
    let one = challenge(store, user, 1, now).await;
    let sessions: Vec<Session> = (0..6).map(|_| session(user, now)).collect();
    let passes: Vec<ChallengePass<'_>> = sessions
        .iter()
        .map(|s| pass(&one.digest, user, 1, Passed::Push, s, &events, now))
        .collect();
    let outcomes = join_all(passes.iter().map(|p| store.pass_mfa_challenge(p))).await;
    assert_eq!(
        applied("pass_mfa_challenge race", outcomes),
        1,
        "pass_mfa_challenge: of 6 concurrent passes of one challenge, exactly one is Applied"
    );
    let mut started = 0;
    for s in &sessions {
        started += usize::from(ok("session", store.session(&s.digest).await).is_some());
    }
    assert_eq!(
        started, 1,
        "pass_mfa_challenge race: exactly one session is started"
    );
}
