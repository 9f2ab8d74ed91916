//! The daily password-expiry job: notices 14 days ahead, forced changes at the end,
//! one firm a job.

use serde::Serialize;

use crate::Services;
use crate::accounts::User;
use crate::accounts::account::EXPIRY_NOTICE;
use crate::domain::{AuditEvent, AuditKind, FirmId, Role};
use crate::email::password_expiry_email;
use crate::jobs::{Dispatched, Job, dispatch};
use crate::ports::Conditional;

/// What one firm's job did (`firms` is 0 for a firm with nothing to do).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExpiryRun {
    pub firms: usize,
    pub users_checked: usize,
    pub notices_sent: usize,
    pub changes_forced: usize,
}

/// The daily run: one job a firm with an expiry interval (see [`crate::jobs`]).
#[tracing::instrument(skip_all)]
pub async fn dispatch_password_expiry(svc: &Services) -> anyhow::Result<Dispatched> {
    let jobs = svc
        .store
        .firms()
        .await?
        .into_iter()
        .filter(|firm| firm.settings.password_expiry.days() != 0)
        .map(|firm| Job::ExpirePasswords { firm_id: firm.id })
        .collect();
    dispatch(svc, jobs).await
}

/// One firm's job: pages through its users (an index Query, never a table scan):
/// a firm user whose password expires within 14 days gets one notice email for
/// that password, in their language; one whose password has expired must change
/// it at the next sign-in. Clients are never touched. Running it again changes
/// nothing more; a firm gone, or without expiry since, is nothing to do.
#[tracing::instrument(skip_all, fields(firm_id = %firm_id))]
pub async fn expire_passwords_of(svc: &Services, firm_id: FirmId) -> anyhow::Result<ExpiryRun> {
    let now = svc.clock.now();
    let mut run = ExpiryRun::default();
    let Some(firm) = svc.store.firm(firm_id).await? else {
        return Ok(run);
    };
    let expiry = firm.settings.password_expiry;
    if expiry.days() == 0 {
        return Ok(run);
    }
    run.firms = 1;
    let mut failures = 0usize;
    for user in svc.store.users_of_firm(firm.id).await? {
        let Some(password) = user.password.as_ref().filter(|_| user.role != Role::Client) else {
            continue;
        };
        let Some(expires_at) = password.expires_at(expiry) else {
            continue;
        };
        run.users_checked += 1;
        if now >= expires_at {
            if !password.must_change {
                let audit = AuditEvent::new(AuditKind::PasswordChangeForced, now, user.id)
                    .with_detail("password expired");
                if svc
                    .store
                    .expire_password(user.id, password.changed_at, &audit)
                    .await?
                    == Conditional::Applied
                {
                    run.changes_forced += 1;
                }
            }
        } else if now >= expires_at - EXPIRY_NOTICE
            && password.notice_sent_for != Some(password.changed_at)
        {
            match notify(svc, &user, expires_at).await {
                Ok(true) => run.notices_sent += 1,
                Ok(false) => {}
                // One undeliverable notice must not stop everyone else's.
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), user_id = %user.id, "expiry notice not sent");
                    failures += 1;
                }
            }
        }
    }
    tracing::info!(?run, failures, "password expiry of a firm");
    if failures > 0 {
        anyhow::bail!("{failures} expiry notices could not be sent; the job's next try sends them");
    }
    Ok(run)
}

/// Claims the notice for this password, then sends it; a failed send gives the
/// claim back so the next run tries again. `false` when another run had it.
async fn notify(
    svc: &Services,
    user: &User,
    expires_at: time::OffsetDateTime,
) -> anyhow::Result<bool> {
    let Some(password) = &user.password else {
        return Ok(false);
    };
    if svc
        .store
        .claim_expiry_notice(user.id, password.changed_at)
        .await?
        == Conditional::Refused
    {
        return Ok(false);
    }
    let rendered = password_expiry_email(
        user.language,
        &user.name,
        expires_at.date(),
        &svc.settings.portal_url,
    );
    if let Err(err) = svc.mailer.send(&rendered.to(&user.email)).await {
        svc.store.release_expiry_notice(user.id).await?;
        return Err(err);
    }
    Ok(true)
}
