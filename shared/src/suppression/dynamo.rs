use anyhow::Context;
use async_trait::async_trait;

use crate::aws::items::{Reader, epoch, item, s};
use crate::aws::keys::schema::{PK, SK};
use crate::aws::table::{DynamoStore, conditional};
use crate::domain::EmailAddress;
use crate::suppression::{Suppression, SuppressionReason, SuppressionStore};

const SORT: &str = "SUPPRESSED";

fn suppression_pk(address: &EmailAddress) -> String {
    format!("SUPPRESSED#{}", address.as_str())
}

#[async_trait]
impl SuppressionStore for DynamoStore {
    async fn suppress(&self, suppression: &Suppression) -> anyhow::Result<()> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item([
                (PK, s(suppression_pk(&suppression.address))),
                (SK, s(SORT)),
                ("reason", s(suppression.reason.as_str())),
                ("since", epoch(suppression.since)),
            ])))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        // Refused: suppressed already, and the first record stays.
        conditional(put, "PutItem suppression").map(|_| ())
    }

    async fn suppression(&self, address: &EmailAddress) -> anyhow::Result<Option<Suppression>> {
        let Some(found) = self.get(suppression_pk(address), SORT).await? else {
            return Ok(None);
        };
        let reader = Reader(&found);
        Ok(Some(Suppression {
            address: address.clone(),
            reason: SuppressionReason::parse(reader.string("reason")?)
                .context("a suppression's reason")?,
            since: reader.time("since")?,
        }))
    }

    async fn lift_suppression(&self, address: &EmailAddress) -> anyhow::Result<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(suppression_pk(address), SORT)))
            .send()
            .await
            .context("DeleteItem suppression")?;
        Ok(())
    }
}
