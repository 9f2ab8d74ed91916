//! Addresses that bounced for good or complained. SES publishes those events
//! through the configuration set the mail goes out under to an SNS topic; the
//! `email-events` function records each address here, and from then on nothing is
//! mailed to it (see [`SuppressingMailer`]). Administrators see it in the firm's
//! user list and when they add a client, so they can ask for another address.

mod dynamo;
mod mailer;
#[cfg(feature = "fakes")]
mod memory;
mod ses_events;
mod store;

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::domain::EmailAddress;
use crate::http::bodies::rfc3339;

pub use mailer::SuppressingMailer;
pub use ses_events::{EmailEventsRun, SnsEvent, record_email_events};
pub use store::SuppressionStore;

/// Why an address is no longer mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    /// A permanent bounce: the mailbox or the domain does not exist.
    Bounce,
    /// The recipient marked a message as spam.
    Complaint,
}

impl SuppressionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bounce => "bounce",
            Self::Complaint => "complaint",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "bounce" => Some(Self::Bounce),
            "complaint" => Some(Self::Complaint),
            _ => None,
        }
    }
}

/// An address nothing is mailed to any more, why, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub address: EmailAddress,
    pub reason: SuppressionReason,
    pub since: OffsetDateTime,
}

/// How an API answer shows a user's address: `null` while it is mailed, else
/// `{"reason": "bounce" | "complaint", "since": …}`.
pub fn suppression_json(suppression: Option<&Suppression>) -> Value {
    match suppression {
        Some(s) => json!({"reason": s.reason.as_str(), "since": rfc3339(s.since)}),
        None => Value::Null,
    }
}
