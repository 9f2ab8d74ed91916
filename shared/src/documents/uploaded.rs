//! What happens when S3 reports a new object in the documents bucket: the object
//! is checked against what was declared (`document_check`), and once every file of
//! an upload has been checked, the other side is told, once (`upload_notice`).

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use crate::Services;
use crate::documents::DocumentId;
use crate::documents::check::{Checked, check_document};
use crate::documents::upload_notice::notify_when_complete;
use crate::domain::CaseId;

/// The parts of an S3 event notification this function reads. Everything else
/// may be missing, as it is in some emulators' events.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct S3Notification {
    #[serde(rename = "Records", default)]
    pub records: Vec<S3Record>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct S3Record {
    #[serde(rename = "eventName", default)]
    pub event_name: String,
    pub s3: S3Entity,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct S3Entity {
    pub object: S3Object,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct S3Object {
    /// URL-encoded, with `+` for spaces, as S3 sends it.
    pub key: String,
    #[serde(rename = "versionId", default)]
    pub version_id: Option<String>,
}

/// What one invocation did, for the log and the caller.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct UploadedRun {
    pub available: usize,
    pub rejected: usize,
    /// Events for documents already checked (duplicates), unknown keys, other events.
    pub ignored: usize,
    /// Emails this invocation sent to the other side.
    pub emails_sent: usize,
}

/// Handles every record; a record that fails does not stop the others, and the
/// invocation then fails so Lambda delivers the event again (the records already
/// handled are idempotent).
#[tracing::instrument(skip_all, fields(records = notification.records.len()))]
pub async fn documents_uploaded(
    svc: &Services,
    notification: S3Notification,
) -> anyhow::Result<UploadedRun> {
    let mut run = UploadedRun::default();
    let mut failure = None;
    for record in &notification.records {
        if let Err(err) = handle_record(svc, record, &mut run).await {
            tracing::error!(error = format!("{err:#}"), "an upload could not be handled");
            failure = Some(err);
        }
    }
    tracing::info!(?run, "upload notifications handled");
    match failure {
        Some(err) => Err(err),
        None => Ok(run),
    }
}

async fn handle_record(
    svc: &Services,
    record: &S3Record,
    run: &mut UploadedRun,
) -> anyhow::Result<()> {
    let key = decode_key(&record.s3.object.key);
    let document = match (
        record.event_name.starts_with("ObjectCreated:"),
        parse_key(&key),
    ) {
        (true, Some((case, id))) => svc.store.document(case, id).await?,
        _ => None,
    };
    let Some(document) = document.filter(|document| document.key() == key) else {
        tracing::warn!(event = record.event_name, "an event for no known document");
        run.ignored += 1;
        return Ok(());
    };
    match check_document(svc, &document, record.s3.object.version_id.as_deref()).await? {
        Checked::Available => run.available += 1,
        Checked::Rejected => run.rejected += 1,
        Checked::AlreadySettled => run.ignored += 1,
    }
    // Also after a duplicate: the first event's emails may have failed.
    run.emails_sent += notify_when_complete(svc, document.case_id, document.upload_id).await?;
    Ok(())
}

fn decode_key(raw: &str) -> String {
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The case and document a key `cases/{case}/documents/{document}/{name}` is for.
fn parse_key(key: &str) -> Option<(CaseId, DocumentId)> {
    let mut parts = key.splitn(5, '/');
    let (Some("cases"), Some(case), Some("documents"), Some(document), Some(_name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some((CaseId::parse(case).ok()?, DocumentId::parse(document).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_decoded_as_s3_encodes_them() {
        assert_eq!(
            decode_key("cases/a/documents/b/My+file+%281%29+%C3%A9.pdf"),
            "cases/a/documents/b/My file (1) é.pdf"
        );
    }

    #[test]
    fn only_document_keys_name_a_case_and_document() {
        let case = CaseId::new();
        let document = DocumentId::new_at(time::OffsetDateTime::now_utc());
        assert_eq!(
            parse_key(&format!("cases/{case}/documents/{document}/a.pdf")),
            Some((case, document))
        );
        for other in [
            format!("cases/{case}/documents/{document}"),
            format!("cases/{case}/other/{document}/a.pdf"),
            format!("cases/nope/documents/{document}/a.pdf"),
            "elsewhere/x".to_owned(),
        ] {
            assert_eq!(parse_key(&other), None, "{other}");
        }
    }
}
