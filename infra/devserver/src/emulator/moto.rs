//! moto's outbox: `/moto-api/data.json`, as far as mail, SMS and pushes go.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{Outbox, SentEmail, SentPush, SentSms, get_json};

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
    /// In the order they were published (moto keeps them by message id).
    #[serde(default, deserialize_with = "values_in_order")]
    messages: Vec<serde_json::Value>,
}

/// The values of a JSON object in the order they appear: `serde_json::Map` would
/// sort them by key (a message id, random).
fn values_in_order<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<serde_json::Value>, D::Error> {
    struct InOrder;
    impl<'de> Visitor<'de> for InOrder {
        type Value = Vec<serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut values = Vec::new();
            while let Some((_, value)) = map.next_entry::<de::IgnoredAny, serde_json::Value>()? {
                values.push(value);
            }
            Ok(values)
        }
    }
    deserializer.deserialize_map(InOrder)
}

#[derive(Deserialize)]
struct MotoSms {
    phone_number: String,
    message: String,
}

pub(super) async fn outbox(endpoint: &str) -> anyhow::Result<Outbox> {
    let data: MotoData = get_json(endpoint, "/moto-api/data.json").await?;
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
                    .filter_map(|message| message.as_str().map(str::to_owned))
                    .map(move |message| SentPush {
                        device_token: token.clone(),
                        endpoint_arn: arn.clone(),
                        message,
                    })
            })
            .collect(),
    })
}
