//! The `email-events` function's work: SNS delivers what SES published for the
//! configuration set (a bounce, a complaint), one message a record.

use serde::{Deserialize, Serialize};

use crate::Services;
use crate::domain::EmailAddress;
use crate::suppression::{Suppression, SuppressionReason};

/// SNS's event to a Lambda function, as far as it is read.
#[derive(Debug, Deserialize)]
pub struct SnsEvent {
    #[serde(rename = "Records")]
    pub records: Vec<SnsRecord>,
}

#[derive(Debug, Deserialize)]
pub struct SnsRecord {
    #[serde(rename = "Sns")]
    pub sns: SnsMessage,
}

#[derive(Debug, Deserialize)]
pub struct SnsMessage {
    #[serde(rename = "Message")]
    pub message: String,
}

/// What SES publishes: `eventType` from a configuration set's event destination,
/// `notificationType` from an identity's feedback notifications.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    #[serde(alias = "notificationType")]
    event_type: String,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    bounced_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    complained_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
}

/// What a run did, as the function answers it.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct EmailEventsRun {
    /// Addresses recorded as suppressed (again, for one suppressed already).
    pub suppressed: usize,
    /// Messages that suppress nothing: a transient bounce, another event type, a
    /// message that is not an SES event, an address that does not parse.
    pub ignored: usize,
}

/// The addresses a message suppresses, and why; `None` when it suppresses nothing.
fn suppressed_by(message: &str) -> Option<(SuppressionReason, Vec<Recipient>)> {
    let event: SesEvent = serde_json::from_str(message).ok()?;
    match event.event_type.as_str() {
        // Transient and undetermined bounces (a full mailbox) may pass.
        "Bounce" => event
            .bounce
            .filter(|bounce| bounce.bounce_type == "Permanent")
            .map(|bounce| (SuppressionReason::Bounce, bounce.bounced_recipients)),
        "Complaint" => event.complaint.map(|complaint| {
            (
                SuppressionReason::Complaint,
                complaint.complained_recipients,
            )
        }),
        _ => None,
    }
}

/// Records every address the event's messages suppress. A failed write fails the
/// run, so that Lambda tries the whole event again; writing twice changes nothing.
pub async fn record_email_events(
    svc: &Services,
    event: SnsEvent,
) -> anyhow::Result<EmailEventsRun> {
    let now = svc.clock.now();
    let mut run = EmailEventsRun::default();
    for record in event.records {
        let Some((reason, recipients)) = suppressed_by(&record.sns.message) else {
            run.ignored += 1;
            continue;
        };
        for recipient in recipients {
            let Ok(address) = EmailAddress::parse(&recipient.email_address) else {
                run.ignored += 1;
                continue;
            };
            svc.store
                .suppress(&Suppression {
                    address,
                    reason,
                    since: now,
                })
                .await?;
            tracing::info!(reason = reason.as_str(), "address suppressed");
            run.suppressed += 1;
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::FakeServices;
    use crate::ports::OutgoingEmail;
    use serde_json::json;

    /// SNS's event carrying these SES messages.
    pub(crate) fn sns_event(messages: &[serde_json::Value]) -> SnsEvent {
        serde_json::from_value(json!({
            "Records": messages.iter().map(|message| json!({
                "EventSource": "aws:sns",
                "Sns": {"Type": "Notification", "Message": message.to_string()}
            })).collect::<Vec<_>>()
        }))
        .unwrap()
    }

    fn bounce(kind: &str, address: &str) -> serde_json::Value {
        json!({
            "eventType": "Bounce",
            "bounce": {
                "bounceType": kind,
                "bounceSubType": "General",
                "bouncedRecipients": [{"emailAddress": address, "action": "failed"}],
                "timestamp": "2026-12-04T10:00:00.000Z"
            },
            "mail": {"destination": [address]}
        })
    }

    fn email_to(address: &str) -> OutgoingEmail {
        OutgoingEmail {
            to: EmailAddress::parse(address).unwrap(),
            subject: "Sign in".into(),
            text: "text".into(),
            html: "<p>html</p>".into(),
        }
    }

    #[tokio::test]
    async fn a_permanent_bounce_and_a_complaint_suppress_their_addresses_and_nothing_else_does() {
        let fakes = FakeServices::default();
        let svc = &fakes.services;
        let event = sns_event(&[
            bounce("Permanent", "Gone@Example.com"),
            bounce("Transient", "full@example.com"),
            json!({"notificationType": "Complaint", "complaint": {
                "complainedRecipients": [{"emailAddress": "annoyed@example.com"}]}}),
            json!({"eventType": "Delivery", "delivery": {}}),
            json!("not an SES event"),
        ]);
        let run = record_email_events(svc, event).await.unwrap();
        assert_eq!(
            run,
            EmailEventsRun {
                suppressed: 2,
                ignored: 3
            }
        );

        let gone = EmailAddress::parse("gone@example.com").unwrap();
        let suppression = svc.store.suppression(&gone).await.unwrap().unwrap();
        assert_eq!(suppression.reason, SuppressionReason::Bounce);
        assert_eq!(suppression.since, svc.clock.now());
        let annoyed = EmailAddress::parse("annoyed@example.com").unwrap();
        assert_eq!(
            svc.store
                .suppression(&annoyed)
                .await
                .unwrap()
                .unwrap()
                .reason,
            SuppressionReason::Complaint
        );
        let full = EmailAddress::parse("full@example.com").unwrap();
        assert_eq!(svc.store.suppression(&full).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_suppressed_address_is_not_mailed_and_others_are() {
        let fakes = FakeServices::default();
        let svc = &fakes.services;
        record_email_events(svc, sns_event(&[bounce("Permanent", "gone@example.com")]))
            .await
            .unwrap();
        svc.mailer
            .send(&email_to("gone@example.com"))
            .await
            .unwrap();
        svc.mailer
            .send(&email_to("here@example.com"))
            .await
            .unwrap();
        let sent: Vec<String> = fakes
            .mailer
            .sent()
            .iter()
            .map(|email| email.to.as_str().to_owned())
            .collect();
        assert_eq!(sent, ["here@example.com"]);

        svc.store
            .lift_suppression(&EmailAddress::parse("gone@example.com").unwrap())
            .await
            .unwrap();
        svc.mailer
            .send(&email_to("gone@example.com"))
            .await
            .unwrap();
        assert_eq!(fakes.mailer.sent().len(), 2);
    }

    #[tokio::test]
    async fn a_second_event_for_a_suppressed_address_keeps_the_first_record() {
        let fakes = FakeServices::default();
        let svc = &fakes.services;
        record_email_events(svc, sns_event(&[bounce("Permanent", "gone@example.com")]))
            .await
            .unwrap();
        let first = svc.clock.now();
        fakes.clock.advance(time::Duration::hours(1));
        let again = json!({"eventType": "Complaint", "complaint": {
            "complainedRecipients": [{"emailAddress": "gone@example.com"}]}});
        record_email_events(svc, sns_event(&[again])).await.unwrap();
        let kept = svc
            .store
            .suppression(&EmailAddress::parse("gone@example.com").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (kept.reason, kept.since),
            (SuppressionReason::Bounce, first)
        );
    }
}
