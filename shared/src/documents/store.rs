//! What the documents capability stores: cases, documents and notice claims.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{AuditEvent, CaseId, FirmId, UserId};

use crate::documents::{Case, Document, DocumentId, DocumentStatus, Upload, UploadId};

use crate::ports::Conditional;

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Creates the case and, when given, makes that user responsible for it (with
    /// the audit entry of that), all at once.
    async fn create_case(
        &self,
        case: &Case,
        responsible: Option<(UserId, &AuditEvent)>,
    ) -> anyhow::Result<()>;
    async fn case(&self, id: CaseId) -> anyhow::Result<Option<Case>>;
    /// Every case of the firm, from the index.
    async fn cases_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<Case>>;
    /// The cases the user is a member of.
    async fn cases_of(&self, user: UserId) -> anyhow::Result<Vec<Case>>;
    async fn is_member(&self, case: CaseId, user: UserId) -> anyhow::Result<bool>;
    /// The members of the case: its clients and the firm users responsible for it.
    async fn members_of(&self, case: CaseId) -> anyhow::Result<Vec<UserId>>;
    /// Makes the user a member, with its audit entry; `Refused` when they were one
    /// already (and nothing is written).
    async fn add_case_member(
        &self,
        case: CaseId,
        user: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
}

/// One page of a case's documents, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentPage {
    pub documents: Vec<Document>,
    /// Whether older documents follow the last one of this page.
    pub more: bool,
}

/// What checking an uploaded object decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub case: CaseId,
    pub document: DocumentId,
    pub upload: UploadId,
    /// `Available` or `Rejected`.
    pub status: DocumentStatus,
    pub version_id: Option<String>,
    pub at: OffsetDateTime,
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Stores an upload and its pending documents together.
    async fn create_upload(&self, upload: &Upload, documents: &[Document]) -> anyhow::Result<()>;
    async fn document(&self, case: CaseId, id: DocumentId) -> anyhow::Result<Option<Document>>;
    /// Up to `limit` documents of the case, newest first, older than `before` when
    /// given.
    async fn documents_of(
        &self,
        case: CaseId,
        before: Option<DocumentId>,
        limit: usize,
    ) -> anyhow::Result<DocumentPage>;
    /// Records the outcome on the document and counts it on its upload (and, for an
    /// available document, marks the case updated), all at once, on condition that
    /// the document is still pending: of duplicate events, one is `Applied`.
    async fn settle_document(&self, settlement: &Settlement) -> anyhow::Result<Conditional>;
    async fn upload(&self, case: CaseId, id: UploadId) -> anyhow::Result<Option<Upload>>;
    /// Every upload created before `before` whose announcement is not done:
    /// files never sent, S3 events lost, emails that failed.
    async fn unannounced_before(&self, before: OffsetDateTime) -> anyhow::Result<Vec<Upload>>;
    /// The upload's announcement is done (or there is nothing to announce).
    async fn mark_announced(&self, case: CaseId, id: UploadId) -> anyhow::Result<()>;
}

/// Where a claim on a notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeClaim {
    /// This caller may send it now.
    Claimed,
    /// It went out already.
    Sent,
    /// Another caller claimed it less than a lease ago and may be sending it.
    Held,
}

/// Notifications that must go out once: claimed as a lease before sending, marked
/// sent after, so a retry resends only what did not go out, and a claim whose
/// holder died can be taken again once its lease has passed.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    async fn claim_notice(
        &self,
        id: &str,
        now: OffsetDateTime,
        lease: time::Duration,
    ) -> anyhow::Result<NoticeClaim>;
    async fn notice_sent(&self, id: &str, at: OffsetDateTime) -> anyhow::Result<()>;
    /// Gives up a claim whose notice could not be sent, so a retry sends it.
    async fn release_notice(&self, id: &str) -> anyhow::Result<()>;
}
