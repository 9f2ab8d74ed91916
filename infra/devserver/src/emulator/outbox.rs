//! What the emulator was asked to send, in one shape whichever emulator it is.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outbox {
    pub emails: Vec<SentEmail>,
    pub sms: Vec<SentSms>,
    pub pushes: Vec<SentPush>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentEmail {
    pub to: Vec<String>,
    pub subject: String,
    /// The HTML part when there is one (moto keeps only that), else the text.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentSms {
    pub to: String,
    pub message: String,
}

/// A push published to a phone's platform endpoint: the device token it went to
/// and the message as a JSON object of payloads by platform (`APNS`, `GCM`, ...).
/// moto keeps the whole message as published (`MessageStructure=json`, `default`
/// included); LocalStack keeps only what went to the endpoint (its platform's
/// payload, or the `default` text if the message had none for it), so the object
/// then holds that one, under the endpoint's platform.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentPush {
    pub device_token: String,
    pub endpoint_arn: String,
    pub message: String,
}
