//! Adapters that implement the ports with the AWS SDK, and the wiring that builds
//! [`Services`] from them.
//!
//! The SDK finds its endpoint the standard way (`AWS_ENDPOINT_URL`, or per service
//! `AWS_ENDPOINT_URL_<SERVICE>`), so the same code runs against AWS and against a
//! local emulator without knowing which.

mod buckets;
mod firm_deletion;
pub(crate) mod items;
pub(crate) mod keys;
mod s3;
mod secrets;
mod ses;
mod sns;
mod sqs;
pub(crate) mod table;
mod verifier;

use std::sync::Arc;

use anyhow::Context;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_sdk_s3::config::RequestChecksumCalculation;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};

pub use buckets::{
    Adapters, BucketAdapter, JobsAdapter, PushAdapter, SmsAdapter, no_documents, no_jobs, no_push,
    no_sms, s3_documents,
};
pub use firm_deletion::FirmContents;
pub use keys::schema;
pub use s3::S3Bucket;
pub use secrets::load_server_keys;
pub use ses::SesMailer;
pub use sns::{SnsPush, SnsSms, push_payload, sns_push, sns_sms};
pub use sqs::{SqsJobs, sqs_jobs};
pub use table::DynamoStore;
pub use verifier::{WebhookVerifier, identity_verifier};

use crate::Services;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::ports::{Clock, OsRandom, Store};
use crate::suppression::SuppressingMailer;

/// The HTTP client every SDK client shares: TLS that trusts only the Amazon Trust
/// Services roots (see `shared/data/README.md`), instead of the platform's whole
/// certificate store, which took longer to load than the rest of a cold start.
pub fn http_client() -> SharedHttpClient {
    let roots = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(include_bytes!("../../data/aws-root-cas.pem").as_slice());
    let tls = TlsContext::builder()
        .with_trust_store(roots)
        .build()
        .expect("the bundled root certificates are valid");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(tls)
        .build_https()
}

/// The SDK configuration from the environment, as Lambda provides it.
pub async fn sdk_config_from_env() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .load()
        .await
}

/// An S3 client. With an endpoint override (an emulator) it addresses buckets by
/// path, since bucket subdomains of `127.0.0.1` do not resolve. Checksums are only
/// added where S3 requires them: a presigned upload URL must not carry a checksum
/// of an empty body.
pub fn s3_client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Everything a handler needs, from the environment: call once per cold start.
pub async fn services_from_env(adapters: Adapters) -> anyhow::Result<Services> {
    let config = Config::from_env()?;
    let sdk = sdk_config_from_env().await;
    services_with(&sdk, &config, Arc::new(SystemClock), adapters).await
}

/// Builds the services on the real adapters, every optional one included (the
/// dev server, the tests and the benchmark host every function at once).
pub async fn services(
    sdk: &SdkConfig,
    config: &Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Services> {
    services_with(sdk, config, clock, Adapters::ALL).await
}

/// Builds the services on the real adapters, with the optional ones `adapters`
/// names.
pub async fn services_with(
    sdk: &SdkConfig,
    config: &Config,
    clock: Arc<dyn Clock>,
    adapters: Adapters,
) -> anyhow::Result<Services> {
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    let keys = load_server_keys(&secrets, &config.server_key_secret_id)
        .await
        .context("loading the server keys")?;
    let store: Arc<dyn Store> = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(sdk),
        config.table_name.clone(),
    ));
    let ses = SesMailer::new(
        aws_sdk_sesv2::Client::new(sdk),
        config.settings.sender.clone(),
        config.ses_configuration_set.clone(),
    );
    Ok(Services {
        mailer: Arc::new(SuppressingMailer::new(Arc::new(ses), store.clone())),
        store,
        bucket: (adapters.bucket)(sdk, config),
        sms: (adapters.sms)(sdk, config),
        push: (adapters.push)(sdk, config),
        jobs: (adapters.jobs)(sdk, config),
        verifier: identity_verifier(sdk, config),
        clock,
        random: Arc::new(OsRandom),
        keys,
        settings: config.settings.clone(),
    })
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    #[test]
    fn the_bundled_trust_store_is_the_five_amazon_trust_services_roots() {
        let pem = include_bytes!("../../data/aws-root-cas.pem");
        let roots: Vec<_> = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<_, _>>()
            .expect("valid PEM");
        assert_eq!(roots.len(), 5);
    }

    #[test]
    fn the_https_client_builds_with_the_bundled_roots() {
        let _ = super::http_client();
    }
}
