//! The contract of [`CounterStore`](crate::sign_in::CounterStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, ok, unique, whole_seconds};
use crate::ports::{Conditional, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    let expires_at = now + Duration::minutes(15);
    take_and_give_back(store, expires_at).await;
    races(store, expires_at).await;
}

async fn take_and_give_back(store: &dyn Store, expires_at: OffsetDateTime) {
    let key = format!("contract#{}", unique());
    let other = format!("contract#{}", unique());
    assert_eq!(
        ok("slots_taken", store.slots_taken(&key).await),
        0,
        "slots_taken: 0 for an unknown counter"
    );
    for taken in 1..=3 {
        assert_eq!(
            ok("take_slot", store.take_slot(&key, 3, expires_at).await),
            Conditional::Applied,
            "take_slot: Applied while fewer than max are taken"
        );
        assert_eq!(
            ok("slots_taken", store.slots_taken(&key).await),
            taken,
            "take_slot: each Applied take counts one"
        );
    }
    assert_eq!(
        ok("take_slot", store.take_slot(&key, 3, expires_at).await),
        Conditional::Refused,
        "take_slot: Refused once max are taken"
    );
    assert_eq!(
        ok("slots_taken", store.slots_taken(&key).await),
        3,
        "take_slot: a Refused take counts nothing"
    );
    assert_eq!(
        ok("take_slot", store.take_slot(&key, 4, expires_at).await),
        Conditional::Applied,
        "take_slot: Applied under a higher max"
    );
    assert_eq!(
        ok("slots_taken", store.slots_taken(&other).await),
        0,
        "take_slot: counters are independent"
    );

    ok("give_back_slot", store.give_back_slot(&key).await);
    assert_eq!(
        ok("slots_taken", store.slots_taken(&key).await),
        3,
        "give_back_slot: one slot fewer is taken"
    );
    assert_eq!(
        ok("take_slot", store.take_slot(&key, 4, expires_at).await),
        Conditional::Applied,
        "give_back_slot: the slot can be taken again"
    );
    ok("give_back_slot", store.give_back_slot(&other).await);
    assert_eq!(
        ok("slots_taken", store.slots_taken(&other).await),
        0,
        "give_back_slot: an unknown counter stays at 0"
    );

    let single = format!("contract#{}", unique());
    ok("take_slot", store.take_slot(&single, 1, expires_at).await);
    ok("give_back_slot", store.give_back_slot(&single).await);
    ok("give_back_slot", store.give_back_slot(&single).await);
    assert_eq!(
        ok("slots_taken", store.slots_taken(&single).await),
        0,
        "give_back_slot: never below 0"
    );
    assert_eq!(
        ok("take_slot", store.take_slot(&single, 1, expires_at).await),
        Conditional::Applied,
        "give_back_slot: a counter given back to 0 takes max again"
    );
    assert_eq!(
        ok("take_slot", store.take_slot(&single, 1, expires_at).await),
        Conditional::Refused,
        "give_back_slot: ...and no more than max"
    );
}

async fn races(store: &dyn Store, expires_at: OffsetDateTime) {
    let key = format!("contract#{}", unique());
    let outcomes = join_all((0..10).map(|_| store.take_slot(&key, 5, expires_at))).await;
    assert_eq!(
        applied("take_slot race", outcomes),
        5,
        "take_slot: of 10 concurrent takers of 5 slots, exactly 5 are Applied"
    );
    assert_eq!(
        ok("slots_taken", store.slots_taken(&key).await),
        5,
        "take_slot race: exactly max are taken"
    );

    let key = format!("contract#{}", unique());
    let outcomes = join_all((0..4).map(|_| store.take_slot(&key, 1, expires_at))).await;
    assert_eq!(
        applied("take_slot race", outcomes),
        1,
        "take_slot: of 4 concurrent takers of 1 slot, exactly one is Applied"
    );
}
