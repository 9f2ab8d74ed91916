//! The contract of [`NoticeStore`](crate::documents::NoticeStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{ok, unique, whole_seconds};
use crate::documents::NoticeClaim;
use crate::ports::Store;

const LEASE: Duration = Duration::minutes(5);

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    leases(store, now).await;
    sent(store, now).await;
    races(store, now).await;
}

fn id() -> String {
    format!("CONTRACT#{}", unique())
}

async fn leases(store: &dyn Store, now: OffsetDateTime) {
    let notice = id();
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, now, LEASE).await
        ),
        NoticeClaim::Claimed,
        "claim_notice: Claimed the first time"
    );
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, now, LEASE).await
        ),
        NoticeClaim::Held,
        "claim_notice: Held while claimed"
    );
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, now + LEASE, LEASE).await
        ),
        NoticeClaim::Held,
        "claim_notice: Held until the lease has passed"
    );
    let later = now + LEASE + Duration::SECOND;
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, later, LEASE).await
        ),
        NoticeClaim::Claimed,
        "claim_notice: Claimed again once the lease has passed"
    );
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, later + LEASE, LEASE).await
        ),
        NoticeClaim::Held,
        "claim_notice: the new claim's lease counts from its own time"
    );

    let released = id();
    ok(
        "claim_notice",
        store.claim_notice(&released, now, LEASE).await,
    );
    ok("release_notice", store.release_notice(&released).await);
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&released, now, LEASE).await
        ),
        NoticeClaim::Claimed,
        "release_notice: a released claim can be Claimed again at once"
    );
    ok("release_notice", store.release_notice(&id()).await);
}

async fn sent(store: &dyn Store, now: OffsetDateTime) {
    let notice = id();
    ok(
        "claim_notice",
        store.claim_notice(&notice, now, LEASE).await,
    );
    ok("notice_sent", store.notice_sent(&notice, now).await);
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, now, LEASE).await
        ),
        NoticeClaim::Sent,
        "notice_sent: a sent notice is Sent"
    );
    let much_later = now + LEASE * 10;
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, much_later, LEASE).await
        ),
        NoticeClaim::Sent,
        "notice_sent: Sent whatever the lease"
    );
    ok("release_notice", store.release_notice(&notice).await);
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&notice, much_later, LEASE).await
        ),
        NoticeClaim::Sent,
        "release_notice: a sent notice stays Sent"
    );

    // The holder whose lease passed may still finish sending: the notice is
    // recorded as sent, whoever claimed it since.
    let overtaken = id();
    ok(
        "claim_notice",
        store.claim_notice(&overtaken, now, LEASE).await,
    );
    let later = now + LEASE + Duration::SECOND;
    ok(
        "claim_notice",
        store.claim_notice(&overtaken, later, LEASE).await,
    );
    ok("notice_sent", store.notice_sent(&overtaken, later).await);
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&overtaken, later, LEASE).await
        ),
        NoticeClaim::Sent,
        "notice_sent: Sent after a claim was taken over"
    );

    // A notice recorded sent without a claim (a retry after the claim was
    // released) must never go out again.
    let unclaimed = id();
    ok("notice_sent", store.notice_sent(&unclaimed, now).await);
    assert_eq!(
        ok(
            "claim_notice",
            store.claim_notice(&unclaimed, now, LEASE).await
        ),
        NoticeClaim::Sent,
        "notice_sent: a notice marked sent without a claim is Sent"
    );
}

async fn races(store: &dyn Store, now: OffsetDateTime) {
    let notice = id();
    let claims = concurrent_claims(store, &notice, now).await;
    let claimed = count(&claims, NoticeClaim::Claimed);
    assert_eq!(
        claimed, 1,
        "claim_notice: of 6 concurrent claims, exactly one is Claimed"
    );
    assert!(
        claims.iter().all(|claim| *claim != NoticeClaim::Sent),
        "claim_notice race: the losers see it Held, not Sent"
    );

    let stale = id();
    ok("claim_notice", store.claim_notice(&stale, now, LEASE).await);
    let later = now + LEASE + Duration::SECOND;
    let claims = concurrent_claims(store, &stale, later).await;
    let claimed = count(&claims, NoticeClaim::Claimed);
    assert_eq!(
        claimed, 1,
        "claim_notice: of 6 concurrent claims of a stale lease, exactly one is Claimed"
    );
}

/// Six claims of `notice` at once, at `at`.
async fn concurrent_claims(
    store: &dyn Store,
    notice: &str,
    at: OffsetDateTime,
) -> Vec<NoticeClaim> {
    join_all((0..6).map(|_| store.claim_notice(notice, at, LEASE)))
        .await
        .into_iter()
        .map(|claim| ok("claim_notice race", claim))
        .collect()
}

fn count(claims: &[NoticeClaim], wanted: NoticeClaim) -> usize {
    claims.iter().filter(|claim| **claim == wanted).count()
}
