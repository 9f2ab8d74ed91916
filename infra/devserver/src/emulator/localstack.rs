//! LocalStack's outbox: its inspection endpoints `/_aws/ses`,
//! `/_aws/sns/sms-messages` and `/_aws/sns/platform-endpoint-messages`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use anyhow::Context;
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{Outbox, SentEmail, SentPush, SentSms, get_json, sdk_config};

#[derive(Deserialize)]
struct Emails {
    messages: Vec<Email>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Email {
    #[serde(default)]
    destination: Destination,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    body: Option<EmailBody>,
}

#[derive(Deserialize, Default)]
struct Destination {
    #[serde(rename = "ToAddresses", default)]
    to: Vec<String>,
}

#[derive(Deserialize)]
struct EmailBody {
    text_part: Option<String>,
    html_part: Option<String>,
}

#[derive(Deserialize)]
struct Texts {
    /// By phone number.
    sms_messages: BTreeMap<String, Vec<Text>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Text {
    phone_number: String,
    message: String,
}

#[derive(Deserialize)]
struct Pushes {
    /// By endpoint ARN.
    platform_endpoint_messages: BTreeMap<String, Vec<Push>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Push {
    /// The endpoint's platform's payload, or the `default` text when the message
    /// had none for it.
    message: String,
    #[serde(default)]
    message_structure: Option<String>,
}

pub(super) async fn outbox(endpoint: &str, tokens: &DeviceTokens) -> anyhow::Result<Outbox> {
    let (emails, texts, pushes) = tokio::try_join!(
        get_json::<Emails>(endpoint, "/_aws/ses"),
        get_json::<Texts>(endpoint, "/_aws/sns/sms-messages"),
        get_json::<Pushes>(endpoint, "/_aws/sns/platform-endpoint-messages"),
    )?;
    let emails = emails
        .messages
        .into_iter()
        .map(|email| {
            let body = email.body.and_then(|b| b.html_part.or(b.text_part));
            SentEmail {
                to: email.destination.to,
                subject: email.subject.unwrap_or_default(),
                body: body.unwrap_or_default(),
            }
        })
        .collect();
    let sms = texts
        .sms_messages
        .into_values()
        .flatten()
        .map(|text| SentSms {
            to: text.phone_number,
            message: text.message,
        })
        .collect();
    let mut sent_pushes = Vec::new();
    for (arn, messages) in pushes.platform_endpoint_messages {
        let Some(device_token) = tokens.of(endpoint, &arn).await? else {
            continue;
        };
        // `arn:aws:sns:<region>:<account>:endpoint/<PLATFORM>/<application>/<id>`
        let platform = arn.rsplit('/').nth(2).unwrap_or_default().to_owned();
        sent_pushes.extend(messages.into_iter().map(|push| {
            // Published with `MessageStructure=json`, the payload is kept JSON-encoded
            // once more, as a JSON string.
            let payload = match push.message_structure.as_deref() {
                Some("json") => serde_json::from_str(&push.message).unwrap_or(push.message),
                _ => push.message,
            };
            SentPush {
                device_token: device_token.clone(),
                endpoint_arn: arn.clone(),
                message: serde_json::json!({ platform.as_str(): payload }).to_string(),
            }
        }));
    }
    Ok(Outbox {
        emails,
        sms,
        pushes: sent_pushes,
    })
}

/// The device tokens of platform endpoints, which LocalStack's inspection endpoint
/// does not give: asked of SNS once per endpoint, through one client per emulator.
/// A token never changes here, and a deleted endpoint stays deleted (`None`).
#[derive(Debug, Default)]
pub(super) struct DeviceTokens {
    sns: OnceCell<aws_sdk_sns::Client>,
    known: Mutex<HashMap<String, Option<String>>>,
}

impl DeviceTokens {
    async fn of(&self, endpoint: &str, arn: &str) -> anyhow::Result<Option<String>> {
        if let Some(token) = self.known.lock().expect("the token cache").get(arn) {
            return Ok(token.clone());
        }
        let sns = self
            .sns
            .get_or_init(|| async { aws_sdk_sns::Client::new(&sdk_config(endpoint).await) })
            .await;
        let token = match sns.get_endpoint_attributes().endpoint_arn(arn).send().await {
            Ok(answer) => answer.attributes.unwrap_or_default().remove("Token"),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_not_found_exception()) =>
            {
                None
            }
            Err(err) => return Err(err).context("SNS GetEndpointAttributes"),
        };
        self.known
            .lock()
            .expect("the token cache")
            .insert(arn.to_owned(), token.clone());
        Ok(token)
    }
}
