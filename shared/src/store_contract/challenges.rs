//! The contract of [`MfaStore::pass_mfa_challenge`](crate::mfa::MfaStore::pass_mfa_challenge):
//! the second step of a sign-in, with each thing that can pass it.

use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, digest, ok, session, stored_staff};
use super::mfa::confirm;
use crate::domain::{AuditEvent, AuditKind, TokenDigest, UserId};
use crate::mfa::MfaChallenge;
use crate::mfa::{ChallengePass, ConfirmedFactor, Passed};
use crate::ports::{Conditional, Store};
use crate::sign_in::Session;

pub async fn check(store: &dyn Store, now: OffsetDateTime) {
    totp_steps(store, now).await;
    refusals(store, now).await;
    super::challenge_spends::sms_codes(store, now).await;
    super::challenge_spends::backup_codes(store, now).await;
    super::challenge_spends::push_races(store, now).await;
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

pub(super) async fn challenge(
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

pub(super) fn pass<'a>(
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

pub(super) async fn passes(store: &dyn Store, pass: &ChallengePass<'_>) -> Conditional {
    ok("pass_mfa_challenge", store.pass_mfa_challenge(pass).await)
}

/// A user with a confirmed authenticator app at step 10 and backup codes, at version 1.
pub(super) async fn enrolled(store: &dyn Store, now: OffsetDateTime, backup: &[String]) -> UserId {
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
    let (started_ref, events_ref) = (&started, &events[..]);
    let push = |digest: TokenDigest, version: u64, at: OffsetDateTime| async move {
        let attempt = pass(
            &digest,
            user,
            version,
            Passed::Push,
            started_ref,
            events_ref,
            at,
        );
        passes(store, &attempt).await
    };
    assert_eq!(
        push(expiring.digest.clone(), 1, expiring.expires_at).await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused at the challenge's expiry"
    );
    assert_eq!(
        push(expiring.digest.clone(), 0, now).await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused when the credentials moved on"
    );
    assert_eq!(
        push(digest(), 1, now).await,
        Conditional::Refused,
        "pass_mfa_challenge: Refused for an unknown challenge"
    );
    assert_eq!(
        ok("session", store.session(&started.digest).await),
        None,
        "pass_mfa_challenge: Refused passes start no session"
    );
    assert_eq!(
        push(expiring.digest.clone(), 1, now).await,
        Conditional::Applied,
        "pass_mfa_challenge: Applied for a push before the expiry"
    );
}
