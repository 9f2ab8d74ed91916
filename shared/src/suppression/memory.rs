use async_trait::async_trait;

use crate::domain::EmailAddress;
use crate::fakes::MemoryStore;
use crate::suppression::{Suppression, SuppressionStore};

#[async_trait]
impl SuppressionStore for MemoryStore {
    async fn suppress(&self, suppression: &Suppression) -> anyhow::Result<()> {
        self.tables()
            .suppressions
            .entry(suppression.address.clone())
            .or_insert_with(|| suppression.clone());
        Ok(())
    }

    async fn suppression(&self, address: &EmailAddress) -> anyhow::Result<Option<Suppression>> {
        Ok(self.tables().suppressions.get(address).cloned())
    }

    async fn lift_suppression(&self, address: &EmailAddress) -> anyhow::Result<()> {
        self.tables().suppressions.remove(address);
        Ok(())
    }
}
