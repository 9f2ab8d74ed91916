//! What a firm's administrators manage: its password policy, its firm users and
//! their passwords.

use serde_json::{Value, json};

use crate::Services;
use crate::accounts::{FirmSettings, PasswordExpiry, User};
use crate::documents::cases::firm_name;
use crate::domain::{
    AuditEvent, AuditKind, EmailAddress, InvalidEmail, Language, Role, UnsupportedLanguage, UserId,
    display_text,
};
use crate::email::{invitation_email, mfa_disabled_email};
use crate::http::bodies::accounts::settings_json;
use crate::http::bodies::rfc3339;
use crate::http::bodies::sign_in::user_json;
use crate::http::{InvalidBody, Principal};
use crate::mfa::methods::remove_factors;
use crate::ports::Conditional;
use crate::sign_in::password_reset::store_reset_link;
use crate::suppression::suppression_json;

#[derive(Debug, thiserror::Error)]
pub enum FirmAdminError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("Only the firm's administrators can do this.")]
    Forbidden,
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("{0}")]
    InvalidSetting(&'static str),
    #[error("There is nothing here.")]
    NotFound,
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    #[error(transparent)]
    UnsupportedLanguage(#[from] UnsupportedLanguage),
    #[error("The role must be staff or admin.")]
    InvalidRole,
    #[error("Someone already has this email address.")]
    EmailTaken,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The caller, when they are an administrator of their firm.
pub async fn administrator(svc: &Services, principal: &Principal) -> Result<User, FirmAdminError> {
    let user = svc
        .store
        .user(principal.user_id)
        .await?
        .ok_or(FirmAdminError::Unauthorized)?;
    match user.role {
        Role::Admin => Ok(user),
        Role::Staff | Role::Client => Err(FirmAdminError::Forbidden),
    }
}

/// The administrator's firm's settings.
pub async fn settings(
    svc: &Services,
    principal: &Principal,
) -> Result<FirmSettings, FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let firm = svc
        .store
        .firm(admin.firm_id)
        .await?
        .ok_or(FirmAdminError::NotFound)?;
    Ok(firm.settings)
}

/// Reads settings as `PUT /firm/settings` takes them: the password policy's two
/// fields, exactly typed, and `require_mfa`, which keeps its `current` value when
/// left out.
pub fn parse_settings(
    body: &Value,
    current: &FirmSettings,
) -> Result<FirmSettings, FirmAdminError> {
    let require_strong_passwords = body
        .get("require_strong_passwords")
        .and_then(Value::as_bool)
        .ok_or(FirmAdminError::InvalidSetting(
            "require_strong_passwords must be true or false.",
        ))?;
    let password_expiry = body
        .get("password_expiry_days")
        .and_then(Value::as_u64)
        .and_then(|days| PasswordExpiry::from_days(days).ok())
        .ok_or(FirmAdminError::InvalidSetting(
            "password_expiry_days must be 0 (never), 30, 60, 90, 180 or 365.",
        ))?;
    let require_mfa = match body.get("require_mfa") {
        None => current.require_mfa,
        Some(value) => value.as_bool().ok_or(FirmAdminError::InvalidSetting(
            "require_mfa must be true or false.",
        ))?,
    };
    Ok(FirmSettings {
        require_strong_passwords,
        password_expiry,
        require_mfa,
    })
}

/// Replaces the administrator's firm's settings; audited with the new values.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn update_settings(
    svc: &Services,
    principal: &Principal,
    settings: FirmSettings,
    source_ip: Option<&str>,
) -> Result<FirmSettings, FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let audit = AuditEvent::new(AuditKind::PolicyChanged, svc.clock.now(), admin.id)
        .from_ip(source_ip)
        .with_detail(settings_json(&settings).to_string());
    match svc
        .store
        .set_firm_settings(admin.firm_id, &settings, &audit)
        .await?
    {
        Conditional::Applied => Ok(settings),
        Conditional::Refused => Err(FirmAdminError::NotFound),
    }
}

/// Makes one firm user of the administrator's firm change their password at their
/// next sign-in. Anyone else (another firm's user, a client, no one) is `NotFound`.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn force_password_change(
    svc: &Services,
    principal: &Principal,
    raw_target: &str,
    source_ip: Option<&str>,
) -> Result<(), FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let user = colleague(svc, &admin, raw_target).await?;
    match svc
        .store
        .force_password_change(user.id, &forced(svc, &admin, user.id, source_ip))
        .await?
    {
        Conditional::Applied => Ok(()),
        Conditional::Refused => Err(FirmAdminError::NotFound),
    }
}

/// Makes every firm user of the administrator's firm, the administrator included,
/// change their password at their next sign-in.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn expire_all_passwords(
    svc: &Services,
    principal: &Principal,
    source_ip: Option<&str>,
) -> Result<(), FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let with_passwords = svc
        .store
        .users_of_firm(admin.firm_id)
        .await?
        .into_iter()
        .filter(|user| user.password.is_some());
    for user in with_passwords {
        // Refused only for a user who lost their password meanwhile: nothing to force.
        svc.store
            .force_password_change(user.id, &forced(svc, &admin, user.id, source_ip))
            .await?;
    }
    Ok(())
}

/// The firm users (not clients) of the administrator's firm, by name.
pub async fn firm_users(
    svc: &Services,
    principal: &Principal,
) -> Result<Vec<Value>, FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let expiry = svc
        .store
        .firm(admin.firm_id)
        .await?
        .map(|firm| firm.settings.password_expiry)
        .unwrap_or_default();
    let mut users: Vec<User> = svc
        .store
        .users_of_firm(admin.firm_id)
        .await?
        .into_iter()
        .filter(|user| user.role != Role::Client)
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut listed = Vec::with_capacity(users.len());
    for user in &users {
        let mut entry = user_json(user);
        let password = user.password.as_ref();
        entry["mfa_enabled"] = json!(svc.store.mfa_state(user.id).await?.enabled());
        entry["password_set"] = json!(password.is_some());
        entry["password_expires_at"] =
            json!(password.and_then(|p| p.expires_at(expiry)).map(rfc3339));
        entry["email_suppressed"] =
            suppression_json(svc.store.suppression(&user.email).await?.as_ref());
        listed.push(entry);
    }
    Ok(listed)
}

/// A firm user to create, as the administrator gave it.
#[derive(Debug, serde::Deserialize)]
pub struct NewFirmUser {
    pub email: String,
    pub name: String,
    pub role: String,
    pub language: String,
}

/// How long an invitation's set-password link works.
pub const INVITATION_TTL: time::Duration = time::Duration::hours(72);

/// Creates a firm user in the administrator's firm and emails them an invitation
/// with a 72-hour link to choose their password.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn invite_firm_user(
    svc: &Services,
    principal: &Principal,
    new: NewFirmUser,
    source_ip: Option<&str>,
) -> Result<User, FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let email = EmailAddress::parse(&new.email)?;
    let role = match Role::parse(&new.role) {
        Some(role @ (Role::Staff | Role::Admin)) => role,
        _ => return Err(FirmAdminError::InvalidRole),
    };
    let language = Language::parse(&new.language)?;
    let name = display_text(&new.name).ok_or(FirmAdminError::InvalidRequest(InvalidBody))?;
    let now = svc.clock.now();
    let user = User {
        id: UserId::new(),
        firm_id: admin.firm_id,
        email,
        name,
        role,
        language,
        created_at: now,
        password: None,
        credential_version: 0,
    };
    let mut audit = AuditEvent::new(AuditKind::UserCreated, now, user.id).from_ip(source_ip);
    audit.actor = Some(admin.id);
    if svc.store.create_user(&user, &audit).await? == Conditional::Refused {
        return Err(FirmAdminError::EmailTaken);
    }
    let firm_name = firm_name(svc, admin.firm_id).await?;
    let url = store_reset_link(
        svc,
        &user,
        INVITATION_TTL,
        AuditKind::UserInvited,
        source_ip,
    )
    .await?;
    let invitation = invitation_email(user.language, &user.name, &firm_name, &url);
    svc.mailer.send(&invitation.to(&user.email)).await?;
    Ok(user)
}

/// Removes every second factor of a firm user of the administrator's firm (the
/// authenticator app, the phone, the push devices, the backup codes), ends all their sessions, and emails them.
/// An administrator's own factors are removed with `DELETE /mfa/{method}`.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn disable_mfa(
    svc: &Services,
    principal: &Principal,
    raw_target: &str,
    source_ip: Option<&str>,
) -> Result<(), FirmAdminError> {
    let admin = administrator(svc, principal).await?;
    let user = colleague(svc, &admin, raw_target).await?;
    // Their own go through `DELETE /mfa/{method}`, with the password again.
    if user.id == admin.id {
        return Err(FirmAdminError::Forbidden);
    }
    let mut audit = AuditEvent::new(AuditKind::MfaRemoved, svc.clock.now(), user.id)
        .from_ip(source_ip)
        .with_detail("all, by an administrator");
    audit.actor = Some(admin.id);
    remove_factors(svc, &user, None, &audit, |state| {
        Ok::<_, FirmAdminError>(state.stored_methods())
    })
    .await?;
    let email = mfa_disabled_email(user.language, &user.name, &svc.settings.portal_url);
    svc.mailer.send(&email.to(&user.email)).await?;
    Ok(())
}

/// The firm user (not a client) of the administrator's firm `raw_target` names;
/// anyone else (another firm's user, a client, no one) is `NotFound`.
pub async fn colleague(
    svc: &Services,
    admin: &User,
    raw_target: &str,
) -> Result<User, FirmAdminError> {
    let target = UserId::parse(raw_target).map_err(|_| FirmAdminError::NotFound)?;
    svc.store
        .user(target)
        .await?
        .filter(|user| user.firm_id == admin.firm_id && user.role != Role::Client)
        .ok_or(FirmAdminError::NotFound)
}

fn forced(svc: &Services, admin: &User, subject: UserId, source_ip: Option<&str>) -> AuditEvent {
    let mut audit = AuditEvent::new(AuditKind::PasswordChangeForced, svc.clock.now(), subject)
        .from_ip(source_ip);
    audit.actor = Some(admin.id);
    audit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_must_be_exactly_typed_and_allowed() {
        let current = FirmSettings {
            require_mfa: true,
            ..FirmSettings::default()
        };
        let ok = parse_settings(
            &json!({"require_strong_passwords": true, "password_expiry_days": 90}),
            &current,
        )
        .unwrap();
        assert!(ok.require_strong_passwords);
        assert_eq!(ok.password_expiry.days(), 90);
        assert!(ok.require_mfa, "left out, require_mfa keeps its value");
        let off = parse_settings(
            &json!({"require_strong_passwords": true, "password_expiry_days": 90, "require_mfa": false}),
            &current,
        )
        .unwrap();
        assert!(!off.require_mfa);
        for bad in [
            json!({"require_strong_passwords": "yes", "password_expiry_days": 90}),
            json!({"require_strong_passwords": true, "password_expiry_days": 45}),
            json!({"require_strong_passwords": true, "password_expiry_days": -30}),
            json!({"require_strong_passwords": true, "password_expiry_days": "90"}),
            json!({"require_strong_passwords": true}),
            json!({}),
            json!({"require_strong_passwords": true, "password_expiry_days": 90, "require_mfa": 1}),
        ] {
            assert!(
                matches!(
                    parse_settings(&bad, &current),
                    Err(FirmAdminError::InvalidSetting(_))
                ),
                "{bad}"
            );
        }
    }
}
