//! Text messages and pushes to phones through Amazon SNS.

use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;

use serde_json::json;

use crate::config::{Config, PushApplications};
use crate::domain::PhoneNumber;
use crate::http::bodies::rfc3339;
use crate::mfa::{DeviceToken, PushPlatform};
use crate::ports::{PushMessage, PushSender, SmsSender};

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

/// Pushes to phones registered as SNS platform endpoints of the configured APNs
/// and FCM platform applications.
#[derive(Debug, Clone)]
pub struct SnsPush {
    client: Client,
    applications: PushApplications,
}

/// Push through SNS, for the function that handles push approval.
pub fn sns_push(sdk: &SdkConfig, config: &Config) -> Arc<dyn PushSender> {
    Arc::new(SnsPush {
        client: Client::new(sdk),
        applications: config.push_applications.clone(),
    })
}

impl SnsPush {
    pub fn new(client: Client, applications: PushApplications) -> Self {
        Self {
            client,
            applications,
        }
    }

    fn application(&self, platform: PushPlatform) -> Option<&str> {
        match platform {
            PushPlatform::Apns => self.applications.apns.as_deref(),
            PushPlatform::Fcm => self.applications.fcm.as_deref(),
        }
    }
}

/// The message SNS delivers, one payload per platform (`MessageStructure=json`).
/// The app finds the challenge, the numbers to pick from and where the sign-in
/// comes from in its data; the alert is what the phone shows.
pub fn push_payload(message: &PushMessage) -> anyhow::Result<String> {
    let data = json!({
        "type": "mfa_push",
        "challenge_id": message.challenge_id.to_string(),
        "choices": message.choices,
        "source_ip": message.source_ip,
        "user_agent": message.user_agent,
        "expires_at": rfc3339(message.expires_at),
    });
    let apns = json!({
        "aps": { "alert": message.alert, "category": "PORTCULLIS_SIGN_IN", "mutable-content": 1 },
        "portcullis": data,
    })
    .to_string();
    // FCM data values are strings.
    let fcm = json!({
        "notification": { "title": "Portcullis", "body": message.alert },
        "data": { "portcullis": data.to_string() },
    })
    .to_string();
    Ok(serde_json::to_string(&json!({
        "default": message.alert,
        "APNS": apns,
        "APNS_SANDBOX": apns,
        "GCM": fcm,
    }))?)
}

/// The platforms' time-to-live of a push: its 2 minutes.
fn push_ttl() -> anyhow::Result<MessageAttributeValue> {
    Ok(MessageAttributeValue::builder()
        .data_type("String")
        .string_value(crate::mfa::PUSH_TTL.whole_seconds().to_string())
        .build()?)
}

#[async_trait]
impl PushSender for SnsPush {
    fn supports(&self, platform: PushPlatform) -> bool {
        self.application(platform).is_some()
    }

    async fn register(
        &self,
        platform: PushPlatform,
        token: &DeviceToken,
    ) -> anyhow::Result<String> {
        let application = self
            .application(platform)
            .with_context(|| format!("no platform application for {}", platform.as_str()))?;
        let endpoint = self
            .client
            .create_platform_endpoint()
            .platform_application_arn(application)
            .token(token.as_str())
            .send()
            .await
            .context("SNS CreatePlatformEndpoint")?;
        endpoint
            .endpoint_arn
            .context("SNS CreatePlatformEndpoint returned no endpoint")
    }

    #[tracing::instrument(skip_all)]
    async fn push(&self, endpoint: &str, message: &PushMessage) -> anyhow::Result<()> {
        self.client
            .publish()
            .target_arn(endpoint)
            .message_structure("json")
            .message(push_payload(message)?)
            // An answer is only wanted while the push is valid: the platforms drop
            // it rather than deliver it late.
            .message_attributes("AWS.SNS.MOBILE.APNS.TTL", push_ttl()?)
            .message_attributes("AWS.SNS.MOBILE.APNS_SANDBOX.TTL", push_ttl()?)
            .message_attributes("AWS.SNS.MOBILE.FCM.TTL", push_ttl()?)
            .send()
            .await
            .context("SNS Publish push")?;
        Ok(())
    }

    async fn unregister(&self, endpoint: &str) -> anyhow::Result<()> {
        self.client
            .delete_endpoint()
            .endpoint_arn(endpoint)
            .send()
            .await
            .context("SNS DeleteEndpoint")?;
        Ok(())
    }
}
