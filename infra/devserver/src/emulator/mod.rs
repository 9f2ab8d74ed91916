//! The local AWS emulator (moto, from the project's virtual environment), and
//! what it can tell about the mail and SMS it was asked to send.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use serde::{Deserialize, Serialize};

use crate::workspace_root;

/// A running emulator on 127.0.0.1. It stops when this is dropped, and also when
/// the process that started it ends (it exits when its standard input closes).
pub struct Emulator {
    child: Child,
    endpoint: String,
}

impl Emulator {
    /// Starts the emulator on a free port. The Python interpreter is the project's
    /// `.venv` one unless `PORTCULLIS_PYTHON` names another.
    pub fn start() -> anyhow::Result<Self> {
        let python = std::env::var_os("PORTCULLIS_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
        if !python.exists() {
            bail!(
                "{} not found: run `make venv` (or `make test` / `make dev`, which do) first",
                python.display()
            );
        }
        let mut child = Command::new(&python)
            .arg(workspace_root().join("infra/emulator/serve.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting the emulator with {}", python.display()))?;
        let stdout = child.stdout.take().context("emulator stdout")?;
        let mut first_line = String::new();
        BufReader::new(stdout).read_line(&mut first_line)?;
        let Some(port) = first_line.trim().strip_prefix("PORT ") else {
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr);
            }
            let _ = child.kill();
            bail!("the emulator did not start: {stderr}");
        };
        let endpoint = format!("http://127.0.0.1:{port}");
        Ok(Self { child, endpoint })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Everything the emulator was asked to send, oldest first.
    pub async fn outbox(&self) -> anyhow::Result<Outbox> {
        outbox(&self.endpoint).await
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// SDK configuration for the emulator: its endpoint, a fixed region and dummy
/// credentials, so nothing on the machine (profiles, real keys) is ever used.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(portcullis::aws::http_client())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
        .load()
        .await
}

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
    /// The HTML part when there is one (the emulator keeps only that), else the text.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentSms {
    pub to: String,
    pub message: String,
}

/// A push published to a phone's platform endpoint: the device token it went to
/// and the message as published (`MessageStructure=json`, one payload per platform).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SentPush {
    pub device_token: String,
    pub endpoint_arn: String,
    pub message: String,
}

/// The shape of moto's `/moto-api/data.json`, as far as mail, SMS and pushes go.
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

pub async fn outbox(endpoint: &str) -> anyhow::Result<Outbox> {
    let data: MotoData = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await?
        .error_for_status()?
        .json()
        .await
        .context("reading the emulator's data")?;
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
