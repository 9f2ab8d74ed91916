//! Deleting a firm and everything of it from the table (the operator's
//! `portcullis delete-firm`): its users with their profiles, email claims,
//! factors, phones, audit trails, sessions and memberships (in other firms' cases
//! too), its cases with their members, uploads, documents and notice claims, its
//! recoveries with their links, and the firm with its clients from other firms.
//!
//! What is keyed only by a secret's digest and holds no more than a user id
//! (unspent login, reset and MFA links, SMS codes, push challenges, trusted
//! browsers, limit counters) cannot be found from the firm without a scan; each
//! has a `ttl`, is refused on use once its user is gone, and is left to expire.
//!
//! The items are deleted in three rounds: first every item found through another,
//! then the items that find them (users, cases, recoveries), then the firm. A
//! deletion cut short is finished by running it again, since what is left can
//! still be found.

use std::collections::BTreeSet;

use anyhow::Context;
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};

use crate::accounts::dynamo::{client_sk, email_pk};
use crate::accounts::{FirmStore, UserStore};
use crate::aws::items::{Item, Reader};
use crate::aws::keys::schema::{GSI1, PK, SK};
use crate::aws::keys::{case_pk, firm_pk, session_pk, user_pk};
use crate::aws::table::DynamoStore;
use crate::documents::CaseStore;
use crate::documents::dynamo::cases::member_sk;
use crate::documents::dynamo::notices::notice_pk;
use crate::documents::firm_cases::share_notice_id;
use crate::documents::upload_notice::upload_notice_id;
use crate::documents::{UploadId, case_objects_prefix};
use crate::domain::{AuditKind, CaseId, FirmId, Role, UserId};
use crate::mfa::dynamo::items::DEVICE;
use crate::recovery::dynamo as recoveries;

/// A key on the table: its `pk` and `sk`.
type Key = (String, String);

/// Everything of a firm on the table, as [`DynamoStore::firm_contents`] found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmContents {
    pub firm: FirmId,
    /// The firm's own users (clients of other firms stay).
    pub users: Vec<UserId>,
    pub cases: Vec<CaseId>,
    /// The SNS endpoints of the users' phones, to unregister.
    pub push_endpoints: Vec<String>,
    /// The keys to delete, round by round.
    rounds: [Vec<Key>; 3],
}

impl FirmContents {
    /// How many items the deletion deletes (some may be gone already: a notice
    /// claim never made, a deletion cut short).
    pub fn item_count(&self) -> usize {
        self.rounds.iter().map(Vec::len).sum()
    }

    /// The prefixes of the case documents' objects in the documents bucket.
    pub fn object_prefixes(&self) -> Vec<String> {
        self.cases
            .iter()
            .map(|case| case_objects_prefix(*case))
            .collect()
    }
}

impl DynamoStore {
    /// Everything of `firm` on the table; `None` when there is no such firm.
    pub async fn firm_contents(&self, firm: FirmId) -> anyhow::Result<Option<FirmContents>> {
        if self.firm(firm).await?.is_none() {
            return Ok(None);
        }
        let mut found = Found::default();
        let users = self.users_of_firm(firm).await?;
        let firm_users: Vec<UserId> = users.iter().map(|user| user.id).collect();
        // A client this firm brought whom another firm has added too is that firm's
        // client as well: deleting the account would take it from them.
        let mut shared = Vec::new();
        for user in &users {
            for item in self.partition(user_pk(user.id)).await? {
                let key = key_of(&item)?;
                let reader = Reader(&item);
                if reader.string("kind").ok() == Some(AuditKind::ClientAdded.as_str())
                    && reader
                        .string("detail")
                        .is_ok_and(|other| other != firm.to_string())
                {
                    shared.push(user.id);
                }
                if key.1.starts_with(DEVICE) {
                    found
                        .push_endpoints
                        .push(Reader(&item).string("endpoint_arn")?.to_owned());
                }
                match key.1.as_str() {
                    "PROFILE" => found.finders.push(key),
                    _ => found.dependents.push(key),
                }
            }
            found.dependent(email_pk(&user.email), "EMAIL");
            for session in self.sessions_of(user.id).await? {
                found.dependent(session_pk(&session), "SESSION");
            }
            for case in self.cases_of(user.id).await? {
                found.dependent(case_pk(case.id), &member_sk(user.id));
                if case.firm_id != firm {
                    if user.role == Role::Client {
                        shared.push(user.id);
                    }
                    found.dependent(firm_pk(case.firm_id), &client_sk(user.id));
                }
            }
        }
        shared.sort();
        shared.dedup();
        if !shared.is_empty() {
            let ids: Vec<String> = shared.iter().map(UserId::to_string).collect();
            anyhow::bail!(
                "{} of the firm's clients are clients of other firms too ({}): deleting the \
                 firm would take them from those firms, so nothing was deleted",
                shared.len(),
                ids.join(", ")
            );
        }
        let cases = self.cases_of_firm(firm).await?;
        for case in &cases {
            let (mut members, mut uploads) = (firm_users.clone(), Vec::new());
            for item in self.partition(case_pk(case.id)).await? {
                let key = key_of(&item)?;
                if let Some(member) = key.1.strip_prefix("MEMBER#") {
                    members.push(UserId::parse(member).context("a member key is malformed")?);
                } else if let Some(upload) = key.1.strip_prefix("UPLOAD#") {
                    uploads.push(UploadId::parse(upload).context("an upload key is malformed")?);
                }
                match key.1.as_str() {
                    "CASE" => found.finders.push(key),
                    _ => found.dependents.push(key),
                }
            }
            for member in &members {
                found.dependent(notice_pk(&share_notice_id(case.id, *member)), "NOTICE");
                for upload in &uploads {
                    found.dependent(notice_pk(&upload_notice_id(*upload, *member)), "NOTICE");
                }
            }
        }
        for item in self.index_partition(recoveries::firm_index(firm)).await? {
            let recovery = recoveries::read_case(&item)?;
            found.dependent(recoveries::link_pk(&recovery.link_digest), "LINK");
            found.dependent(
                recoveries::OPEN.to_owned(),
                &recoveries::time_key(recovery.expires_at, recovery.id),
            );
            found.finders.push((
                recoveries::case_pk(recovery.id),
                recoveries::CASE.to_owned(),
            ));
        }
        let mut last = Vec::new();
        for item in self.partition(firm_pk(firm)).await? {
            let key = key_of(&item)?;
            match key.1.as_str() {
                "PROFILE" => last.push(key),
                _ => found.dependents.push(key),
            }
        }
        Ok(Some(FirmContents {
            firm,
            users: firm_users,
            cases: cases.iter().map(|case| case.id).collect(),
            push_endpoints: found.push_endpoints,
            rounds: [unique(found.dependents), unique(found.finders), last],
        }))
    }

    /// Deletes what [`DynamoStore::firm_contents`] found, round by round.
    pub async fn delete_firm_contents(&self, contents: &FirmContents) -> anyhow::Result<()> {
        for round in &contents.rounds {
            let deletes = round
                .iter()
                .map(|(pk, sk)| {
                    let delete = DeleteRequest::builder()
                        .set_key(Some(Self::key(pk.clone(), sk)))
                        .build()?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<anyhow::Result<_>>()?;
            self.batch_write(deletes)
                .await
                .context("deleting the firm's items")?;
        }
        tracing::info!(
            firm_id = %contents.firm,
            users = contents.users.len(),
            cases = contents.cases.len(),
            items = contents.item_count(),
            "firm deleted"
        );
        Ok(())
    }

    /// Every item of the table partition `pk`, page after page, read consistently.
    async fn partition(&self, pk: String) -> anyhow::Result<Vec<Item>> {
        self.query_partition(None, pk, None).await
    }

    /// Every item of the index partition `pk`, page after page.
    async fn index_partition(&self, pk: String) -> anyhow::Result<Vec<Item>> {
        self.query_partition(Some(GSI1), pk, None).await
    }
}

#[derive(Default)]
struct Found {
    /// Items found through another item.
    dependents: Vec<Key>,
    /// Items through which others are found.
    finders: Vec<Key>,
    push_endpoints: Vec<String>,
}

impl Found {
    fn dependent(&mut self, pk: String, sk: &str) {
        self.dependents.push((pk, sk.to_owned()));
    }
}

fn key_of(item: &Item) -> anyhow::Result<Key> {
    let r = Reader(item);
    Ok((r.string(PK)?.to_owned(), r.string(SK)?.to_owned()))
}

/// The keys once each, in the order first found.
fn unique(keys: Vec<Key>) -> Vec<Key> {
    let mut seen = BTreeSet::new();
    keys.into_iter()
        .filter(|key| seen.insert(key.clone()))
        .collect()
}
