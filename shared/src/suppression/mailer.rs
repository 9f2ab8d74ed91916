use std::sync::Arc;

use async_trait::async_trait;

use crate::ports::{Mailer, OutgoingEmail, Store};

/// The mailer every flow sends through: it sends nothing to a suppressed
/// address, and says nothing of it to the flow, which answers as it would have
/// (a login-link request for a bounced address is still a 202).
pub struct SuppressingMailer {
    inner: Arc<dyn Mailer>,
    store: Arc<dyn Store>,
}

impl SuppressingMailer {
    pub fn new(inner: Arc<dyn Mailer>, store: Arc<dyn Store>) -> Self {
        Self { inner, store }
    }
}

#[async_trait]
impl Mailer for SuppressingMailer {
    async fn send(&self, email: &OutgoingEmail) -> anyhow::Result<()> {
        if let Some(suppression) = self.store.suppression(&email.to).await? {
            tracing::info!(
                reason = suppression.reason.as_str(),
                "not mailed: the address is suppressed"
            );
            return Ok(());
        }
        self.inner.send(email).await
    }
}
