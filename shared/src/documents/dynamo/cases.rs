//! Cases and their members.

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::KeysAndAttributes;

use crate::aws::items::{Item, Reader, epoch, item, s};
use crate::aws::keys::schema::{GSI1_PK, GSI1_SK, PK, SK};
use crate::aws::keys::{case_pk, firm_pk, user_pk};
use crate::aws::table::DynamoStore;
use crate::documents::Case;
use crate::documents::CaseStore;
use crate::domain::{AuditEvent, CaseId, FirmId, UserId};
use crate::ports::Conditional;

pub(crate) fn case_item(case: &Case) -> Item {
    item([
        (PK, s(case_pk(case.id))),
        (SK, s("CASE")),
        (GSI1_PK, s(firm_pk(case.firm_id))),
        (GSI1_SK, s(case_pk(case.id))),
        ("id", s(case.id.to_string())),
        ("firm_id", s(case.firm_id.to_string())),
        ("title", s(case.title.as_str())),
        ("created_at", epoch(case.created_at)),
        ("updated_at", epoch(case.updated_at)),
    ])
}

pub(crate) fn read_case(item: &Item) -> anyhow::Result<Case> {
    let r = Reader(item);
    let created_at = r.time("created_at")?;
    Ok(Case {
        id: r.parsed("id", CaseId::parse)?,
        firm_id: r.parsed("firm_id", FirmId::parse)?,
        title: r.string("title")?.to_owned(),
        created_at,
        // Cases written before `updated_at` existed were last updated when created.
        updated_at: r.optional_time("updated_at")?.unwrap_or(created_at),
    })
}

pub(crate) fn member_sk(user: UserId) -> String {
    format!("MEMBER#{user}")
}

pub(crate) fn membership_item(case: CaseId, user: UserId) -> Item {
    item([
        (PK, s(case_pk(case))),
        (SK, s(member_sk(user))),
        (GSI1_PK, s(user_pk(user))),
        (GSI1_SK, s(case_pk(case))),
        ("user_id", s(user.to_string())),
    ])
}

#[async_trait]
impl CaseStore for DynamoStore {
    async fn create_case(
        &self,
        case: &Case,
        responsible: Option<(UserId, &AuditEvent)>,
    ) -> anyhow::Result<()> {
        let mut items = vec![self.put(case_item(case), Some("attribute_not_exists(pk)"))?];
        if let Some((user, audit)) = responsible {
            items.push(self.put(membership_item(case.id, user), None)?);
            items.push(self.audit_put(audit)?);
        }
        match self.transact(items).await? {
            Conditional::Applied => Ok(()),
            Conditional::Refused => anyhow::bail!("case {} exists already", case.id),
        }
    }

    async fn case(&self, id: CaseId) -> anyhow::Result<Option<Case>> {
        self.get(case_pk(id), "CASE")
            .await?
            .map(|item| read_case(&item))
            .transpose()
    }

    async fn cases_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<Case>> {
        self.index_items(firm_pk(firm), "CASE#")
            .await?
            .iter()
            .map(read_case)
            .collect()
    }

    async fn cases_of(&self, user: UserId) -> anyhow::Result<Vec<Case>> {
        let keys = self
            .index_items(user_pk(user), "CASE#")
            .await?
            .iter()
            .map(|membership| {
                Ok(Self::key(
                    Reader(membership).string(GSI1_SK)?.to_owned(),
                    "CASE",
                ))
            })
            .collect::<anyhow::Result<Vec<Item>>>()?;

        let mut cases = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(true)
                    .build()?,
            );
            while let Some(request) = pending.take() {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .context("BatchGetItem cases")?;
                for case in output
                    .responses
                    .unwrap_or_default()
                    .remove(&self.table)
                    .unwrap_or_default()
                {
                    cases.push(read_case(&case)?);
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table));
            }
        }
        Ok(cases)
    }

    async fn is_member(&self, case: CaseId, user: UserId) -> anyhow::Result<bool> {
        Ok(self.get(case_pk(case), &member_sk(user)).await?.is_some())
    }

    async fn members_of(&self, case: CaseId) -> anyhow::Result<Vec<UserId>> {
        self.partition_items(case_pk(case), "MEMBER#")
            .await?
            .iter()
            .map(|member| Reader(member).parsed("user_id", UserId::parse))
            .collect()
    }

    async fn add_case_member(
        &self,
        case: CaseId,
        user: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        self.transact(vec![
            self.put(
                membership_item(case, user),
                Some("attribute_not_exists(pk)"),
            )?,
            self.audit_put(audit)?,
        ])
        .await
    }
}
