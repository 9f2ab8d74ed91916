//! SES's bounce and complaint events, from the configuration set's SNS topic:
//! records each address that bounced for good or complained, which is then
//! mailed no more.

use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::suppression::{EmailEventsRun, SnsEvent, record_email_events};

pub fn handler(svc: &Services, event: SnsEvent) -> BoxFuture<'_, anyhow::Result<EmailEventsRun>> {
    Box::pin(record_email_events(svc, event))
}
