use async_trait::async_trait;

use crate::domain::EmailAddress;
use crate::suppression::Suppression;

#[async_trait]
pub trait SuppressionStore: Send + Sync {
    /// Records the address as suppressed; a second event for it keeps the first
    /// record.
    async fn suppress(&self, suppression: &Suppression) -> anyhow::Result<()>;
    async fn suppression(&self, address: &EmailAddress) -> anyhow::Result<Option<Suppression>>;
    /// Mails the address again (the operator's CLI, once its owner fixed it).
    async fn lift_suppression(&self, address: &EmailAddress) -> anyhow::Result<()>;
}
