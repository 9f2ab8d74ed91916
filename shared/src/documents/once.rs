//! Sending a notification once, whatever the retries, duplicate events and
//! scheduled sweeps: it is claimed (a lease) before it is sent and marked sent
//! after. A claim whose holder died can be taken again once its lease has passed,
//! so a crash between claim and send delays the email rather than losing it.

use std::future::Future;

use crate::Services;
use crate::documents::NoticeClaim;

/// Longer than any function runs (the sweep's timeout is 5 minutes).
pub const LEASE: time::Duration = time::Duration::minutes(10);

/// What became of one notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Once {
    SentNow,
    SentBefore,
    /// Another invocation holds the claim; it sends, or the lease runs out.
    InFlight,
}

/// Sends the notification `id` with `send` unless it went out already or is
/// being sent. A failed send gives the claim back and is the caller's error.
pub async fn send_once(
    svc: &Services,
    id: &str,
    send: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<Once> {
    match svc.store.claim_notice(id, svc.clock.now(), LEASE).await? {
        NoticeClaim::Sent => return Ok(Once::SentBefore),
        NoticeClaim::Held => return Ok(Once::InFlight),
        NoticeClaim::Claimed => {}
    }
    if let Err(err) = send.await {
        // Logged here: a failing release below would otherwise hide it.
        tracing::error!(
            error = format!("{err:#}"),
            "a notification could not be sent"
        );
        svc.store.release_notice(id).await?;
        return Err(err);
    }
    svc.store.notice_sent(id, svc.clock.now()).await?;
    Ok(Once::SentNow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::NoticeStore;
    use crate::fakes::FakeServices;

    #[tokio::test]
    async fn a_notification_goes_out_once() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        assert_eq!(
            send_once(svc, "n", async { Ok(()) }).await.unwrap(),
            Once::SentNow
        );
        assert_eq!(
            send_once(svc, "n", async { Ok(()) }).await.unwrap(),
            Once::SentBefore
        );
    }

    #[tokio::test]
    async fn a_failed_send_can_be_retried() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        let failed = send_once(svc, "n", async { anyhow::bail!("SES is down") }).await;
        assert!(failed.is_err());
        assert_eq!(
            send_once(svc, "n", async { Ok(()) }).await.unwrap(),
            Once::SentNow
        );
    }

    #[tokio::test]
    async fn a_claim_whose_holder_died_is_taken_again_after_its_lease() {
        let fake = FakeServices::default();
        let svc = &fake.services;
        let now = svc.clock.now();
        // A holder that claimed and then crashed before sending.
        fake.store.claim_notice("n", now, LEASE).await.unwrap();
        assert_eq!(
            send_once(svc, "n", async { Ok(()) }).await.unwrap(),
            Once::InFlight
        );
        fake.clock.advance(LEASE + time::Duration::SECOND);
        assert_eq!(
            send_once(svc, "n", async { Ok(()) }).await.unwrap(),
            Once::SentNow
        );
    }
}
