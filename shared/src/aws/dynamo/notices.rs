//! Claims on notifications that must go out at most once.

use anyhow::Context;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::DynamoStore;
use super::schema::{PK, SK};
use crate::aws::items::{epoch, item, s};
use crate::ports::{Conditional, NoticeStore};

fn notice_pk(id: &str) -> String {
    format!("NOTICE#{id}")
}

#[async_trait]
impl NoticeStore for DynamoStore {
    async fn claim_notice(&self, id: &str, at: OffsetDateTime) -> anyhow::Result<Conditional> {
        let claim = item([
            (PK, s(notice_pk(id))),
            (SK, s("NOTICE")),
            ("claimed_at", epoch(at)),
        ]);
        self.transact(vec![self.put(claim, Some("attribute_not_exists(pk)"))?])
            .await
    }

    async fn release_notice(&self, id: &str) -> anyhow::Result<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(notice_pk(id), "NOTICE")))
            .send()
            .await
            .context("DeleteItem notice")?;
        Ok(())
    }
}
