//! `portcullis recovery start <email>`: an operator opens an account recovery,
//! for a firm whose only administrator is the one locked out.

use anyhow::Context;
use portcullis::Services;
use portcullis::domain::{EmailAddress, Recovery};
use portcullis::flows::recovery::{Opener, start_recovery};

/// Opens a recovery for the firm user with `email` and emails them the link.
pub async fn start_by_email(svc: &Services, email: &str) -> anyhow::Result<Recovery> {
    let email = EmailAddress::parse(email)
        .map_err(|_| anyhow::anyhow!("{email:?} is not an email address"))?;
    let user = match svc.store.user_id_by_email(&email).await? {
        Some(id) => svc.store.user(id).await?,
        None => None,
    }
    .with_context(|| format!("nobody has the email address {}", email.as_str()))?;
    start_recovery(svc, &Opener::Operator, &user, None)
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))
}
