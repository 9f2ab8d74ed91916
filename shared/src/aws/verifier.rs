//! The hosted identity-verification provider's adapter: the user is sent to the
//! provider's page with the case's id, and the provider posts the result, signed
//! with a key kept in Secrets Manager.

use std::sync::Arc;

use async_trait::async_trait;
use aws_config::SdkConfig;
use tokio::sync::OnceCell;

use super::secrets::load_secret_text;
use crate::config::{Config, VerifierConfig};
use crate::ports::IdentityVerifier;
use crate::recovery::Recovery;
use crate::recovery::verifiers::{ManualReview, WEBHOOK};

/// The shortest callback key accepted.
const MIN_KEY_BYTES: usize = 32;

pub struct WebhookVerifier {
    url: String,
    secret_id: String,
    secrets: aws_sdk_secretsmanager::Client,
    /// Read on the first callback only: no other route needs it.
    key: OnceCell<Vec<u8>>,
}

/// The verifier the configuration names.
pub fn identity_verifier(sdk: &SdkConfig, config: &Config) -> Arc<dyn IdentityVerifier> {
    match &config.verifier {
        VerifierConfig::Manual => Arc::new(ManualReview {
            portal_url: config.settings.portal_url.clone(),
        }),
        VerifierConfig::Webhook { url, secret_id } => Arc::new(WebhookVerifier {
            url: url.clone(),
            secret_id: secret_id.clone(),
            secrets: aws_sdk_secretsmanager::Client::new(sdk),
            key: OnceCell::new(),
        }),
    }
}

#[async_trait]
impl IdentityVerifier for WebhookVerifier {
    fn provider(&self) -> &'static str {
        WEBHOOK
    }

    fn verification_url(&self, recovery: &Recovery) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}reference={}", self.url, recovery.id)
    }

    async fn callback_key(&self) -> anyhow::Result<Option<Vec<u8>>> {
        let key = self
            .key
            .get_or_try_init(|| async {
                let text = load_secret_text(&self.secrets, &self.secret_id).await?;
                // A short key would make forged callbacks guessable: refuse to run
                // with one.
                anyhow::ensure!(
                    text.len() >= MIN_KEY_BYTES,
                    "the verification webhook key must have at least {MIN_KEY_BYTES} bytes"
                );
                anyhow::Ok(text.into_bytes())
            })
            .await?;
        Ok(Some(key.clone()))
    }
}
