//! Fixed-window rate limiting on counters in the store.

use time::{Duration, OffsetDateTime};

use crate::Services;

/// The caller went over a limit; they may try again after `retry_after` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub retry_after: u64,
}

/// Counts a hit for `subject` under `scope` and says whether it is over `limit`
/// in the current window. Subjects (emails, addresses) are stored only as keyed
/// digests.
pub async fn hit(
    svc: &Services,
    scope: &str,
    subject: &str,
    limit: u64,
    window: Duration,
) -> anyhow::Result<Result<(), Exceeded>> {
    let now = svc.clock.now();
    let (window_start, window_end) = window_bounds(now, window);
    let key = format!(
        "{scope}#{}",
        svc.key.digest_labelled("rate-limit", subject.as_bytes())
    );
    let count = svc
        .store
        .hit(&key, window_start, window_end + window)
        .await?;
    if count <= limit {
        Ok(Ok(()))
    } else {
        let retry_after = (window_end - now).whole_seconds().max(1) as u64;
        Ok(Err(Exceeded { retry_after }))
    }
}

fn window_bounds(now: OffsetDateTime, window: Duration) -> (OffsetDateTime, OffsetDateTime) {
    let length = window.whole_seconds().max(1);
    let start = now.unix_timestamp() - now.unix_timestamp().rem_euclid(length);
    let start = OffsetDateTime::from_unix_timestamp(start).unwrap_or(now);
    (start, start + Duration::seconds(length))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn windows_are_aligned_to_their_length() {
        let (start, end) = window_bounds(datetime!(2026-01-01 12:07:30 UTC), Duration::minutes(15));
        assert_eq!(start, datetime!(2026-01-01 12:00 UTC));
        assert_eq!(end, datetime!(2026-01-01 12:15 UTC));
    }
}
