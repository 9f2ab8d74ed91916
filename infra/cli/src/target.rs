//! Where the CLI's AWS calls go, and where each of its settings comes from: a flag
//! or the environment first, then a deployed stack's outputs (`--stack NAME`),
//! then the dev stack `make dev` writes (read only when neither an endpoint nor a
//! stack is named).

use std::path::Path;

use anyhow::bail;
use aws_config::{ConfigLoader, SdkConfig};
use portcullis::config::{Config, ConfigError};

use crate::deployed_stack::DeployedStack;
use crate::dev_stack::DevStack;

pub struct Target {
    pub sdk: SdkConfig,
    /// The dev stack found, when neither an endpoint nor a stack was named.
    pub dev: Option<DevStack>,
    /// The stack `--stack` named.
    pub deployed: Option<DeployedStack>,
}

/// What the CLI was asked to target.
#[derive(Debug, Clone, Copy, Default)]
pub struct Named<'a> {
    /// `--endpoint-url`, else `AWS_ENDPOINT_URL`.
    pub endpoint: Option<&'a str>,
    /// `--stack`.
    pub stack: Option<&'a str>,
}

impl Target {
    /// With an endpoint or a stack named: `aws` (the usual AWS settings: region,
    /// credentials, profiles) at that endpoint, and the stack's outputs. With
    /// neither: the dev stack written at `dev_path`, if any; else `aws`.
    pub async fn find(
        named: Named<'_>,
        aws: ConfigLoader,
        dev_path: &Path,
    ) -> anyhow::Result<Self> {
        if named.endpoint.is_none()
            && named.stack.is_none()
            && let Some(stack) = DevStack::read(dev_path)?
        {
            return Ok(Self {
                sdk: stack.sdk_config().await,
                dev: Some(stack),
                deployed: None,
            });
        }
        let aws = match named.endpoint {
            Some(endpoint) => aws.endpoint_url(endpoint),
            None => aws,
        };
        let sdk = aws.load().await;
        let deployed = match named.stack {
            Some(name) => Some(DeployedStack::describe(&sdk, name).await?),
            None => None,
        };
        Ok(Self {
            sdk,
            dev: None,
            deployed,
        })
    }

    /// A setting: `environment`'s (a flag or the process's environment), else the
    /// deployed stack's output for it, else the dev stack's.
    pub fn setting(&self, environment: Option<String>, name: &str) -> Option<String> {
        environment
            .or_else(|| self.deployed.as_ref()?.setting(name))
            .or_else(|| self.dev.as_ref()?.setting(name))
    }

    /// A setting the command cannot do without; the error names the stack's
    /// output that should have given it.
    pub fn required(&self, environment: Option<String>, name: &str) -> anyhow::Result<String> {
        match self.setting(environment, name) {
            Some(value) => Ok(value),
            None => bail!(self.missing(name)),
        }
    }

    /// A setting with a default for when nothing gives it, but no default for a
    /// deployed stack, whose settings are its outputs.
    pub fn setting_or(
        &self,
        environment: Option<String>,
        name: &str,
        default: &str,
    ) -> anyhow::Result<String> {
        match &self.deployed {
            Some(_) => self.required(environment, name),
            None => Ok(self
                .setting(environment, name)
                .unwrap_or_else(|| default.to_owned())),
        }
    }

    /// The functions' configuration, each setting looked up in `environment` and
    /// then as [`Target::setting`] does.
    pub fn config(&self, environment: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        Config::from_lookup(|name| self.setting(environment(name), name)).map_err(|err| match err {
            ConfigError::Missing(name) => anyhow::anyhow!(self.missing(name)),
            other => other.into(),
        })
    }

    /// The base URL of the API: `explicit` (`--url`), else the deployed stack's
    /// `ApiUrl`, else the dev stack's.
    pub fn api_url(&self, explicit: Option<String>) -> anyhow::Result<String> {
        if let Some(url) = explicit {
            return Ok(url);
        }
        if let Some(stack) = &self.deployed {
            return stack.api_url();
        }
        match self.dev.as_ref().and_then(|dev| dev.api_url.clone()) {
            Some(url) => Ok(url),
            None => bail!("no API URL: give --url, or --stack NAME, or run `make dev`"),
        }
    }

    fn missing(&self, name: &str) -> String {
        match &self.deployed {
            Some(stack) => stack.missing(name),
            None => format!("{name} is not set (set it, or name a deployed stack with --stack)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::dev_stack::emulator_sdk_config;

    async fn target(deployed: Option<DeployedStack>, dev: Option<DevStack>) -> Target {
        Target {
            sdk: emulator_sdk_config("http://127.0.0.1:9").await,
            dev,
            deployed,
        }
    }

    fn deployed(outputs: &[(&str, &str)]) -> DeployedStack {
        DeployedStack {
            name: "portcullis-prod".into(),
            outputs: outputs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn dev(env: &[(&str, &str)]) -> DevStack {
        DevStack {
            endpoint: "http://127.0.0.1:9".into(),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            api_url: Some("http://127.0.0.1:3000/api".into()),
        }
    }

    #[tokio::test]
    async fn a_flag_or_the_environment_wins_over_the_stacks_outputs_which_win_over_the_dev_stack() {
        let both = target(
            Some(deployed(&[("TableName", "from-outputs")])),
            Some(dev(&[
                ("TABLE_NAME", "from-dev"),
                ("SENDER_EMAIL", "dev@example.com"),
            ])),
        )
        .await;
        assert_eq!(
            both.setting(Some("from-flag".into()), "TABLE_NAME")
                .as_deref(),
            Some("from-flag")
        );
        assert_eq!(
            both.setting(None, "TABLE_NAME").as_deref(),
            Some("from-outputs")
        );
        assert_eq!(
            both.setting(None, "SENDER_EMAIL").as_deref(),
            Some("dev@example.com")
        );
    }

    #[tokio::test]
    async fn a_stack_without_the_output_a_command_needs_is_an_error_naming_the_output() {
        let stack = target(Some(deployed(&[("ApiUrl", "https://api.example")])), None).await;
        let err = stack.required(None, "DOCUMENTS_BUCKET").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the stack \"portcullis-prod\" has no output DocumentsBucketName (for DOCUMENTS_BUCKET); set DOCUMENTS_BUCKET to give it"
        );
        // The default table is for an emulator, never for a deployed stack.
        assert!(
            stack
                .setting_or(None, "TABLE_NAME", "portcullis")
                .unwrap_err()
                .to_string()
                .contains("no output TableName")
        );
        let err = stack.config(|_| None).unwrap_err().to_string();
        assert!(
            err.contains("has no output SenderEmail (for SENDER_EMAIL)"),
            "{err}"
        );
        assert_eq!(stack.api_url(None).unwrap(), "https://api.example");
    }

    #[tokio::test]
    async fn without_a_stack_the_dev_stack_gives_the_api_url_and_a_flag_wins_over_it() {
        let local = target(None, Some(dev(&[]))).await;
        assert_eq!(local.api_url(None).unwrap(), "http://127.0.0.1:3000/api");
        assert_eq!(
            local.api_url(Some("https://other".into())).unwrap(),
            "https://other"
        );
        assert_eq!(
            local.setting_or(None, "TABLE_NAME", "portcullis").unwrap(),
            "portcullis"
        );
        let nothing = target(None, None).await;
        assert!(nothing.api_url(None).is_err());
    }
}
