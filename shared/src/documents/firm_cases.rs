//! What firm users do with cases: create clients and cases, and share a case with
//! a client (or make a colleague responsible for it).

use serde::Deserialize;

use crate::Services;
use crate::accounts::User;
use crate::documents::Case;
use crate::documents::cases::{CaseAccessError, caller, case_seen_by, firm_name};
use crate::documents::once::send_once;
use crate::domain::{
    AuditEvent, AuditKind, CaseId, EmailAddress, InvalidEmail, Language, Role, UnsupportedLanguage,
    UserId, display_text,
};
use crate::email::case_shared_email;
use crate::http::{InvalidBody, Principal};
use crate::ports::Conditional;
use crate::sign_in::login_link::{opening_case, sign_in_url};

#[derive(Debug, thiserror::Error)]
pub enum FirmCaseError {
    #[error(transparent)]
    Access(#[from] CaseAccessError),
    #[error("Only the firm's own users can do this.")]
    Forbidden,
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    #[error(transparent)]
    UnsupportedLanguage(#[from] UnsupportedLanguage),
    #[error("The name must be 1 to 200 characters on one line.")]
    InvalidName,
    #[error("The title must be 1 to 200 characters on one line.")]
    InvalidTitle,
    #[error("Someone already has this email address.")]
    EmailTaken,
    #[error("There is no such user in the firm.")]
    UserNotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The caller, when they are one of a firm's own users (staff or administrator).
async fn firm_user(svc: &Services, principal: &Principal) -> Result<User, FirmCaseError> {
    let user = caller(svc, principal).await?;
    match user.role {
        Role::Staff | Role::Admin => Ok(user),
        Role::Client => Err(FirmCaseError::Forbidden),
    }
}

/// `POST /firm/clients` as it arrives.
#[derive(Debug, Deserialize)]
pub struct NewClient {
    pub email: String,
    pub name: String,
    pub language: String,
}

/// Creates a client of the caller's firm. Nothing is sent yet: the client hears
/// from the firm when a case is shared with them.
///
/// A person may be a client of several firms: an address already at the portal
/// through another firm (or this one) makes that person a client of this firm
/// too, with the same answer as a new client, so a firm learns nothing of who
/// else's client someone is. Only an address of one of the firm's own users is
/// refused (`EmailTaken`): the firm knows those already.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn create_client(
    svc: &Services,
    principal: &Principal,
    new: NewClient,
    source_ip: Option<&str>,
) -> Result<User, FirmCaseError> {
    let creator = firm_user(svc, principal).await?;
    let email = EmailAddress::parse(&new.email)?;
    let name = display_text(&new.name).ok_or(FirmCaseError::InvalidName)?;
    let language = Language::parse(&new.language)?;
    let now = svc.clock.now();
    let client = User {
        id: UserId::new(),
        firm_id: creator.firm_id,
        email,
        name,
        role: Role::Client,
        language,
        created_at: now,
        password: None,
        credential_version: 0,
    };
    let mut audit = AuditEvent::new(AuditKind::UserCreated, now, client.id).from_ip(source_ip);
    audit.actor = Some(creator.id);
    if svc.store.create_user(&client, &audit).await? == Conditional::Applied {
        return Ok(client);
    }
    let existing = match svc.store.user_id_by_email(&client.email).await? {
        Some(id) => svc.store.user(id).await?,
        None => None,
    }
    .ok_or_else(|| anyhow::anyhow!("an email claim without its user"))?;
    if existing.role != Role::Client && existing.firm_id == creator.firm_id {
        return Err(FirmCaseError::EmailTaken);
    }
    if existing.firm_id != creator.firm_id {
        let mut audit = AuditEvent::new(AuditKind::ClientAdded, now, existing.id)
            .from_ip(source_ip)
            .with_detail(creator.firm_id.to_string());
        audit.actor = Some(creator.id);
        // Refused: a client of this firm already, which changes nothing.
        svc.store
            .add_client(creator.firm_id, existing.id, &audit)
            .await?;
    }
    // What the firm gave, under the person's id: what a new client's answer shows.
    Ok(User {
        id: existing.id,
        ..client
    })
}

/// `POST /firm/cases` as it arrives.
#[derive(Debug, Deserialize)]
pub struct NewCase {
    pub title: String,
}

/// Creates a case of the caller's firm, with the caller responsible for it.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn create_case(
    svc: &Services,
    principal: &Principal,
    new: NewCase,
    source_ip: Option<&str>,
) -> Result<(Case, String), FirmCaseError> {
    let creator = firm_user(svc, principal).await?;
    let title = display_text(&new.title).ok_or(FirmCaseError::InvalidTitle)?;
    let now = svc.clock.now();
    let case = Case {
        id: CaseId::new(),
        firm_id: creator.firm_id,
        title,
        created_at: now,
        updated_at: now,
    };
    let audit = shared(svc, &case, &creator, creator.id, source_ip);
    svc.store
        .create_case(&case, Some((creator.id, &audit)))
        .await?;
    Ok((case, firm_name(svc, creator.firm_id).await?))
}

/// Makes a user of the firm a member of the case: a client gets access and, once,
/// an email with a sign-in link; a firm user becomes responsible for the case.
/// Sharing again changes nothing and sends nothing, but does send the email a
/// failed first attempt could not (or, after a crash, once the claim's lease ran out).
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn add_member(
    svc: &Services,
    principal: &Principal,
    raw_case_id: &str,
    raw_user_id: &str,
    source_ip: Option<&str>,
) -> Result<(), FirmCaseError> {
    let access = case_seen_by(svc, firm_user(svc, principal).await?, raw_case_id).await?;
    let member = match UserId::parse(raw_user_id) {
        Ok(id) => svc.store.user(id).await?,
        Err(_) => None,
    }
    .ok_or(FirmCaseError::UserNotFound)?;
    let of_the_firm = member.firm_id == access.case.firm_id
        || svc
            .store
            .is_client_of(access.case.firm_id, member.id)
            .await?;
    if !of_the_firm {
        return Err(FirmCaseError::UserNotFound);
    }

    let audit = shared(svc, &access.case, &access.user, member.id, source_ip);
    // Refused when they were a member already: the email may still be owed.
    svc.store
        .add_case_member(access.case.id, member.id, &audit)
        .await?;
    if member.role == Role::Client {
        tell_client(svc, &access.case, &member, source_ip).await?;
    }
    Ok(())
}

/// The notice claim of the email telling `client` that `case` is shared with them.
pub(crate) fn share_notice_id(case: CaseId, client: UserId) -> String {
    format!("SHARE#{case}#{client}")
}

/// Emails a client that the case is shared with them, once (see [`send_once`]).
async fn tell_client(
    svc: &Services,
    case: &Case,
    client: &User,
    source_ip: Option<&str>,
) -> anyhow::Result<()> {
    let sending = async {
        let url = opening_case(&sign_in_url(svc, client, source_ip).await?, case.id);
        let firm = firm_name(svc, case.firm_id).await?;
        let email = case_shared_email(client.language, &client.name, &firm, &case.title, &url);
        svc.mailer.send(&email.to(&client.email)).await
    };
    send_once(svc, &share_notice_id(case.id, client.id), sending).await?;
    Ok(())
}

fn shared(
    svc: &Services,
    case: &Case,
    by: &User,
    member: UserId,
    source_ip: Option<&str>,
) -> AuditEvent {
    let mut audit = AuditEvent::new(AuditKind::CaseShared, svc.clock.now(), member)
        .from_ip(source_ip)
        .with_detail(case.id.to_string());
    audit.actor = Some(by.id);
    audit
}
