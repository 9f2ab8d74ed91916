//! Identity verifiers that need no cloud service: the manual review, where an
//! administrator of the firm decides. The hosted provider's adapter, whose
//! signing key lives in Secrets Manager, is [`crate::aws::WebhookVerifier`].

use async_trait::async_trait;

use crate::ports::IdentityVerifier;
use crate::recovery::Recovery;

/// The provider name of the manual review.
pub const MANUAL: &str = "manual";
/// The provider name of the hosted provider's adapter.
pub const WEBHOOK: &str = "webhook";

/// An administrator of the user's firm checks who they are (a call, a meeting)
/// and records the decision (`POST /firm/recoveries/{id}/decision`).
#[derive(Debug, Clone)]
pub struct ManualReview {
    pub portal_url: String,
}

#[async_trait]
impl IdentityVerifier for ManualReview {
    fn provider(&self) -> &'static str {
        MANUAL
    }

    fn verification_url(&self, recovery: &Recovery) -> String {
        format!(
            "{}/recovery/review?recovery={}",
            self.portal_url, recovery.id
        )
    }

    /// An administrator sends no callbacks: every one is refused.
    async fn callback_key(&self) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(None)
    }
}
