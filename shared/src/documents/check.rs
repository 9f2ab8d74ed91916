//! Checking an uploaded object against what was declared for its document. The S3
//! notification does it as soon as the object lands; the sweep of abandoned uploads
//! does it for documents whose notification never came.

use crate::Services;
use crate::documents::Settlement;
use crate::documents::{Document, DocumentStatus};
use crate::ports::{Conditional, StoredObject};

/// What a check did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    Available,
    Rejected,
    /// The document had been checked already (a duplicate or late event).
    AlreadySettled,
}

/// Settles a pending document from its object: as declared → available; anything
/// else, or no object at all → rejected, and the object deleted. A document checked
/// already keeps its outcome, and a later object under its key (a second PUT to a
/// still-valid URL) is deleted: only the checked version is ever served.
pub async fn check_document(
    svc: &Services,
    document: &Document,
    version: Option<&str>,
) -> anyhow::Result<Checked> {
    let key = document.key();
    if document.status != DocumentStatus::Pending {
        discard_stray(svc, document, version).await?;
        return Ok(Checked::AlreadySettled);
    }
    let object = svc.bucket.head(&key, version).await?;
    let status = match &object {
        Some(object) if matches_declaration(object, document) => DocumentStatus::Available,
        _ => DocumentStatus::Rejected,
    };
    let settlement = Settlement {
        case: document.case_id,
        document: document.id,
        upload: document.upload_id,
        status,
        version_id: object.as_ref().and_then(|object| object.version_id.clone()),
        at: svc.clock.now(),
    };
    // Settled before a rejected object is deleted: should the delete fail, the
    // retried event finds the document rejected and deletes the object then.
    if svc.store.settle_document(&settlement).await? == Conditional::Refused {
        let current = svc.store.document(document.case_id, document.id).await?;
        if let Some(current) = current {
            discard_stray(svc, &current, version).await?;
        }
        return Ok(Checked::AlreadySettled);
    }
    tracing::info!(document_id = %document.id, status = status.as_str(), "document checked");
    match (status, object) {
        (DocumentStatus::Available, _) => Ok(Checked::Available),
        (_, Some(object)) => {
            svc.bucket
                .delete(&key, object.version_id.as_deref())
                .await?;
            Ok(Checked::Rejected)
        }
        (_, None) => Ok(Checked::Rejected),
    }
}

fn matches_declaration(object: &StoredObject, document: &Document) -> bool {
    object.size_bytes == document.size_bytes
        && object.content_type.as_deref() == Some(document.content_type.as_str())
}

/// Deletes an object under a checked document's key that is not the version the
/// check passed (every version, for a rejected document).
async fn discard_stray(
    svc: &Services,
    document: &Document,
    version: Option<&str>,
) -> anyhow::Result<()> {
    let key = document.key();
    let Some(object) = svc.bucket.head(&key, version).await? else {
        return Ok(());
    };
    let stray = match document.status {
        DocumentStatus::Pending => false,
        DocumentStatus::Rejected => true,
        // Without both versions (an unversioned bucket) a duplicate cannot be told
        // from an overwrite: nothing is deleted.
        DocumentStatus::Available => match (&object.version_id, &document.version_id) {
            (Some(found), Some(checked)) => found != checked,
            _ => false,
        },
    };
    if stray {
        tracing::warn!(document_id = %document.id, "an object under a checked document's key is deleted");
        svc.bucket
            .delete(&key, object.version_id.as_deref())
            .await?;
    }
    Ok(())
}
