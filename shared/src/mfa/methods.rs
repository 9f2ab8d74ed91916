//! A firm user's own second factors: which they have, a new set of backup codes,
//! removing one. Every change ends the user's other sessions and is audited.

use serde_json::{Value, json};

use crate::Services;
use crate::accounts::User;
use crate::domain::{AuditEvent, AuditKind, TokenDigest};
use crate::http::Principal;
use crate::mfa::totp_enrollment::{
    MfaError, backup_code_digests, firm_user, firm_user_with_password, new_backup_codes,
};
use crate::mfa::{BackupCode, MfaMethod, MfaState, PushDevice};
use crate::ports::Conditional;

async fn firm_requires_mfa(svc: &Services, user: &crate::accounts::User) -> anyhow::Result<bool> {
    Ok(svc
        .store
        .firm(user.firm_id)
        .await?
        .is_some_and(|firm| firm.settings.require_mfa))
}

/// `GET /mfa`: the methods the user can sign in with, and the backup codes left.
pub async fn mfa_summary(svc: &Services, principal: &Principal) -> Result<Value, MfaError> {
    let user = firm_user(svc, principal).await?;
    let state = svc.store.mfa_state(user.id).await?;
    let methods: Vec<&str> = state.methods().iter().map(|m| m.as_str()).collect();
    let devices: Vec<Value> = state
        .push_devices
        .iter()
        .map(|device| {
            json!({
                "id": device.id.to_string(),
                "name": device.name,
                "platform": device.platform.as_str(),
                "created_at": crate::http::bodies::rfc3339(device.created_at),
            })
        })
        .collect();
    Ok(json!({
        "mfa_enabled": state.enabled(),
        "methods": methods,
        "backup_codes_left": state.backup_codes_left,
        "push_devices": devices,
    }))
}

/// A new set of backup codes, shown this once; the old set is void.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn regenerate_backup_codes(
    svc: &Services,
    principal: &Principal,
    password: String,
    source_ip: Option<&str>,
) -> Result<Vec<BackupCode>, MfaError> {
    let user = firm_user_with_password(svc, principal, password).await?;
    if !svc.store.mfa_state(user.id).await?.enabled() {
        return Err(MfaError::MfaNotEnabled);
    }
    let codes = new_backup_codes(svc);
    let audit = AuditEvent::new(AuditKind::MfaChanged, svc.clock.now(), user.id)
        .from_ip(source_ip)
        .with_detail("backup codes replaced");
    // On condition that nothing changed since the factors were read: of two
    // concurrent new sets one is kept, and none outlives the factors it backs.
    let replaced = svc
        .store
        .replace_backup_codes(
            user.id,
            user.credential_version,
            &backup_code_digests(svc, &codes),
            &principal.session,
            &audit,
        )
        .await?;
    if replaced == Conditional::Refused {
        return Err(MfaError::ChangedMeanwhile);
    }
    Ok(codes)
}

/// `DELETE /mfa/{method}`: removes the authenticator app, the phone, the push
/// devices or the backup codes. Without a factor left MFA is off, so its backup codes go with it.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn remove_method(
    svc: &Services,
    principal: &Principal,
    raw_method: &str,
    password: String,
    source_ip: Option<&str>,
) -> Result<(), MfaError> {
    let user = firm_user_with_password(svc, principal, password).await?;
    let requires_mfa = firm_requires_mfa(svc, &user).await?;
    let audit = AuditEvent::new(AuditKind::MfaRemoved, svc.clock.now(), user.id)
        .from_ip(source_ip)
        .with_detail(raw_method);
    remove_factors(svc, &user, Some(&principal.session), &audit, |state| {
        let mut removed = match raw_method {
            "totp" if state.totp.is_some() => vec![MfaMethod::Totp],
            "sms" if state.sms.is_some() => vec![MfaMethod::Sms],
            "push" if !state.push_devices.is_empty() => vec![MfaMethod::Push],
            "backup_code" if state.backup_codes_left > 0 => vec![MfaMethod::BackupCode],
            _ => return Err(MfaError::MethodNotFound),
        };
        // Without a factor left MFA is off, and its backup codes go with it; a
        // firm that requires MFA keeps its users from getting there.
        let factor_left = state.enabled_without(&removed);
        if !factor_left && state.enabled() && requires_mfa {
            return Err(MfaError::MfaRequired);
        }
        if !factor_left && !removed.contains(&MfaMethod::BackupCode) && state.backup_codes_left > 0
        {
            removed.push(MfaMethod::BackupCode);
        }
        Ok(removed)
    })
    .await
}

/// How often a removal is tried again after a concurrent change of the same
/// user's credentials won the race.
const REMOVAL_ROUNDS: usize = 4;

/// Removes the factors `choose` picks from the user's current ones, on condition
/// that their credentials did not change since they were read (else they are read
/// and chosen from again: two removals racing cannot together take a factor
/// neither would have taken alone), and forgets removed phones at their platform.
pub(crate) async fn remove_factors<E: From<anyhow::Error>>(
    svc: &Services,
    user: &User,
    keep_session: Option<&TokenDigest>,
    audit: &AuditEvent,
    choose: impl Fn(&MfaState) -> Result<Vec<MfaMethod>, E>,
) -> Result<(), E> {
    let mut version = user.credential_version;
    for _ in 0..REMOVAL_ROUNDS {
        let state = svc.store.mfa_state(user.id).await?;
        let removed = choose(&state)?;
        let outcome = svc
            .store
            .remove_mfa_methods(user.id, version, &removed, keep_session, audit)
            .await?;
        if outcome == Conditional::Applied {
            if removed.contains(&MfaMethod::Push) {
                forget_phones(svc, &state.push_devices).await;
            }
            return Ok(());
        }
        version = svc
            .store
            .user(user.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the user is gone"))?
            .credential_version;
    }
    Err(anyhow::anyhow!("the user's credentials kept changing during a removal").into())
}

/// Deletes removed phones' platform endpoints, so nothing is pushed to them
/// again. The phones are gone from the store already; an endpoint that cannot be
/// deleted now is logged and left to the platform, which drops dead endpoints.
pub(crate) async fn forget_phones(svc: &Services, devices: &[PushDevice]) {
    for device in devices {
        if let Err(err) = svc.push.unregister(&device.endpoint_arn).await {
            tracing::warn!(device = %device.id, error = format!("{err:#}"), "push endpoint not deleted");
        }
    }
}
