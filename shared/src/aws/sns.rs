//! Text messages through Amazon SNS.

use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;

use crate::config::Config;
use crate::domain::PhoneNumber;
use crate::ports::SmsSender;

/// Sends SMS with `Publish` to a phone number, as transactional messages (the
/// type SNS delivers first and never drops for cost).
#[derive(Debug, Clone)]
pub struct SnsSms {
    client: Client,
}

/// SMS through SNS, for the functions that send codes.
pub fn sns_sms(sdk: &SdkConfig, _config: &Config) -> Arc<dyn SmsSender> {
    Arc::new(SnsSms {
        client: Client::new(sdk),
    })
}

#[async_trait]
impl SmsSender for SnsSms {
    #[tracing::instrument(skip_all, fields(to = ?to))]
    async fn send_sms(&self, to: &PhoneNumber, text: &str) -> anyhow::Result<()> {
        self.client
            .publish()
            .phone_number(to.as_str())
            .message(text)
            .message_attributes(
                "AWS.SNS.SMS.SMSType",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("Transactional")
                    .build()?,
            )
            .send()
            .await
            .context("SNS Publish SMS")?;
        Ok(())
    }
}
