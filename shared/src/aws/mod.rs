//! Adapters that implement the ports with the AWS SDK, and the wiring that builds
//! [`Services`] from them.
//!
//! The SDK finds its endpoint the standard way (`AWS_ENDPOINT_URL`, or per service
//! `AWS_ENDPOINT_URL_<SERVICE>`), so the same code runs against AWS and against a
//! local emulator without knowing which.

mod dynamo;
mod items;
mod secrets;
mod ses;

use std::sync::Arc;

use anyhow::Context;
use aws_config::{BehaviorVersion, SdkConfig};

pub use dynamo::{DynamoStore, schema};
pub use secrets::load_server_key;
pub use ses::SesMailer;

use crate::Services;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::ports::{Clock, OsRandom};

/// The SDK configuration from the environment, as Lambda provides it.
pub async fn sdk_config_from_env() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// An S3 client. With an endpoint override (an emulator) it addresses buckets by
/// path, since bucket subdomains of `127.0.0.1` do not resolve.
pub fn s3_client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Everything a handler needs, from the environment: call once per cold start.
pub async fn services_from_env() -> anyhow::Result<Services> {
    let config = Config::from_env()?;
    let sdk = sdk_config_from_env().await;
    services(&sdk, &config, Arc::new(SystemClock)).await
}

/// Builds the services on the real adapters; tests pass their own clock.
pub async fn services(
    sdk: &SdkConfig,
    config: &Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Services> {
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    let key = load_server_key(&secrets, &config.server_key_secret_id)
        .await
        .context("loading the server key")?;
    Ok(Services {
        store: Arc::new(DynamoStore::new(
            aws_sdk_dynamodb::Client::new(sdk),
            config.table_name.clone(),
        )),
        mailer: Arc::new(SesMailer::new(
            aws_sdk_sesv2::Client::new(sdk),
            config.settings.sender.clone(),
        )),
        clock,
        random: Arc::new(OsRandom),
        key,
        settings: config.settings.clone(),
    })
}
