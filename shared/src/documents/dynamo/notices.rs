//! Claims on notifications that must go out once.

use anyhow::Context;
use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::aws::items::{epoch, item, s};
use crate::aws::keys::schema::{PK, SK};
use crate::aws::table::{DynamoStore, conditional};
use crate::documents::{NoticeClaim, NoticeStore};
use crate::ports::Conditional;

pub(crate) fn notice_pk(id: &str) -> String {
    format!("NOTICE#{id}")
}

#[async_trait]
impl NoticeStore for DynamoStore {
    async fn claim_notice(
        &self,
        id: &str,
        now: OffsetDateTime,
        lease: Duration,
    ) -> anyhow::Result<NoticeClaim> {
        let claim = item([
            (PK, s(notice_pk(id))),
            (SK, s("NOTICE")),
            ("claimed_at", epoch(now)),
        ]);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(claim))
            .condition_expression(
                "attribute_not_exists(pk) OR (attribute_not_exists(sent_at) AND claimed_at < :stale)",
            )
            .expression_attribute_values(":stale", epoch(now - lease))
            .send()
            .await;
        if conditional(put, "PutItem notice claim")? == Conditional::Applied {
            return Ok(NoticeClaim::Claimed);
        }
        let sent = self
            .get(notice_pk(id), "NOTICE")
            .await?
            .is_some_and(|claim| claim.contains_key("sent_at"));
        Ok(if sent {
            NoticeClaim::Sent
        } else {
            NoticeClaim::Held
        })
    }

    async fn notice_sent(&self, id: &str, at: OffsetDateTime) -> anyhow::Result<()> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(notice_pk(id), "NOTICE")))
            .update_expression("SET sent_at = :at")
            .expression_attribute_values(":at", epoch(at))
            .send()
            .await
            .context("UpdateItem notice sent")?;
        Ok(())
    }

    async fn release_notice(&self, id: &str) -> anyhow::Result<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(notice_pk(id), "NOTICE")))
            .condition_expression("attribute_not_exists(sent_at)")
            .send()
            .await;
        // Refused only when it was sent after all: then the claim must stay.
        conditional(result, "DeleteItem notice").map(|_| ())
    }
}
