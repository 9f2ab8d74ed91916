//! The JSON bodies of cases and documents.

use serde_json::{Value, json};

use crate::documents::{Case, Document, DocumentStatus};
use crate::http::bodies::rfc3339;

pub fn case_json(case: &Case, firm_name: &str) -> Value {
    json!({
        "id": case.id.to_string(),
        "title": case.title,
        "firm": { "name": firm_name },
        "updated_at": rfc3339(case.updated_at),
    })
}

pub(crate) fn document_json(document: &Document) -> Value {
    let uploaded_at = match document.status {
        DocumentStatus::Available => document.settled_at.map(rfc3339),
        DocumentStatus::Pending | DocumentStatus::Rejected => None,
    };
    json!({
        "id": document.id.to_string(),
        "file_name": document.file_name.as_str(),
        "content_type": document.content_type.as_str(),
        "size_bytes": document.size_bytes,
        "status": document.status.as_str(),
        "uploaded_by": {
            "name": document.uploaded_by.name,
            "role": document.uploaded_by.role.as_str(),
        },
        "uploaded_at": uploaded_at,
        "message": document.message,
    })
}
