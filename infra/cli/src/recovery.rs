//! `portcullis recovery start <email>` and `portcullis recovery decide <id>`: an
//! operator opens and reviews the account recovery of a firm user whose firm has
//! no other administrator to do it (a solo firm's only user, say).

use anyhow::Context;
use portcullis::Services;
use portcullis::domain::{EmailAddress, Role};
use portcullis::recovery::Recovery;
use portcullis::recovery::process::{Opener, decide_as_operator, start_recovery};

/// Opens a recovery for the firm user with `email` and emails them the link.
/// Refused when another administrator of their firm can open it.
pub async fn start_by_email(svc: &Services, email: &str) -> anyhow::Result<Recovery> {
    let email = EmailAddress::parse(email)
        .map_err(|_| anyhow::anyhow!("{email:?} is not an email address"))?;
    let user = match svc.store.user_id_by_email(&email).await? {
        Some(id) => svc.store.user(id).await?,
        None => None,
    }
    .with_context(|| format!("nobody has the email address {}", email.as_str()))?;
    let other_admin = svc
        .store
        .users_of_firm(user.firm_id)
        .await?
        .into_iter()
        .find(|colleague| colleague.role == Role::Admin && colleague.id != user.id);
    if let Some(admin) = other_admin {
        anyhow::bail!(
            "an administrator of the firm ({}) opens this recovery: POST /firm/users/{}/recovery",
            admin.email.as_str(),
            user.id
        );
    }
    start_recovery(svc, &Opener::Operator, &user, None)
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))
}

/// Records the operator's verdict on a recovery an operator opened, once the
/// user's identity has been checked (a call back, a meeting).
pub async fn decide(
    svc: &Services,
    recovery: &str,
    approved: bool,
    note: Option<&str>,
) -> anyhow::Result<()> {
    decide_as_operator(svc, recovery, approved, note)
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))
}
