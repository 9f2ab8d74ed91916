//! moto's outbox: `/moto-api/data.json`, as far as mail, SMS and pushes go.

use anyhow::Context;
use serde::Deserialize;

use super::{Outbox, SentEmail, SentPush, SentSms};

#[derive(Deserialize, Default)]
struct MotoData {
    #[serde(default)]
    ses: MotoSes,
    #[serde(default)]
    sns: MotoSns,
}

#[derive(Deserialize, Default)]
struct MotoSes {
    #[serde(rename = "Message", default)]
    messages: Vec<MotoMessage>,
}

#[derive(Deserialize)]
struct MotoMessage {
    destinations: MotoDestinations,
    subject: String,
    body: String,
}

#[derive(Deserialize)]
struct MotoDestinations {
    #[serde(rename = "ToAddresses", default)]
    to: Vec<String>,
}

#[derive(Deserialize, Default)]
struct MotoSns {
    #[serde(rename = "SMS", default)]
    sms: Vec<MotoSms>,
    #[serde(rename = "PlatformEndpoint", default)]
    endpoints: Vec<MotoEndpoint>,
}

#[derive(Deserialize)]
struct MotoEndpoint {
    token: String,
    arn: String,
    /// By message id, in the order they were published.
    #[serde(default)]
    messages: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct MotoSms {
    phone_number: String,
    message: String,
}

pub(super) async fn outbox(endpoint: &str) -> anyhow::Result<Outbox> {
    let data: MotoData = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await?
        .error_for_status()?
        .json()
        .await
        .context("reading moto's data")?;
    Ok(Outbox {
        emails: data
            .ses
            .messages
            .into_iter()
            .map(|m| SentEmail {
                to: m.destinations.to,
                subject: m.subject,
                body: m.body,
            })
            .collect(),
        sms: data
            .sns
            .sms
            .into_iter()
            .map(|s| SentSms {
                to: s.phone_number,
                message: s.message,
            })
            .collect(),
        pushes: data
            .sns
            .endpoints
            .into_iter()
            .flat_map(|endpoint| {
                let (token, arn) = (endpoint.token, endpoint.arn);
                endpoint
                    .messages
                    .into_iter()
                    .filter_map(|(_, message)| message.as_str().map(str::to_owned))
                    .map(move |message| SentPush {
                        device_token: token.clone(),
                        endpoint_arn: arn.clone(),
                        message,
                    })
            })
            .collect(),
    })
}
