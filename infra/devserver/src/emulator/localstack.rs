//! LocalStack's outbox: its inspection endpoints `/_aws/ses`,
//! `/_aws/sns/sms-messages` and `/_aws/sns/platform-endpoint-messages`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use anyhow::Context;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Outbox, SentEmail, SentPush, SentSms, sdk_config};

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

pub(super) async fn outbox(endpoint: &str) -> anyhow::Result<Outbox> {
    let (emails, texts, pushes) = tokio::try_join!(
        get::<Emails>(endpoint, "/_aws/ses"),
        get::<Texts>(endpoint, "/_aws/sns/sms-messages"),
        get::<Pushes>(endpoint, "/_aws/sns/platform-endpoint-messages"),
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
    let mut sns = None;
    for (arn, messages) in pushes.platform_endpoint_messages {
        let Some(device_token) = device_token(endpoint, &mut sns, &arn).await? else {
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

async fn get<T: DeserializeOwned>(endpoint: &str, path: &str) -> anyhow::Result<T> {
    reqwest::get(format!("{endpoint}{path}"))
        .await?
        .error_for_status()?
        .json()
        .await
        .with_context(|| format!("reading LocalStack's {path}"))
}

/// The device token of a platform endpoint, which LocalStack's inspection endpoint
/// does not give: asked of SNS (through `sns`, made at first need) once per
/// endpoint, since a token never changes here. `None` for an endpoint deleted since.
async fn device_token(
    endpoint: &str,
    sns: &mut Option<aws_sdk_sns::Client>,
    arn: &str,
) -> anyhow::Result<Option<String>> {
    static TOKENS: OnceLock<Mutex<HashMap<(String, String), String>>> = OnceLock::new();
    let tokens = TOKENS.get_or_init(Default::default);
    let cache_key = (endpoint.to_owned(), arn.to_owned());
    if let Some(token) = tokens.lock().expect("the token cache").get(&cache_key) {
        return Ok(Some(token.clone()));
    }
    let sns = match sns {
        Some(client) => client,
        None => sns.insert(aws_sdk_sns::Client::new(&sdk_config(endpoint).await)),
    };
    let attributes = match sns.get_endpoint_attributes().endpoint_arn(arn).send().await {
        Ok(answer) => answer.attributes.unwrap_or_default(),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_not_found_exception()) =>
        {
            return Ok(None);
        }
        Err(err) => return Err(err).context("SNS GetEndpointAttributes"),
    };
    let Some(token) = attributes.get("Token").cloned() else {
        return Ok(None);
    };
    tokens
        .lock()
        .expect("the token cache")
        .insert(cache_key, token.clone());
    Ok(Some(token))
}
