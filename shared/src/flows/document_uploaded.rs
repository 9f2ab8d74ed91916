//! What happens when S3 reports a new object in the documents bucket: the object
//! is checked against what was declared, and once every file of an upload has been
//! checked, the other side is told, once.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use crate::Services;
use crate::domain::{
    Case, CaseId, Document, DocumentId, DocumentStatus, Role, Upload, UploadId, User,
};
use crate::email::{Delivery, documents_received_email, documents_shared_email};
use crate::flows::cases::firm_name;
use crate::flows::login_link::sign_in_url;
use crate::ports::{Conditional, Settlement};

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
    /// Uploads whose notification was sent by this invocation.
    pub notified: usize,
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
    let version = record.s3.object.version_id.as_deref();
    let Some(object) = svc.bucket.head(&key, version).await? else {
        tracing::warn!(document_id = %document.id, "the object is gone already");
        run.ignored += 1;
        return Ok(());
    };

    let settled = match document.status {
        DocumentStatus::Pending => {
            let matches = object.size_bytes == document.size_bytes
                && object.content_type.as_deref() == Some(document.content_type.as_str());
            let status = if matches {
                DocumentStatus::Available
            } else {
                // Deleted before it is marked, so a rejected file is never left behind.
                svc.bucket
                    .delete(&key, object.version_id.as_deref())
                    .await?;
                DocumentStatus::Rejected
            };
            let settlement = Settlement {
                case: document.case_id,
                document: document.id,
                upload: document.upload_id,
                status,
                version_id: object.version_id.clone(),
                at: svc.clock.now(),
            };
            match svc.store.settle_document(&settlement).await? {
                Conditional::Applied => {
                    tracing::info!(document_id = %document.id, status = status.as_str(), "document checked");
                    match status {
                        DocumentStatus::Available => run.available += 1,
                        _ => run.rejected += 1,
                    }
                    true
                }
                Conditional::Refused => false,
            }
        }
        DocumentStatus::Available | DocumentStatus::Rejected => false,
    };
    if !settled {
        run.ignored += 1;
        discard_overwrite(svc, &document, &key, object.version_id.as_deref()).await?;
    }
    if notify_when_complete(svc, document.case_id, document.upload_id).await? {
        run.notified += 1;
    }
    Ok(())
}

/// A document is checked once. A later object under its key (a second PUT to a
/// still-valid URL) is deleted: only the checked version is ever served.
async fn discard_overwrite(
    svc: &Services,
    document: &Document,
    key: &str,
    version: Option<&str>,
) -> anyhow::Result<()> {
    let Some(document) = svc.store.document(document.case_id, document.id).await? else {
        return Ok(());
    };
    let stray = match document.status {
        DocumentStatus::Pending => false,
        DocumentStatus::Rejected => true,
        DocumentStatus::Available => version.is_some() && version != document.version_id.as_deref(),
    };
    if stray {
        tracing::warn!(document_id = %document.id, "a later object under a checked document's key is deleted");
        svc.bucket.delete(key, version).await?;
    }
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

/// Sends the upload's notification when its last file has been checked and at
/// least one passed; at most once, whatever the duplicates and retries.
async fn notify_when_complete(
    svc: &Services,
    case: CaseId,
    upload: UploadId,
) -> anyhow::Result<bool> {
    let Some(upload) = svc.store.upload(case, upload).await? else {
        return Ok(false);
    };
    if !upload.is_settled() || upload.available == 0 {
        return Ok(false);
    }
    if svc.store.claim_upload_notice(case, upload.id).await? == Conditional::Refused {
        return Ok(false);
    }
    if let Err(err) = send_notices(svc, &upload).await {
        svc.store.release_upload_notice(case, upload.id).await?;
        return Err(err);
    }
    Ok(true)
}

async fn send_notices(svc: &Services, upload: &Upload) -> anyhow::Result<()> {
    let case = svc
        .store
        .case(upload.case_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the case of an upload is gone"))?;
    let mut names = Vec::new();
    for id in &upload.documents {
        let document = svc.store.document(case.id, *id).await?;
        if let Some(document) = document.filter(|d| d.status == DocumentStatus::Available) {
            names.push(document.file_name.as_str().to_owned());
        }
    }
    let file_names: Vec<&str> = names.iter().map(String::as_str).collect();
    let members = members(svc, &case).await?;

    match upload.uploaded_by.role {
        Role::Client => {
            let delivery = Delivery {
                sender: &upload.uploaded_by.name,
                case_title: &case.title,
                file_names: &file_names,
                message: upload.message.as_deref(),
            };
            let case_url = format!("{}/cases/{}", svc.settings.portal_url, case.id);
            for user in responsible_firm_users(svc, &case, members).await? {
                let email =
                    documents_received_email(user.language, &user.name, &delivery, &case_url);
                svc.mailer.send(&email.to(&user.email)).await?;
            }
        }
        Role::Staff | Role::Admin => {
            let firm_name = firm_name(svc, case.firm_id).await?;
            let delivery = Delivery {
                sender: &firm_name,
                case_title: &case.title,
                file_names: &file_names,
                message: upload.message.as_deref(),
            };
            for client in members.iter().filter(|user| user.role == Role::Client) {
                let url = sign_in_url(svc, client, None).await?;
                let email = documents_shared_email(client.language, &client.name, &delivery, &url);
                svc.mailer.send(&email.to(&client.email)).await?;
            }
        }
    }
    Ok(())
}

async fn members(svc: &Services, case: &Case) -> anyhow::Result<Vec<User>> {
    let mut members = Vec::new();
    for id in svc.store.members_of(case.id).await? {
        if let Some(user) = svc.store.user(id).await? {
            members.push(user);
        }
    }
    Ok(members)
}

/// The firm users responsible for the case; when nobody is, the firm's
/// administrators, so a client's documents never go unannounced.
async fn responsible_firm_users(
    svc: &Services,
    case: &Case,
    members: Vec<User>,
) -> anyhow::Result<Vec<User>> {
    let responsible: Vec<User> = members
        .into_iter()
        .filter(|user| user.role != Role::Client)
        .collect();
    if !responsible.is_empty() {
        return Ok(responsible);
    }
    Ok(svc
        .store
        .users_of_firm(case.firm_id)
        .await?
        .into_iter()
        .filter(|user| user.role == Role::Admin)
        .collect())
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
