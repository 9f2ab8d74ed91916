//! In-memory cases, documents and bucket.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::documents::{
    Case, Document, DocumentId, DocumentName, DocumentStatus, MediaType, Upload, UploadId,
};
use crate::documents::{
    CaseStore, DocumentPage, DocumentStore, NoticeClaim, NoticeStore, Settlement,
};
use crate::domain::{AuditEvent, CaseId, FirmId, UserId};
use crate::fakes::MemoryStore;
use crate::ports::{Conditional, DocumentBucket, StoredObject};

#[async_trait]
impl CaseStore for MemoryStore {
    async fn create_case(
        &self,
        case: &Case,
        responsible: Option<(UserId, &AuditEvent)>,
    ) -> anyhow::Result<()> {
        let mut t = self.tables();
        if t.cases.contains_key(&case.id) {
            anyhow::bail!("case {} exists already", case.id);
        }
        t.cases.insert(case.id, case.clone());
        if let Some((user, audit)) = responsible {
            t.members.push((case.id, user));
            t.audit.push(audit.clone());
        }
        Ok(())
    }

    async fn case(&self, id: CaseId) -> anyhow::Result<Option<Case>> {
        Ok(self.tables().cases.get(&id).cloned())
    }

    async fn cases_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<Case>> {
        Ok(self
            .tables()
            .cases
            .values()
            .filter(|case| case.firm_id == firm)
            .cloned()
            .collect())
    }

    async fn cases_of(&self, user: UserId) -> anyhow::Result<Vec<Case>> {
        let t = self.tables();
        Ok(t.members
            .iter()
            .filter(|(_, member)| *member == user)
            .filter_map(|(case, _)| t.cases.get(case).cloned())
            .collect())
    }

    async fn is_member(&self, case: CaseId, user: UserId) -> anyhow::Result<bool> {
        Ok(self.tables().members.contains(&(case, user)))
    }

    async fn members_of(&self, case: CaseId) -> anyhow::Result<Vec<UserId>> {
        Ok(self
            .tables()
            .members
            .iter()
            .filter(|(of, _)| *of == case)
            .map(|(_, user)| *user)
            .collect())
    }

    async fn add_case_member(
        &self,
        case: CaseId,
        user: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.members.contains(&(case, user)) {
            return Ok(Conditional::Refused);
        }
        t.members.push((case, user));
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }
}

#[async_trait]
impl DocumentStore for MemoryStore {
    async fn create_upload(&self, upload: &Upload, documents: &[Document]) -> anyhow::Result<()> {
        let mut t = self.tables();
        let exists = t.uploads.contains_key(&(upload.case_id, upload.id))
            || documents
                .iter()
                .any(|document| t.documents.contains_key(&(document.case_id, document.id)));
        if exists {
            anyhow::bail!("the upload or a document exists already");
        }
        t.uploads
            .insert((upload.case_id, upload.id), upload.clone());
        for document in documents {
            t.documents
                .insert((document.case_id, document.id), document.clone());
        }
        Ok(())
    }

    async fn document(&self, case: CaseId, id: DocumentId) -> anyhow::Result<Option<Document>> {
        Ok(self.tables().documents.get(&(case, id)).cloned())
    }

    async fn documents_of(
        &self,
        case: CaseId,
        before: Option<DocumentId>,
        limit: usize,
    ) -> anyhow::Result<DocumentPage> {
        let t = self.tables();
        let mut documents: Vec<Document> = t
            .documents
            .values()
            .rev()
            .filter(|document| document.case_id == case)
            .filter(|document| before.is_none_or(|before| document.id < before))
            .take(limit + 1)
            .cloned()
            .collect();
        let more = documents.len() > limit;
        documents.truncate(limit);
        Ok(DocumentPage { documents, more })
    }

    async fn settle_document(&self, settlement: &Settlement) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let key = (settlement.case, settlement.document);
        match t.documents.get_mut(&key) {
            Some(document) if document.status == DocumentStatus::Pending => {
                document.status = settlement.status;
                document.settled_at = Some(settlement.at);
                document.version_id.clone_from(&settlement.version_id);
            }
            _ => return Ok(Conditional::Refused),
        }
        let available = settlement.status == DocumentStatus::Available;
        if let Some(upload) = t.uploads.get_mut(&(settlement.case, settlement.upload)) {
            upload.settled += 1;
            upload.available += u32::from(available);
        }
        if let Some(case) = t.cases.get_mut(&settlement.case).filter(|_| available) {
            case.updated_at = settlement.at;
        }
        Ok(Conditional::Applied)
    }

    async fn upload(&self, case: CaseId, id: UploadId) -> anyhow::Result<Option<Upload>> {
        Ok(self.tables().uploads.get(&(case, id)).cloned())
    }

    async fn unannounced_before(&self, before: OffsetDateTime) -> anyhow::Result<Vec<Upload>> {
        let t = self.tables();
        let mut uploads: Vec<Upload> = t
            .uploads
            .values()
            .filter(|upload| upload.created_at < before)
            .filter(|upload| !t.announced.contains(&(upload.case_id, upload.id)))
            .cloned()
            .collect();
        uploads.sort_by_key(|upload| upload.created_at);
        Ok(uploads)
    }

    async fn mark_announced(&self, case: CaseId, id: UploadId) -> anyhow::Result<()> {
        self.tables().announced.insert((case, id));
        Ok(())
    }
}

#[async_trait]
impl NoticeStore for MemoryStore {
    async fn claim_notice(
        &self,
        id: &str,
        now: OffsetDateTime,
        lease: Duration,
    ) -> anyhow::Result<NoticeClaim> {
        let mut t = self.tables();
        match t.notices.get(id) {
            Some((_, Some(_))) => Ok(NoticeClaim::Sent),
            Some((claimed_at, None)) if *claimed_at >= now - lease => Ok(NoticeClaim::Held),
            _ => {
                t.notices.insert(id.to_owned(), (now, None));
                Ok(NoticeClaim::Claimed)
            }
        }
    }

    async fn notice_sent(&self, id: &str, at: OffsetDateTime) -> anyhow::Result<()> {
        // Recorded whether or not the claim is still there, as DynamoDB does: a
        // notice that went out must never go out again.
        self.tables()
            .notices
            .entry(id.to_owned())
            .or_insert((at, None))
            .1 = Some(at);
        Ok(())
    }

    async fn release_notice(&self, id: &str) -> anyhow::Result<()> {
        let mut t = self.tables();
        if t.notices
            .get(id)
            .is_some_and(|(_, sent_at)| sent_at.is_none())
        {
            t.notices.remove(id);
        }
        Ok(())
    }
}

fn made_up_url(key: &str, expires_at: OffsetDateTime) -> String {
    format!(
        "https://bucket.example/{key}?expires={}",
        expires_at.unix_timestamp()
    )
}

/// A bucket that presigns made-up URLs and holds nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct MemoryBucket;

#[async_trait]
impl DocumentBucket for MemoryBucket {
    async fn presign_upload(
        &self,
        key: &str,
        _content_type: &MediaType,
        _size_bytes: u64,
        start: OffsetDateTime,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        Ok(made_up_url(key, start + ttl))
    }

    async fn presign_download(
        &self,
        key: &str,
        _version_id: Option<&str>,
        _file_name: &DocumentName,
        start: OffsetDateTime,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        Ok(made_up_url(key, start + ttl))
    }

    async fn head(
        &self,
        _key: &str,
        _version_id: Option<&str>,
    ) -> anyhow::Result<Option<StoredObject>> {
        Ok(None)
    }

    async fn delete(&self, _key: &str, _version_id: Option<&str>) -> anyhow::Result<()> {
        Ok(())
    }
}
