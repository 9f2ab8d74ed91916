//! S3 notifications and SES's email events on this machine. In AWS the documents bucket invokes
//! `document-uploaded` itself; the emulator invokes nothing, but it can send the
//! same notification to an SQS queue. This sets that up and hands every message to
//! the function's handler, so uploads made by hand (curl) are checked and notified
//! as they would be in AWS.

use std::time::Duration;

use anyhow::Context;
use aws_config::SdkConfig;
use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, NotificationConfiguration, NotificationConfigurationFilter,
    QueueConfiguration, S3KeyFilter,
};
use aws_sdk_sqs::types::QueueAttributeName;
use portcullis::Services;
use portcullis::aws::s3_client;
use portcullis::documents::uploaded::S3Notification;
use portcullis::domain::EmailAddress;
use tokio::task::JoinHandle;

/// How often an empty queue is asked again. The emulator serves one request at a
/// time, so no long polling: it would hold everyone else up.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// Points the bucket's `s3:ObjectCreated:*` notifications for `cases/` at a queue,
/// and delivers them to `document-uploaded` until the task is aborted.
pub async fn deliver_uploads(
    sdk: &SdkConfig,
    bucket: &str,
    services: Services,
) -> anyhow::Result<JoinHandle<()>> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let queue_url = sqs
        .create_queue()
        .queue_name(format!("{bucket}-events"))
        .attributes(QueueAttributeName::VisibilityTimeout, "30")
        .send()
        .await
        .context("CreateQueue")?
        .queue_url
        .context("CreateQueue gave no URL")?;
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .context("GetQueueAttributes")?
        .attributes
        .and_then(|mut attributes| attributes.remove(&QueueAttributeName::QueueArn))
        .context("the queue has no ARN")?;

    let cases_only = NotificationConfigurationFilter::builder()
        .key(
            S3KeyFilter::builder()
                .filter_rules(
                    FilterRule::builder()
                        .name(FilterRuleName::Prefix)
                        .value("cases/")
                        .build(),
                )
                .build(),
        )
        .build();
    s3_client(sdk)
        .put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .id("DocumentCreated")
                        .queue_arn(queue_arn)
                        .events(Event::from("s3:ObjectCreated:*"))
                        .filter(cases_only)
                        .build()?,
                )
                .build(),
        )
        .send()
        .await
        .context("PutBucketNotificationConfiguration")?;

    Ok(tokio::spawn(async move {
        loop {
            if let Err(err) = deliver_once(&sqs, &queue_url, &services).await {
                tracing::error!(error = format!("{err:#}"), "delivering S3 notifications");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }))
}

/// Hands the waiting messages to the handler; a message whose handling failed
/// comes back after the visibility timeout, as Lambda would retry it.
async fn deliver_once(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    services: &Services,
) -> anyhow::Result<()> {
    let messages = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .context("ReceiveMessage")?
        .messages
        .unwrap_or_default();
    for message in messages {
        match serde_json::from_str::<S3Notification>(message.body().unwrap_or_default()) {
            Ok(event) => match document_uploaded::handler(services, event).await {
                Ok(run) => tracing::info!(?run, "S3 notification delivered"),
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "document-uploaded failed");
                    continue;
                }
            },
            // Never an S3 event: delivering it again would not change that.
            Err(err) => tracing::warn!(error = %err, "a message that is no S3 event is dropped"),
        }
        if let Some(receipt) = message.receipt_handle() {
            sqs.delete_message()
                .queue_url(queue_url)
                .receipt_handle(receipt)
                .send()
                .await
                .context("DeleteMessage")?;
        }
    }
    Ok(())
}

/// SES's events the emulator never publishes, by the name of their sample in
/// `events/email-events/`, with the address each sample is for.
const EMAIL_EVENTS: [(&str, &str); 2] = [
    ("permanent-bounce", "gone@example.com"),
    ("complaint", "annoyed@example.com"),
];

/// SNS's delivery of what SES would publish for `address`: the sample event
/// `name` (`permanent-bounce` or `complaint`) with `address` for the sample's.
/// `None` for another name.
pub fn email_event(
    name: &str,
    address: &EmailAddress,
) -> Option<anyhow::Result<portcullis::suppression::SnsEvent>> {
    let (_, sample_address) = EMAIL_EVENTS.iter().find(|(event, _)| *event == name)?;
    let path = crate::workspace_root().join(format!("events/email-events/{name}.json"));
    Some((|| {
        let sample = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(serde_json::from_str(
            &sample.replace(sample_address, address.as_str()),
        )?)
    })())
}
