//! A deployed stack, as `--stack NAME` finds it: CloudFormation's DescribeStacks
//! gives the template's Outputs, and each output stands for the setting the
//! functions have under another name (`TableName` for `TABLE_NAME`…).

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use aws_config::SdkConfig;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;

/// The setting each output of `infra/template.yaml` gives.
pub const OUTPUTS: [(&str, &str); 9] = [
    ("TABLE_NAME", "TableName"),
    ("DOCUMENTS_BUCKET", "DocumentsBucketName"),
    ("SERVER_KEY_SECRET_ID", "ServerKeySecretArn"),
    ("SENDER_EMAIL", "SenderEmail"),
    ("SES_CONFIGURATION_SET", "EmailConfigurationSetName"),
    ("PORTAL_URL", "PortalUrl"),
    ("IDENTITY_VERIFIER", "IdentityVerifier"),
    ("VERIFICATION_URL", "VerificationUrl"),
    (
        "VERIFICATION_WEBHOOK_SECRET_ID",
        "VerificationWebhookSecretArn",
    ),
];

/// The output with the base URL of the HTTP API.
pub const API_URL_OUTPUT: &str = "ApiUrl";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedStack {
    pub name: String,
    /// Its outputs, by key.
    pub outputs: BTreeMap<String, String>,
}

impl DeployedStack {
    /// The stack called `name` where `sdk` points (its region, its endpoint).
    pub async fn describe(sdk: &SdkConfig, name: &str) -> anyhow::Result<Self> {
        let client = aws_sdk_cloudformation::Client::new(sdk);
        let described = match client.describe_stacks().stack_name(name).send().await {
            Ok(described) => described,
            // CloudFormation's answer for a stack it does not have.
            Err(err) if err.code() == Some("ValidationError") => {
                let region = sdk
                    .region()
                    .map_or("the default region".into(), |r| r.to_string());
                bail!("there is no stack {name:?} in {region}");
            }
            Err(err) => {
                return Err(err).with_context(|| format!("DescribeStacks {name:?}"));
            }
        };
        let stack = described
            .stacks()
            .first()
            .with_context(|| format!("there is no stack {name:?}"))?;
        let outputs = stack
            .outputs()
            .iter()
            .filter_map(|output| {
                Some((
                    output.output_key()?.to_owned(),
                    output.output_value()?.to_owned(),
                ))
            })
            .collect();
        Ok(Self {
            name: name.to_owned(),
            outputs,
        })
    }

    /// The setting `name` (`TABLE_NAME`…), from its output.
    pub fn setting(&self, name: &str) -> Option<String> {
        self.outputs.get(output_for(name)?).cloned()
    }

    /// What to say when the stack lacks the output for the setting `name`.
    pub fn missing(&self, name: &str) -> String {
        match output_for(name) {
            Some(output) => format!(
                "the stack {:?} has no output {output} (for {name}); set {name} to give it",
                self.name
            ),
            None => format!("{name} is not set (no output of a stack gives it)"),
        }
    }

    /// The base URL of the HTTP API.
    pub fn api_url(&self) -> anyhow::Result<String> {
        match self.outputs.get(API_URL_OUTPUT) {
            Some(url) => Ok(url.clone()),
            None => bail!("the stack {:?} has no output {API_URL_OUTPUT}", self.name),
        }
    }
}

/// The output that gives the setting `name`.
pub fn output_for(name: &str) -> Option<&'static str> {
    OUTPUTS
        .iter()
        .find(|(setting, _)| *setting == name)
        .map(|(_, output)| *output)
}
