//! Every limit on what a caller may repeat (failed passwords, wrong codes, texts,
//! pushes, link requests, phones), enforced one way: an attempt takes a slot of
//! the limit's counter with one conditional write *before* the work it guards
//! (hashing a password, comparing a code, sending a text). Lambda runs
//! concurrent requests on separate instances, so a limit that is read first and
//! recorded after holds nothing under a burst; a slot taken by a conditional write
//! does: of any number of concurrent attempts, at most `max` get one.
//!
//! A limit on failures gives the slot of an attempt that succeeded back, so only
//! failures stay counted.

use time::{Duration, OffsetDateTime};

use crate::Services;
use crate::ports::Conditional;

/// The caller went over a limit; they may try again after `retry_after` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub retry_after: u64,
}

/// Over what time a limit's slots are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Fixed windows of this length, aligned to the epoch: every window starts
    /// with all its slots free.
    Every(Duration),
    /// One count for the life of what is counted (an `mfa_token`, a code), which
    /// ends at this time.
    Until(OffsetDateTime),
}

/// A limit: at most `max` attempts under one subject in a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    key: String,
    max: u64,
    window: Window,
}

impl Limit {
    /// A limit of `max` under `scope` for `subject`. Subjects (emails, addresses,
    /// phone numbers) are stored only as keyed digests.
    pub fn new(svc: &Services, scope: &str, subject: &str, max: u64, window: Window) -> Self {
        let digest = svc.keys.digest_labelled("limit", subject.as_bytes());
        Self::with_key(format!("{scope}#{digest}"), max, window)
    }

    fn with_key(key: String, max: u64, window: Window) -> Self {
        Self { key, max, window }
    }

    /// The counter's key at `now`, when it may be collected, and when it frees up.
    fn counter_at(&self, now: OffsetDateTime) -> (String, OffsetDateTime, OffsetDateTime) {
        match self.window {
            Window::Every(length) => {
                let length = length.whole_seconds().max(1);
                let start = now.unix_timestamp() - now.unix_timestamp().rem_euclid(length);
                let start = OffsetDateTime::from_unix_timestamp(start).unwrap_or(now);
                let end = start + Duration::seconds(length);
                (
                    format!("{}#{}", self.key, start.unix_timestamp()),
                    end + Duration::seconds(length),
                    end,
                )
            }
            Window::Until(end) => (self.key.clone(), end + Duration::DAY, end),
        }
    }
}

/// A slot taken under a limit. Dropping it keeps the attempt counted; a limit on
/// failures hands the slot of a success to [`give_back`].
#[derive(Debug)]
#[must_use = "a slot is kept (the attempt counts) or given back"]
pub struct Slot {
    key: String,
}

/// Takes a slot under `limit`, or says when one frees up.
pub async fn take(svc: &Services, limit: &Limit) -> anyhow::Result<Result<Slot, Exceeded>> {
    let now = svc.clock.now();
    let (key, expires_at, frees_at) = limit.counter_at(now);
    match svc.store.take_slot(&key, limit.max, expires_at).await? {
        Conditional::Applied => Ok(Ok(Slot { key })),
        Conditional::Refused => Ok(Err(Exceeded {
            retry_after: u64::try_from((frees_at - now).whole_seconds())
                .unwrap_or(0)
                .max(1),
        })),
    }
}

/// Takes a slot under every one of `limits`, or none: when one is full, the slots
/// already taken are given back and the answer says when the full one frees up.
pub async fn take_all(
    svc: &Services,
    limits: &[Limit],
) -> anyhow::Result<Result<Vec<Slot>, Exceeded>> {
    let mut slots = Vec::with_capacity(limits.len());
    for limit in limits {
        match take(svc, limit).await {
            Ok(Ok(slot)) => slots.push(slot),
            Ok(Err(exceeded)) => {
                give_back(svc, slots).await?;
                return Ok(Err(exceeded));
            }
            Err(err) => {
                // Nothing was attempted: the slots taken so far go back too.
                if let Err(also) = give_back(svc, slots).await {
                    tracing::warn!(error = format!("{also:#}"), "slots not given back");
                }
                return Err(err);
            }
        }
    }
    Ok(Ok(slots))
}

/// Gives slots back: attempts that turned out not to count.
pub async fn give_back(svc: &Services, slots: Vec<Slot>) -> anyhow::Result<()> {
    for slot in slots {
        svc.store.give_back_slot(&slot.key).await?;
    }
    Ok(())
}

/// Whether every slot of `limit` is taken now, for the requests that do not
/// attempt anything themselves but must stop once the attempts ran out.
pub async fn exhausted(svc: &Services, limit: &Limit) -> anyhow::Result<bool> {
    let (key, _, _) = limit.counter_at(svc.clock.now());
    Ok(svc.store.slots_taken(&key).await? >= limit.max)
}

/// What a sign-in route allows per email address and per source address in a
/// window (the defaults below; the Configuration settings override them).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub per_email: u64,
    pub per_ip: u64,
    pub window: Duration,
}

impl RateLimits {
    /// Login-link requests: 5 per address and 50 per source address in 15 minutes.
    pub const LOGIN_LINKS: Self = Self {
        per_email: 5,
        per_ip: 50,
        window: Duration::minutes(15),
    };
    /// Failed password sign-ins: 10 per account and 100 per source address in 15
    /// minutes.
    pub const PASSWORD_FAILURES: Self = Self {
        per_email: 10,
        per_ip: 100,
        window: Duration::minutes(15),
    };
}

/// Failed password sign-ins from one trusted browser, in the window above.
pub const PASSWORD_FAILURES_PER_DEVICE: u64 = 10;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::FakeServices;
    use time::macros::datetime;

    #[test]
    fn fixed_windows_are_aligned_to_their_length() {
        let limit = Limit::with_key("k".into(), 1, Window::Every(Duration::minutes(15)));
        let (key, expires_at, frees_at) = limit.counter_at(datetime!(2026-01-01 12:07:30 UTC));
        let start = datetime!(2026-01-01 12:00 UTC).unix_timestamp();
        assert_eq!(key, format!("k#{start}"));
        assert_eq!(frees_at, datetime!(2026-01-01 12:15 UTC));
        assert_eq!(expires_at, datetime!(2026-01-01 12:30 UTC));
    }

    #[tokio::test]
    async fn a_full_limit_refuses_until_its_window_ends() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        let limit = Limit::new(svc, "t", "casey", 3, Window::Every(Duration::minutes(15)));
        for _ in 0..3 {
            assert!(take(svc, &limit).await.unwrap().is_ok());
        }
        assert!(exhausted(svc, &limit).await.unwrap());
        let refused = take(svc, &limit).await.unwrap().unwrap_err();
        assert!(refused.retry_after >= 1 && refused.retry_after <= 15 * 60);
        let other = Limit::new(
            svc,
            "t",
            "someone else",
            3,
            Window::Every(Duration::minutes(15)),
        );
        assert!(take(svc, &other).await.unwrap().is_ok());

        fake.clock
            .advance(Duration::seconds(refused.retry_after as i64));
        assert!(!exhausted(svc, &limit).await.unwrap());
        assert!(take(svc, &limit).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_slot_given_back_can_be_taken_again_and_a_refusal_takes_nothing() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        let until = Window::Until(svc.clock.now() + Duration::minutes(5));
        let first = Limit::new(svc, "a", "x", 2, until);
        let second = Limit::new(svc, "b", "x", 1, until);
        let slots = take_all(svc, &[first.clone(), second.clone()])
            .await
            .unwrap()
            .unwrap();
        assert!(
            take_all(svc, &[first.clone(), second.clone()])
                .await
                .unwrap()
                .is_err()
        );
        give_back(svc, slots).await.unwrap();
        // The refused attempt gave its slot of `first` back: two are free again.
        assert!(take(svc, &first).await.unwrap().is_ok());
        assert!(take_all(svc, &[first, second]).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn concurrent_attempts_never_get_more_slots_than_the_limit() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        let limit = Limit::new(svc, "burst", "x", 5, Window::Every(Duration::HOUR));
        let attempts = (0..40).map(|_| take(svc, &limit));
        let taken = futures::future::join_all(attempts)
            .await
            .into_iter()
            .filter(|attempt| matches!(attempt, Ok(Ok(_))))
            .count();
        assert_eq!(taken, 5);
    }
}
