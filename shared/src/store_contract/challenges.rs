//! The contract of [`MfaStore::pass_mfa_challenge`](crate::ports::MfaStore::pass_mfa_challenge):
//! the second step of a sign-in, with each thing that can pass it.

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, ok, session, stored_staff, unique};
use super::mfa::{codes, confirm, version};
use crate::domain::{AuditEvent, AuditKind, MfaChallenge, SentCode, Session, TokenDigest, UserId};
use crate::ports::{ChallengePass, Conditional, ConfirmedFactor, Passed, Store};

pub async fn check(store: &dyn Store, now: OffsetDateTime) {
    totp_steps(store, now).await;
    refusals(store, now).await;
    sms_codes(store, now).await;
    backup_codes(store, now).await;
    push_races(store, now).await;
    unknown_user(store, now).await;
}

/// Last, as the one the DynamoDB store was found to break.
async fn unknown_user(store: &dyn Store, now: OffsetDateTime) {
    let stranger = UserId::new();
    let events = [audit(AuditKind::SignedIn, now, stranger)];
    let orphan = challenge(store, stranger, 0, now).await;
    let started = session(stranger, now);
    assert_eq!(
        passes(
            store,
            &pass(
                &orphan.digest,
                stranger,
                0,
                Passed::Push,
                &started,
                &events,
                now
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for a user who does not exist (no credentials to be at version 0)"
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        None,
        "pass_mfa_challenge: no session for a user who does not exist"
    );
}

async fn challenge(
    store: &dyn Store,
    user: UserId,
    version: u64,
    now: OffsetDateTime,
) -> MfaChallenge {
    let challenge = MfaChallenge {
        digest: digest(),
        user_id: user,
        created_at: now,
        expires_at: now + Duration::minutes(5),
        credential_version: version,
    };
    ok(
        "put_mfa_challenge",
        store.put_mfa_challenge(&challenge).await,
    );
    challenge
}

fn pass<'a>(
    challenge: &'a TokenDigest,
    user: UserId,
    version: u64,
    spends: Passed<'a>,
    session: &'a Session,
    audit: &'a [AuditEvent],
    now: OffsetDateTime,
) -> ChallengePass<'a> {
    ChallengePass {
        challenge,
        now,
        user,
        credential_version: version,
        spends,
        session,
        audit,
    }
}

async fn passes(store: &dyn Store, pass: &ChallengePass<'_>) -> Conditional {
    ok("pass_mfa_challenge", store.pass_mfa_challenge(pass).await)
}

/// A user with a confirmed authenticator app at step 10 and backup codes, at version 1.
async fn enrolled(store: &dyn Store, now: OffsetDateTime, backup: &[String]) -> UserId {
    let user = stored_staff(store, now).await.id;
    ok("begin_totp", store.begin_totp(user, "sealed", now).await);
    assert_eq!(
        confirm(
            store,
            user,
            0,
            ConfirmedFactor::Totp { step: 10 },
            now,
            backup
        )
        .await,
        Conditional::Applied,
        "fixture: the authenticator app is confirmed"
    );
    user
}

async fn totp_steps(store: &dyn Store, now: OffsetDateTime) {
    let user = enrolled(store, now, &[]).await;
    let written = challenge(store, user, 1, now).await;
    assert_eq!(
        ok("mfa_challenge", store.mfa_challenge(&written.digest).await),
        Some(written.clone()),
        "put_mfa_challenge: the challenge reads back as written"
    );
    assert_eq!(
        ok("mfa_challenge", store.mfa_challenge(&digest()).await),
        None,
        "mfa_challenge: an unknown digest is None"
    );
    let events = [audit(AuditKind::SignedIn, now, user)];
    let started = session(user, now);
    for step in [9, 10] {
        assert_eq!(
            passes(
                store,
                &pass(
                    &written.digest,
                    user,
                    1,
                    Passed::TotpStep(step),
                    &started,
                    &events,
                    now
                )
            )
            .await,
            Conditional::Refused,
            "pass_mfa_challenge: Refused for a step at or before the last accepted one (a replay)"
        );
    }
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        None,
        "pass_mfa_challenge: a Refused pass starts no session"
    );
    assert!(
        ok("mfa_challenge", store.mfa_challenge(&written.digest).await).is_some(),
        "pass_mfa_challenge: a Refused pass leaves the challenge"
    );
    assert_eq!(
        passes(
            store,
            &pass(
                &written.digest,
                user,
                1,
                Passed::TotpStep(11),
                &started,
                &events,
                now
            )
        )
        .await,
        Conditional::Applied,
        "pass_mfa_challenge: Applied for a later step"
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        Some(started.clone()),
        "pass_mfa_challenge: the session reads back as written"
    );
    assert_eq!(
        ok("mfa_challenge", store.mfa_challenge(&written.digest).await),
        None,
        "pass_mfa_challenge: the challenge ends"
    );
    assert_eq!(
        ok("mfa_state", store.mfa_state(user).await)
            .totp
            .map(|t| t.last_step),
        Some(11),
        "pass_mfa_challenge: the step is recorded"
    );
    let again = session(user, now);
    assert_eq!(
        passes(
            store,
            &pass(
                &written.digest,
                user,
                1,
                Passed::TotpStep(12),
                &again,
                &events,
                now
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for an ended challenge"
    );

    let next = challenge(store, user, 1, now).await;
    assert_eq!(
        passes(
            store,
            &pass(
                &next.digest,
                user,
                1,
                Passed::TotpStep(11),
                &again,
                &events,
                now
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for the step of the previous sign-in, on a new challenge"
    );
    let (a, b) = (
        challenge(store, user, 1, now).await,
        challenge(store, user, 1, now).await,
    );
    let (sa, sb) = (session(user, now), session(user, now));
    let (pa, pb) = (
        pass(&a.digest, user, 1, Passed::TotpStep(12), &sa, &events, now),
        pass(&b.digest, user, 1, Passed::TotpStep(12), &sb, &events, now),
    );
    let (ra, rb) = tokio::join!(store.pass_mfa_challenge(&pa), store.pass_mfa_challenge(&pb));
    assert_eq!(
        applied("pass_mfa_challenge race", vec![ra, rb]),
        1,
        "pass_mfa_challenge: of two sign-ins with a code of one step, exactly one is Applied"
    );
}

async fn refusals(store: &dyn Store, now: OffsetDateTime) {
    let user = enrolled(store, now, &[]).await;
    let events = [audit(AuditKind::SignedIn, now, user)];
    let started = session(user, now);
    let expiring = challenge(store, user, 1, now).await;
    assert_eq!(
        passes(
            store,
            &pass(
                &expiring.digest,
                user,
                1,
                Passed::Push,
                &started,
                &events,
                expiring.expires_at
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused at the challenge's expiry"
    );
    assert_eq!(
        passes(
            store,
            &pass(
                &expiring.digest,
                user,
                0,
                Passed::Push,
                &started,
                &events,
                now
            )
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused when the credentials moved on"
    );
    assert_eq!(
        passes(
            store,
            &pass(&digest(), user, 1, Passed::Push, &started, &events, now)
        )
        .await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for an unknown challenge"
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        None,
        "pass_mfa_challenge: Refused passes start no session"
    );
    assert_eq!(
        passes(
            store,
            &pass(
                &expiring.digest,
                user,
                1,
                Passed::Push,
                &started,
                &events,
                now
            )
        )
        .await,
        Conditional::Applied,
        "pass_mfa_challenge: Applied for a push before the expiry"
    );
}

async fn sms_codes(store: &dyn Store, now: OffsetDateTime) {
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

async fn backup_codes(store: &dyn Store, now: OffsetDateTime) {
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

async fn push_races(store: &dyn Store, now: OffsetDateTime) {
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
