//! Uploads and the documents in them.

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use time::OffsetDateTime;

use crate::aws::items::{Item, Reader, epoch, item, n, s};
use crate::aws::keys::case_pk;
use crate::aws::keys::schema::{GSI1_PK, GSI1_SK, PK, SK};
use crate::aws::table::DynamoStore;
use crate::documents::{
    Document, DocumentId, DocumentName, DocumentStatus, MediaType, Upload, UploadId, Uploader,
};
use crate::documents::{DocumentPage, DocumentStore, Settlement};
use crate::domain::{CaseId, Role, UserId};
use crate::ports::Conditional;

pub(crate) fn document_sk(id: DocumentId) -> String {
    format!("DOC#{id}")
}

pub(crate) fn upload_sk(id: UploadId) -> String {
    format!("UPLOAD#{id}")
}

pub(crate) fn uploader_attributes(uploader: &Uploader) -> Item {
    item([
        ("uploader_id", s(uploader.id.to_string())),
        ("uploader_name", s(uploader.name.as_str())),
        ("uploader_role", s(uploader.role.as_str())),
    ])
}

pub(crate) fn read_uploader(r: &Reader<'_>) -> anyhow::Result<Uploader> {
    Ok(Uploader {
        id: r.parsed("uploader_id", UserId::parse)?,
        name: r.string("uploader_name")?.to_owned(),
        role: r.parsed("uploader_role", |raw| Role::parse(raw).ok_or(()))?,
    })
}

/// The index partition of uploads whose announcement is not done, for the sweep;
/// an upload leaves it once every email about it is out.
pub(crate) const UNANNOUNCED: &str = "UNANNOUNCED";

pub(crate) fn unannounced_sk(created_at: OffsetDateTime, case: CaseId, id: UploadId) -> String {
    format!("{:012}#{case}#{id}", created_at.unix_timestamp())
}

pub(crate) fn document_item(document: &Document) -> Item {
    let mut record = item([
        (PK, s(case_pk(document.case_id))),
        (SK, s(document_sk(document.id))),
        ("id", s(document.id.to_string())),
        ("case_id", s(document.case_id.to_string())),
        ("upload_id", s(document.upload_id.to_string())),
        ("file_name", s(document.file_name.as_str())),
        ("content_type", s(document.content_type.as_str())),
        ("size_bytes", n(document.size_bytes)),
        ("status", s(document.status.as_str())),
        ("created_at", epoch(document.created_at)),
    ]);
    record.extend(uploader_attributes(&document.uploaded_by));
    if let Some(message) = &document.message {
        record.insert("message".into(), s(message.as_str()));
    }
    record
}

pub(crate) fn read_document(item: &Item) -> anyhow::Result<Document> {
    let r = Reader(item);
    Ok(Document {
        id: r.parsed("id", DocumentId::parse)?,
        case_id: r.parsed("case_id", CaseId::parse)?,
        upload_id: r.parsed("upload_id", UploadId::parse)?,
        file_name: DocumentName::from_stored(r.string("file_name")?.to_owned()),
        content_type: r.parsed("content_type", MediaType::parse)?,
        size_bytes: u64::try_from(r.number("size_bytes")?).context("a negative size")?,
        status: r.parsed("status", |raw| DocumentStatus::parse(raw).ok_or(()))?,
        uploaded_by: read_uploader(&r)?,
        message: optional_string(&r, "message")?,
        created_at: r.time("created_at")?,
        settled_at: r.optional_time("settled_at")?,
        version_id: optional_string(&r, "version_id")?,
    })
}

pub(crate) fn optional_string(r: &Reader<'_>, name: &str) -> anyhow::Result<Option<String>> {
    match r.0.contains_key(name) {
        true => Ok(Some(r.string(name)?.to_owned())),
        false => Ok(None),
    }
}

pub(crate) fn upload_item(upload: &Upload) -> Item {
    let mut record = item([
        (PK, s(case_pk(upload.case_id))),
        (SK, s(upload_sk(upload.id))),
        (GSI1_PK, s(UNANNOUNCED)),
        (
            GSI1_SK,
            s(unannounced_sk(upload.created_at, upload.case_id, upload.id)),
        ),
        ("id", s(upload.id.to_string())),
        ("case_id", s(upload.case_id.to_string())),
        ("created_at", epoch(upload.created_at)),
        ("settled", n(upload.settled)),
        ("available", n(upload.available)),
        (
            "documents",
            AttributeValue::L(
                upload
                    .documents
                    .iter()
                    .map(|id| s(id.to_string()))
                    .collect(),
            ),
        ),
    ]);
    record.extend(uploader_attributes(&upload.uploaded_by));
    if let Some(message) = &upload.message {
        record.insert("message".into(), s(message.as_str()));
    }
    record
}

pub(crate) fn read_upload(item: &Item) -> anyhow::Result<Upload> {
    let r = Reader(item);
    let documents = match item.get("documents") {
        Some(AttributeValue::L(ids)) => ids
            .iter()
            .map(|id| match id {
                AttributeValue::S(id) => DocumentId::parse(id).context("a malformed document id"),
                _ => anyhow::bail!("a document id is not a string"),
            })
            .collect::<anyhow::Result<_>>()?,
        _ => anyhow::bail!("attribute documents is missing"),
    };
    Ok(Upload {
        id: r.parsed("id", UploadId::parse)?,
        case_id: r.parsed("case_id", CaseId::parse)?,
        uploaded_by: read_uploader(&r)?,
        message: optional_string(&r, "message")?,
        created_at: r.time("created_at")?,
        documents,
        settled: u32::try_from(r.number("settled")?).context("settled")?,
        available: u32::try_from(r.number("available")?).context("available")?,
    })
}

impl DynamoStore {
    fn update(&self, update: Update) -> TransactWriteItem {
        TransactWriteItem::builder().update(update).build()
    }
}

#[async_trait]
impl DocumentStore for DynamoStore {
    async fn create_upload(&self, upload: &Upload, documents: &[Document]) -> anyhow::Result<()> {
        let mut items = vec![self.put(upload_item(upload), Some("attribute_not_exists(pk)"))?];
        for document in documents {
            items.push(self.put(document_item(document), Some("attribute_not_exists(pk)"))?);
        }
        match self.transact(items).await? {
            Conditional::Applied => Ok(()),
            Conditional::Refused => anyhow::bail!("the upload or a document exists already"),
        }
    }

    async fn document(&self, case: CaseId, id: DocumentId) -> anyhow::Result<Option<Document>> {
        self.get(case_pk(case), &document_sk(id))
            .await?
            .map(|item| read_document(&item))
            .transpose()
    }

    async fn documents_of(
        &self,
        case: CaseId,
        before: Option<DocumentId>,
        limit: usize,
    ) -> anyhow::Result<DocumentPage> {
        // One more than asked, to know whether another page follows; DynamoDB may
        // stop a page early (at 1 MB), so ask again from where it stopped.
        let wanted = limit + 1;
        let mut documents = Vec::with_capacity(wanted);
        let mut start = before.map(|before| Self::key(case_pk(case), &document_sk(before)));
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(case_pk(case)))
                .expression_attribute_values(":prefix", s("DOC#"))
                .scan_index_forward(false)
                .consistent_read(true)
                .limit(i32::try_from(wanted - documents.len()).context("a page size")?)
                .set_exclusive_start_key(start)
                .send()
                .await
                .context("Query documents")?;
            for item in output.items.unwrap_or_default() {
                documents.push(read_document(&item)?);
            }
            start = output.last_evaluated_key;
            if documents.len() >= wanted || start.is_none() {
                break;
            }
        }
        let more = documents.len() > limit;
        documents.truncate(limit);
        Ok(DocumentPage { documents, more })
    }

    async fn settle_document(&self, settlement: &Settlement) -> anyhow::Result<Conditional> {
        let available = settlement.status == DocumentStatus::Available;
        let mut document = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(
                case_pk(settlement.case),
                &document_sk(settlement.document),
            )))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s(DocumentStatus::Pending.as_str()))
            .expression_attribute_values(":status", s(settlement.status.as_str()))
            .expression_attribute_values(":at", epoch(settlement.at));
        document = match &settlement.version_id {
            Some(version) => document
                .update_expression("SET #status = :status, settled_at = :at, version_id = :v")
                .expression_attribute_values(":v", s(version.as_str())),
            None => document.update_expression("SET #status = :status, settled_at = :at"),
        };
        let upload = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(
                case_pk(settlement.case),
                &upload_sk(settlement.upload),
            )))
            .update_expression("ADD settled :one, available :available")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":available", n(u8::from(available)))
            .build()?;
        let mut items = vec![self.update(document.build()?), self.update(upload)];
        if available {
            let case = Update::builder()
                .table_name(&self.table)
                .set_key(Some(Self::key(case_pk(settlement.case), "CASE")))
                .update_expression("SET updated_at = :at")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":at", epoch(settlement.at))
                .build()?;
            items.push(self.update(case));
        }
        self.transact(items).await
    }

    async fn upload(&self, case: CaseId, id: UploadId) -> anyhow::Result<Option<Upload>> {
        self.get(case_pk(case), &upload_sk(id))
            .await?
            .map(|item| read_upload(&item))
            .transpose()
    }

    async fn unannounced_before(&self, before: OffsetDateTime) -> anyhow::Result<Vec<Upload>> {
        let cutoff = format!("{:012}", before.unix_timestamp());
        self.index_query(UNANNOUNCED.to_owned(), "#sk < :sk", &cutoff)
            .await?
            .iter()
            .map(read_upload)
            .collect()
    }

    async fn mark_announced(&self, case: CaseId, id: UploadId) -> anyhow::Result<()> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(case_pk(case), &upload_sk(id))))
            .update_expression("REMOVE gsi1pk, gsi1sk")
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
            .context("UpdateItem upload announced")?;
        Ok(())
    }
}
