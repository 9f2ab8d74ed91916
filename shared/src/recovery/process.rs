//! Account recovery for a firm user who lost every second factor: support opens a
//! case and the user gets a 72-hour link; the link hands them to the identity
//! verifier; a pass removes their second factors, a fail changes nothing. Both are
//! emailed to the user and audited with who decided.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::Services;
use crate::accounts::User;
use crate::accounts::firm_admin::{FirmAdminError, administrator, colleague};
use crate::crypto::first_found;
use crate::domain::{AuditEvent, AuditKind, RecoveryId, RecoveryLinkPurpose, Role, Token, UserId};
use crate::email::{recovery_failed_email, recovery_link_email, recovery_passed_email};
use crate::http::bodies::rfc3339;
use crate::http::{InvalidBody, Principal};
use crate::mfa::methods::forget_phones;
use crate::ports::Conditional;
use crate::recovery::RecoverySettlement;
use crate::recovery::verifiers::MANUAL;
use crate::recovery::{RECOVERY_LINK_TTL, Recovery, RecoveryStatus, VerificationOutcome};

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error(transparent)]
    Admin(#[from] FirmAdminError),
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("This recovery link has expired or has been used. Please contact support.")]
    LinkExpired,
    #[error("There is no such recovery.")]
    RecoveryNotFound,
    #[error("Nobody may decide their own recovery.")]
    OwnRecovery,
    #[error("This recovery is not waiting for a decision.")]
    NotPending,
    #[error("This recovery is checked by the identity-verification provider.")]
    ProviderDecides,
    #[error("An administrator of the firm reviews this recovery.")]
    ReviewedByFirm,
    #[error("The note may have at most 1000 characters.")]
    InvalidNote,
    #[error("There is no such identity-verification provider.")]
    UnknownProvider,
    #[error("The callback's signature is missing or wrong.")]
    InvalidSignature,
    #[error("The callback is too old or too far in the future.")]
    StaleCallback,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Who opens a recovery.
#[derive(Debug)]
pub enum Opener {
    /// An administrator of the user's firm, through the API.
    Administrator(User),
    /// An operator with the CLI (for a firm whose only administrator is locked out).
    Operator,
}

/// Opens a recovery for `user` and emails them the link, valid 72 hours.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn start_recovery(
    svc: &Services,
    opener: &Opener,
    user: &User,
    source_ip: Option<&str>,
) -> Result<Recovery, RecoveryError> {
    if user.role == Role::Client {
        return Err(FirmAdminError::NotFound.into());
    }
    let now = svc.clock.now();
    let token = Token::<RecoveryLinkPurpose>::generate(svc.random.as_ref());
    let opened_by = match opener {
        Opener::Administrator(admin) => Some(admin.id),
        Opener::Operator => None,
    };
    let recovery = Recovery {
        id: RecoveryId::new(),
        user_id: user.id,
        firm_id: user.firm_id,
        status: RecoveryStatus::Open,
        link_digest: svc.keys.digest(&token),
        provider: svc.verifier.provider().to_owned(),
        opened_by,
        created_at: now,
        expires_at: now + RECOVERY_LINK_TTL,
    };
    let mut audit = AuditEvent::new(AuditKind::RecoveryStarted, now, user.id)
        .from_ip(source_ip)
        .with_detail(match opener {
            Opener::Administrator(_) => "by an administrator",
            Opener::Operator => "by an operator",
        });
    audit.actor = opened_by;
    // One recovery at a time: a new one closes the user's earlier ones, so an
    // old link or a stale pending case cannot undo a factor set up since.
    let supersedes: Vec<Recovery> = svc
        .store
        .firm_recoveries(user.firm_id, LISTED)
        .await?
        .into_iter()
        .filter(|old| {
            old.user_id == user.id
                && matches!(
                    old.status,
                    RecoveryStatus::Open | RecoveryStatus::PendingVerification
                )
        })
        .collect();
    if svc
        .store
        .put_recovery(&recovery, &supersedes, &audit)
        .await?
        == Conditional::Refused
    {
        return Err(anyhow::anyhow!("an earlier recovery of the user changed meanwhile").into());
    }
    let link = format!(
        "{}/recovery?token={}",
        svc.settings.portal_url,
        token.expose()
    );
    let email = recovery_link_email(user.language, &user.name, &link);
    svc.mailer.send(&email.to(&user.email)).await?;
    Ok(recovery)
}

/// `POST /firm/users/{userId}/recovery`: an administrator opens a recovery for a
/// firm user of their firm.
pub async fn start_for_colleague(
    svc: &Services,
    principal: &Principal,
    raw_target: &str,
    source_ip: Option<&str>,
) -> Result<Recovery, RecoveryError> {
    let admin = administrator(svc, principal).await?;
    let user = colleague(svc, &admin, raw_target).await?;
    start_recovery(svc, &Opener::Administrator(admin), &user, source_ip).await
}

/// The case a link opens, while it can still be used.
async fn usable_case(
    svc: &Services,
    raw_token: &str,
    now: OffsetDateTime,
) -> Result<Recovery, RecoveryError> {
    let token = Token::<RecoveryLinkPurpose>::parse(raw_token).ok_or(RecoveryError::LinkExpired)?;
    let found = first_found(svc.keys.digests(&token), |digest| async move {
        Ok(svc
            .store
            .recovery_by_link(&digest)
            .await?
            .filter(|recovery| recovery.link_is_usable_at(now)))
    })
    .await?;
    found
        .map(|(_, recovery)| recovery)
        .ok_or(RecoveryError::LinkExpired)
}

/// `GET /recovery/{token}`: where the link leads; it is not spent.
pub async fn link_status(svc: &Services, raw_token: &str) -> Result<Value, RecoveryError> {
    let recovery = usable_case(svc, raw_token, svc.clock.now()).await?;
    Ok(json!({
        "status": recovery.status.as_str(),
        "expires_at": rfc3339(recovery.expires_at),
        "verification_url": svc.verifier.verification_url(&recovery),
    }))
}

/// `POST /recovery/{token}/submit`: spends the link and hands the user to the
/// identity verifier.
#[tracing::instrument(skip_all)]
pub async fn submit(
    svc: &Services,
    raw_token: &str,
    source_ip: Option<&str>,
) -> Result<Value, RecoveryError> {
    let now = svc.clock.now();
    let recovery = usable_case(svc, raw_token, now).await?;
    let audit = AuditEvent::new(AuditKind::RecoverySubmitted, now, recovery.user_id)
        .from_ip(source_ip)
        .with_detail(recovery.provider.as_str());
    match svc.store.submit_recovery(recovery.id, now, &audit).await? {
        Conditional::Applied => Ok(json!({
            "status": RecoveryStatus::PendingVerification.as_str(),
            "verification_url": svc.verifier.verification_url(&recovery),
        })),
        Conditional::Refused => Err(RecoveryError::LinkExpired),
    }
}

/// Cases listed for review at most.
const LISTED: usize = 100;

/// `GET /firm/recoveries`: the firm's recoveries, newest first. An open case
/// whose link expired shows as expired whether or not the job has run.
pub async fn firm_recoveries(
    svc: &Services,
    principal: &Principal,
) -> Result<Value, RecoveryError> {
    let admin = administrator(svc, principal).await?;
    let now = svc.clock.now();
    let mut listed = Vec::new();
    for recovery in svc.store.firm_recoveries(admin.firm_id, LISTED).await? {
        let Some(user) = svc.store.user(recovery.user_id).await? else {
            continue;
        };
        let status = match recovery.status {
            RecoveryStatus::Open if !recovery.link_is_usable_at(now) => RecoveryStatus::Expired,
            status => status,
        };
        listed.push(json!({
            "recovery_id": recovery.id.to_string(),
            "user": { "id": user.id.to_string(), "name": user.name, "email": user.email.as_str() },
            "status": status.as_str(),
            "provider": recovery.provider,
            "created_at": rfc3339(recovery.created_at),
            "expires_at": rfc3339(recovery.expires_at),
        }));
    }
    Ok(json!({ "recoveries": listed }))
}

/// Longest note kept with a decision, in characters.
const MAX_NOTE_CHARS: usize = 1000;

/// `POST /firm/recoveries/{recoveryId}/decision`: an administrator's verdict on
/// a case waiting for the manual review, never on their own.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn decide(
    svc: &Services,
    principal: &Principal,
    raw_recovery: &str,
    approved: bool,
    note: Option<&str>,
) -> Result<(), RecoveryError> {
    let admin = administrator(svc, principal).await?;
    let recovery = match RecoveryId::parse(raw_recovery) {
        Ok(id) => svc.store.recovery(id).await?,
        Err(_) => None,
    }
    .filter(|recovery| recovery.firm_id == admin.firm_id)
    .ok_or(RecoveryError::RecoveryNotFound)?;
    if recovery.user_id == admin.id {
        return Err(RecoveryError::OwnRecovery);
    }
    review(
        svc,
        &recovery,
        approved,
        note,
        Decider::Administrator(admin.id),
    )
    .await
}

/// An operator's verdict, with the CLI, on a case an operator opened: one of a
/// firm with no other administrator to review it.
pub async fn decide_as_operator(
    svc: &Services,
    raw_recovery: &str,
    approved: bool,
    note: Option<&str>,
) -> Result<(), RecoveryError> {
    let recovery = match RecoveryId::parse(raw_recovery) {
        Ok(id) => svc.store.recovery(id).await?,
        Err(_) => None,
    }
    .ok_or(RecoveryError::RecoveryNotFound)?;
    if recovery.opened_by.is_some() {
        return Err(RecoveryError::ReviewedByFirm);
    }
    review(svc, &recovery, approved, note, Decider::Operator).await
}

/// A manual review's verdict.
async fn review(
    svc: &Services,
    recovery: &Recovery,
    approved: bool,
    note: Option<&str>,
    decider: Decider,
) -> Result<(), RecoveryError> {
    if recovery.provider != MANUAL {
        return Err(RecoveryError::ProviderDecides);
    }
    if note.is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
        return Err(RecoveryError::InvalidNote);
    }
    let outcome = match approved {
        true => VerificationOutcome::Passed,
        false => VerificationOutcome::Failed,
    };
    match settle(svc, recovery, outcome, decider, note).await? {
        Conditional::Applied => Ok(()),
        Conditional::Refused => Err(RecoveryError::NotPending),
    }
}

/// Who decided a recovery, for the case and the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    Administrator(UserId),
    Operator,
    /// The hosted provider, by its signed callback.
    Provider,
}

/// Applies an identity check's result to a case pending verification: a pass
/// removes every second factor and ends every session; either way the user is
/// emailed and the decision audited with who made it. `Refused` when the case was
/// not pending (a replay, or a second decision): nothing changes then.
pub async fn settle(
    svc: &Services,
    recovery: &Recovery,
    outcome: VerificationOutcome,
    decider: Decider,
    note: Option<&str>,
) -> anyhow::Result<Conditional> {
    let decided_by = match decider {
        Decider::Administrator(admin) => Some(admin),
        Decider::Operator | Decider::Provider => None,
    };
    let now = svc.clock.now();
    let kind = match outcome {
        VerificationOutcome::Passed => AuditKind::RecoveryPassed,
        VerificationOutcome::Failed => AuditKind::RecoveryFailed,
    };
    let mut audit = AuditEvent::new(kind, now, recovery.user_id).with_detail(match decider {
        Decider::Administrator(_) => "by an administrator".to_owned(),
        Decider::Operator => "by an operator".to_owned(),
        Decider::Provider => format!("by the {} provider", recovery.provider),
    });
    audit.actor = decided_by;
    let mut user = recovery_user(svc, recovery).await?;
    for _ in 0..SETTLEMENT_ROUNDS {
        // A pass removes the factors as read, on condition that none changed
        // since: a factor turned on meanwhile is read again and removed too.
        let factors = svc.store.mfa_state(user.id).await?;
        let remove = factors.stored_methods();
        let settlement = RecoverySettlement {
            recovery,
            outcome,
            decided_by,
            decided_at: now,
            note,
            remove: &remove,
            expected_version: user.credential_version,
            audit: &audit,
        };
        let settled = svc.store.settle_recovery(&settlement).await?;
        if settled == Conditional::Applied {
            if outcome == VerificationOutcome::Passed {
                forget_phones(svc, &factors.push_devices).await;
            }
            tell_user(svc, recovery, &user, outcome).await;
            return Ok(Conditional::Applied);
        }
        let current = recovery_user(svc, recovery).await?;
        if outcome == VerificationOutcome::Failed
            || current.credential_version == user.credential_version
        {
            // Not pending any more: a replay, or a second decision.
            return Ok(Conditional::Refused);
        }
        user = current;
    }
    Err(anyhow::anyhow!(
        "the credentials of recovery {}'s user kept changing",
        recovery.id
    ))
}

/// How often a pass is tried again after the user's factors changed meanwhile.
const SETTLEMENT_ROUNDS: usize = 4;

async fn recovery_user(svc: &Services, recovery: &Recovery) -> anyhow::Result<User> {
    svc.store
        .user(recovery.user_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the user of recovery {} is gone", recovery.id))
}

/// Emails the user the result. The decision stands either way: failing it now
/// would only make its retry look like a second decision.
async fn tell_user(svc: &Services, recovery: &Recovery, user: &User, outcome: VerificationOutcome) {
    let email = match outcome {
        VerificationOutcome::Passed => {
            recovery_passed_email(user.language, &user.name, &svc.settings.portal_url)
        }
        VerificationOutcome::Failed => recovery_failed_email(user.language, &user.name),
    };
    if let Err(err) = svc.mailer.send(&email.to(&user.email)).await {
        tracing::error!(recovery = %recovery.id, error = %err, "the recovery result was not emailed");
    }
}
