//! The contract of [`MfaStore`](crate::mfa::MfaStore): texted codes and pushes.

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, digest, ok, unique};
use crate::domain::{PushChallengeId, UserId};
use crate::mfa::{PushChallenge, PushStatus, SentCode};
use crate::ports::{Conditional, Store};

pub(super) async fn sent_codes(store: &dyn Store, now: OffsetDateTime) {
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

pub(super) async fn pushes(store: &dyn Store, now: OffsetDateTime) {
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
