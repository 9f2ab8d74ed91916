//! The one email per recipient that tells the other side documents arrived, once
//! every file of an upload has been checked.

use crate::Services;
use crate::accounts::User;
use crate::documents::cases::firm_name;
use crate::documents::once::{Once, send_once};
use crate::documents::{Case, DocumentStatus, Upload, UploadId};
use crate::domain::{CaseId, Role, UserId};
use crate::email::{Delivery, documents_received_email, documents_shared_email};
use crate::ports::OutgoingEmail;
use crate::sign_in::login_link::{opening_case, sign_in_url};

/// The notice claim of the email to `recipient` about `upload`.
pub(crate) fn upload_notice_id(upload: UploadId, recipient: UserId) -> String {
    format!("UPLOAD#{upload}#{recipient}")
}

/// Emails the other side once the upload's last file is checked and at least one
/// passed, each recipient once (see [`send_once`]). When every email is out, or
/// there is nothing to announce, the upload leaves the sweep's list. Returns how
/// many emails this call sent.
pub async fn notify_when_complete(
    svc: &Services,
    case: CaseId,
    upload: UploadId,
) -> anyhow::Result<usize> {
    let Some(upload) = svc.store.upload(case, upload).await? else {
        return Ok(0);
    };
    if !upload.is_settled() {
        return Ok(0);
    }
    if upload.available == 0 {
        svc.store.mark_announced(case, upload.id).await?;
        return Ok(0);
    }
    let case = svc
        .store
        .case(upload.case_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the case of an upload is gone"))?;
    let (mut sent, mut all_out) = (0, true);
    for recipient in recipients(svc, &case, &upload).await? {
        let id = upload_notice_id(upload.id, recipient.id);
        let sending = async {
            let email = email_for(svc, &case, &upload, &recipient).await?;
            svc.mailer.send(&email).await
        };
        match send_once(svc, &id, sending).await? {
            Once::SentNow => sent += 1,
            Once::SentBefore => {}
            Once::InFlight => all_out = false,
        }
    }
    if all_out {
        svc.store.mark_announced(case.id, upload.id).await?;
    }
    Ok(sent)
}

/// A client's upload goes to the firm users responsible for the case (or, when
/// nobody is, the firm's administrators, so it never goes unannounced); a firm's
/// upload goes to the case's clients.
async fn recipients(svc: &Services, case: &Case, upload: &Upload) -> anyhow::Result<Vec<User>> {
    let mut members = Vec::new();
    for id in svc.store.members_of(case.id).await? {
        if let Some(user) = svc.store.user(id).await? {
            members.push(user);
        }
    }
    let from_client = upload.uploaded_by.role == Role::Client;
    let other_side: Vec<User> = members
        .into_iter()
        .filter(|user| (user.role == Role::Client) != from_client)
        .filter(|user| user.id != upload.uploaded_by.id)
        .collect();
    if !other_side.is_empty() || !from_client {
        return Ok(other_side);
    }
    Ok(svc
        .store
        .users_of_firm(case.firm_id)
        .await?
        .into_iter()
        .filter(|user| user.role == Role::Admin)
        .collect())
}

async fn email_for(
    svc: &Services,
    case: &Case,
    upload: &Upload,
    recipient: &User,
) -> anyhow::Result<OutgoingEmail> {
    let mut names = Vec::new();
    for id in &upload.documents {
        let document = svc.store.document(case.id, *id).await?;
        if let Some(document) = document.filter(|d| d.status == DocumentStatus::Available) {
            names.push(document.file_name.as_str().to_owned());
        }
    }
    let file_names: Vec<&str> = names.iter().map(String::as_str).collect();
    let email = match upload.uploaded_by.role {
        Role::Client => {
            let delivery = Delivery {
                sender: &upload.uploaded_by.name,
                case_title: &case.title,
                file_names: &file_names,
                message: upload.message.as_deref(),
            };
            let case_url = format!("{}/cases/{}", svc.settings.portal_url, case.id);
            documents_received_email(recipient.language, &recipient.name, &delivery, &case_url)
        }
        Role::Staff | Role::Admin => {
            let firm = firm_name(svc, case.firm_id).await?;
            let delivery = Delivery {
                sender: &firm,
                case_title: &case.title,
                file_names: &file_names,
                message: upload.message.as_deref(),
            };
            let url = opening_case(&sign_in_url(svc, recipient, None).await?, case.id);
            documents_shared_email(recipient.language, &recipient.name, &delivery, &url)
        }
    };
    Ok(email.to(&recipient.email))
}
