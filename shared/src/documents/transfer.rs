//! Sending and fetching a case's documents. The bytes never pass through a
//! function: the caller gets presigned S3 URLs, and `document_uploaded` checks
//! what arrived.

use serde::Deserialize;
use serde_json::{Value, json};
use time::Duration;

use crate::Services;
use crate::documents::cases::{CaseAccessError, accessible_case};
use crate::documents::{
    Document, DocumentId, DocumentName, DocumentStatus, InvalidFileName, MediaType,
    UnsupportedMediaType, Upload, UploadId, Uploader,
};
use crate::http::bodies::documents::document_json;
use crate::http::bodies::rfc3339;
use crate::http::{InvalidBody, Principal};

/// At most this many files in one request.
pub const MAX_FILES: usize = 20;
/// The longest message sent with documents, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Documents per page of `GET /cases/{caseId}/documents`, unless `limit` says less.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Access(#[from] CaseAccessError),
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("Send between 1 and {MAX_FILES} files at a time.")]
    TooManyFiles,
    #[error("{name} is larger than the {} allowed per file.", readable_size(*.limit))]
    FileTooLarge { name: String, limit: u64 },
    #[error("{0} is empty.")]
    EmptyFile(String),
    #[error(transparent)]
    InvalidFileName(#[from] InvalidFileName),
    #[error(transparent)]
    UnsupportedMediaType(#[from] UnsupportedMediaType),
    #[error("The message is longer than {MAX_MESSAGE_CHARS} characters.")]
    MessageTooLong,
    /// One of the files was refused: which one, by its position in the request.
    #[error("{error}")]
    InFile {
        index: usize,
        error: Box<DocumentError>,
    },
    #[error("The cursor is not one this listing gave.")]
    InvalidCursor,
    #[error("There is no such document.")]
    DocumentNotFound,
    #[error("This document is not available for download yet.")]
    NotAvailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A file's type, name and size as the rules want them.
fn check_file(
    file: &FileRequest,
    max_file_bytes: u64,
) -> Result<(MediaType, DocumentName), DocumentError> {
    let content_type = MediaType::parse(&file.content_type)?;
    let file_name = DocumentName::parse(&file.file_name)?;
    if file.size_bytes > max_file_bytes {
        return Err(DocumentError::FileTooLarge {
            name: file_name.as_str().to_owned(),
            limit: max_file_bytes,
        });
    }
    if file.size_bytes == 0 {
        return Err(DocumentError::EmptyFile(file_name.as_str().to_owned()));
    }
    Ok((content_type, file_name))
}

/// A size as people read it: whole MiB when it is a whole number of them.
fn readable_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes % MIB {
        0 => format!("{} MiB", bytes / MIB),
        _ => format!("{bytes} bytes"),
    }
}

/// `POST /cases/{caseId}/documents` as it arrives.
#[derive(Debug, Deserialize)]
pub struct UploadRequest {
    pub files: Vec<FileRequest>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FileRequest {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
}

/// Records the files as pending documents of the case and gives a presigned PUT
/// for each, which only accepts the declared type and length.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn request_uploads(
    svc: &Services,
    principal: &Principal,
    raw_case_id: &str,
    request: Result<UploadRequest, InvalidBody>,
) -> Result<Value, DocumentError> {
    let access = accessible_case(svc, principal, raw_case_id).await?;
    let request = request?;
    if request.files.is_empty() || request.files.len() > MAX_FILES {
        return Err(DocumentError::TooManyFiles);
    }
    let message = request
        .message
        .map(|message| message.trim().to_owned())
        .filter(|message| !message.is_empty());
    if message
        .as_ref()
        .is_some_and(|message| message.chars().count() > MAX_MESSAGE_CHARS)
    {
        return Err(DocumentError::MessageTooLong);
    }

    let now = svc.clock.now();
    let limits = svc.settings.documents;
    let uploader = Uploader {
        id: access.user.id,
        name: access.user.name.clone(),
        role: access.user.role,
    };
    let upload_id = UploadId::new();
    let mut documents = Vec::with_capacity(request.files.len());
    for (index, file) in request.files.iter().enumerate() {
        let (content_type, file_name) =
            check_file(file, limits.max_file_bytes).map_err(|error| DocumentError::InFile {
                index,
                error: Box::new(error),
            })?;
        let file_name = file_name.with_extension_of(&content_type);
        documents.push(Document {
            id: DocumentId::new_at(now),
            case_id: access.case.id,
            upload_id,
            file_name,
            content_type,
            size_bytes: file.size_bytes,
            status: DocumentStatus::Pending,
            uploaded_by: uploader.clone(),
            message: message.clone(),
            created_at: now,
            settled_at: None,
            version_id: None,
        });
    }
    let upload = Upload {
        id: upload_id,
        case_id: access.case.id,
        uploaded_by: uploader,
        message,
        created_at: now,
        documents: documents.iter().map(|document| document.id).collect(),
        settled: 0,
        available: 0,
    };
    svc.store.create_upload(&upload, &documents).await?;

    let expires_at = now + limits.upload_url_ttl;
    let mut listed = Vec::with_capacity(documents.len());
    for document in &documents {
        let url = svc
            .bucket
            .presign_upload(
                &document.key(),
                &document.content_type,
                document.size_bytes,
                now,
                limits.upload_url_ttl,
            )
            .await?;
        listed.push(json!({
            "id": document.id.to_string(),
            "file_name": document.file_name.as_str(),
            "status": document.status.as_str(),
            "upload": {
                "method": "PUT",
                "url": url,
                "headers": {
                    "content-type": document.content_type.as_str(),
                    "content-length": document.size_bytes.to_string(),
                },
            },
            "expires_at": rfc3339(expires_at),
        }));
    }
    tracing::info!(
        case_id = %access.case.id,
        upload_id = %upload.id,
        files = documents.len(),
        "upload URLs issued"
    );
    Ok(json!({ "documents": listed }))
}

/// One page of the case's documents, newest first, with the cursor of the next.
pub async fn list_documents(
    svc: &Services,
    principal: &Principal,
    raw_case_id: &str,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<Value, DocumentError> {
    let access = accessible_case(svc, principal, raw_case_id).await?;
    let before = cursor
        .map(|raw| DocumentId::parse(raw).map_err(|_| DocumentError::InvalidCursor))
        .transpose()?;
    let limit = match limit {
        None => PAGE_SIZE,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|limit| (1..=PAGE_SIZE).contains(limit))
            .ok_or(DocumentError::InvalidRequest(InvalidBody))?,
    };
    let page = svc
        .store
        .documents_of(access.case.id, before, limit)
        .await?;
    let next_cursor = page
        .more
        .then(|| page.documents.last().map(|last| last.id.to_string()))
        .flatten();
    let documents: Vec<Value> = page.documents.iter().map(document_json).collect();
    Ok(json!({ "documents": documents, "next_cursor": next_cursor }))
}

/// A presigned GET of the checked version of an available document, which
/// browsers save as a file under its name.
pub async fn download_url(
    svc: &Services,
    principal: &Principal,
    raw_case_id: &str,
    raw_document_id: &str,
) -> Result<Value, DocumentError> {
    let access = accessible_case(svc, principal, raw_case_id).await?;
    let id = DocumentId::parse(raw_document_id).map_err(|_| DocumentError::DocumentNotFound)?;
    let document = svc
        .store
        .document(access.case.id, id)
        .await?
        .ok_or(DocumentError::DocumentNotFound)?;
    if document.status != DocumentStatus::Available {
        return Err(DocumentError::NotAvailable);
    }
    let now = svc.clock.now();
    let ttl = svc.settings.documents.download_url_ttl;
    let url = svc
        .bucket
        .presign_download(
            &document.key(),
            document.version_id.as_deref(),
            &document.file_name,
            now,
            ttl,
        )
        .await?;
    tracing::info!(case_id = %access.case.id, document_id = %document.id, "download URL issued");
    Ok(json!({ "url": url, "expires_at": rfc3339(now + ttl) }))
}

/// What the presigned document URLs allow.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// The largest file a client or firm user may send.
    pub max_file_bytes: u64,
    pub upload_url_ttl: Duration,
    pub download_url_ttl: Duration,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 100 * 1024 * 1024,
            upload_url_ttl: Duration::minutes(15),
            download_url_ttl: Duration::minutes(5),
        }
    }
}
