//! The signed-in user's own account.

use time::OffsetDateTime;

use crate::Services;
use crate::accounts::User;
use crate::documents::Case;
use crate::domain::{AuditEvent, AuditKind, Language, UnsupportedLanguage};
use crate::http::{InvalidBody, Principal};
use crate::ports::Conditional;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("There is nothing here.")]
    NotFound,
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error(transparent)]
    UnsupportedLanguage(#[from] UnsupportedLanguage),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The user with the cases they can see, and when their password expires.
#[derive(Debug, Clone)]
pub struct Profile {
    pub user: User,
    pub cases: Vec<Case>,
    /// `None` for clients and where passwords never expire.
    pub password_expires_at: Option<OffsetDateTime>,
    /// Inside the last 14 days before the password expires: the portal warns.
    pub password_expiry_notice: bool,
}

/// How long before a password expires the portal (and the expiry email) warn.
pub const EXPIRY_NOTICE: time::Duration = time::Duration::days(14);

pub async fn profile(svc: &Services, principal: &Principal) -> Result<Profile, AccountError> {
    let user = svc
        .store
        .user(principal.user_id)
        .await?
        .ok_or(AccountError::Unauthorized)?;
    let mut cases = svc.store.cases_of(user.id).await?;
    cases.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let password_expires_at = match &user.password {
        Some(password) => {
            let firm = svc.store.firm(user.firm_id).await?;
            firm.and_then(|firm| password.expires_at(firm.settings.password_expiry))
        }
        None => None,
    };
    let now = svc.clock.now();
    let password_expiry_notice =
        password_expires_at.is_some_and(|expires_at| now >= expires_at - EXPIRY_NOTICE);
    Ok(Profile {
        user,
        cases,
        password_expires_at,
        password_expiry_notice,
    })
}

/// Changes the language of the portal and of every later email and SMS.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn set_language(
    svc: &Services,
    principal: &Principal,
    raw_language: &str,
    source_ip: Option<&str>,
) -> Result<Profile, AccountError> {
    let language = Language::parse(raw_language)?;
    let audit = AuditEvent::new(
        AuditKind::LanguageChanged,
        svc.clock.now(),
        principal.user_id,
    )
    .from_ip(source_ip)
    .with_detail(language.code());
    match svc
        .store
        .set_language(principal.user_id, language, &audit)
        .await?
    {
        Conditional::Applied => profile(svc, principal).await,
        Conditional::Refused => Err(AccountError::Unauthorized),
    }
}
