use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use crate::domain::EmailAddress;
use crate::ports::{Mailer, OutgoingEmail};

/// Sends email through Amazon SES (API v2).
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
    from: EmailAddress,
    configuration_set: Option<String>,
}

impl SesMailer {
    /// Sends from `from`, under `configuration_set` when there is one (its event
    /// destination reports bounces and complaints).
    pub fn new(client: Client, from: EmailAddress, configuration_set: Option<String>) -> Self {
        Self {
            client,
            from,
            configuration_set,
        }
    }
}

fn utf8(data: &str) -> anyhow::Result<Content> {
    Ok(Content::builder().data(data).charset("UTF-8").build()?)
}

#[async_trait]
impl Mailer for SesMailer {
    #[tracing::instrument(skip_all)]
    async fn send(&self, email: &OutgoingEmail) -> anyhow::Result<()> {
        let message = Message::builder()
            .subject(utf8(&email.subject)?)
            .body(
                Body::builder()
                    .text(utf8(&email.text)?)
                    .html(utf8(&email.html)?)
                    .build(),
            )
            .build();
        self.client
            .send_email()
            .from_email_address(self.from.as_str())
            .destination(
                Destination::builder()
                    .to_addresses(email.to.as_str())
                    .build(),
            )
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .context("SESv2 SendEmail")?;
        Ok(())
    }
}
