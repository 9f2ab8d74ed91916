//! A soft lock on repeated failures: at most `limit` failures under one subject in
//! any window of the given length. It ends by itself as old failures leave the
//! window, so nobody can lock someone else out for good.

use time::Duration;

use crate::Services;
use crate::flows::rate_limit::Exceeded;

fn key(svc: &Services, scope: &str, subject: &str) -> String {
    format!(
        "{scope}#{}",
        svc.key.digest_labelled("throttle", subject.as_bytes())
    )
}

/// `Some` when `subject` already has `limit` failures in the last `window`; the
/// lock lifts when the oldest of them leaves the window, `window` after it.
pub async fn locked(
    svc: &Services,
    scope: &str,
    subject: &str,
    limit: u64,
    window: Duration,
) -> anyhow::Result<Option<Exceeded>> {
    let now = svc.clock.now();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let failures = svc
        .store
        .failures_after(&key(svc, scope, subject), now - window, limit)
        .await?;
    Ok(match failures.first() {
        Some(oldest) if failures.len() >= limit => Some(Exceeded {
            retry_after: (*oldest + window - now).whole_seconds().max(1) as u64,
        }),
        _ => None,
    })
}

pub async fn record_failure(
    svc: &Services,
    scope: &str,
    subject: &str,
    window: Duration,
) -> anyhow::Result<()> {
    let now = svc.clock.now();
    svc.store
        .record_failure(&key(svc, scope, subject), now, now + window)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::FakeServices;

    #[tokio::test]
    async fn the_lock_holds_from_the_limit_and_lifts_as_the_window_slides() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        let window = Duration::minutes(15);
        for _ in 0..3 {
            assert_eq!(locked(svc, "t", "casey", 3, window).await.unwrap(), None);
            record_failure(svc, "t", "casey", window).await.unwrap();
            fake.clock.advance(Duration::minutes(1));
        }
        let lock = locked(svc, "t", "casey", 3, window).await.unwrap().unwrap();
        assert_eq!(
            lock.retry_after,
            12 * 60,
            "the oldest failure leaves in 12 minutes"
        );
        assert_eq!(
            locked(svc, "t", "someone else", 3, window).await.unwrap(),
            None
        );

        fake.clock
            .advance(Duration::seconds(lock.retry_after as i64));
        assert_eq!(locked(svc, "t", "casey", 3, window).await.unwrap(), None);
    }
}
