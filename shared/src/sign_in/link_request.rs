//! Requests for an emailed link (a sign-in link, a password-reset link): the same
//! answer for every well-formed address, registered or not.

use tokio::time::Instant;

use crate::Services;
use crate::accounts::User;
use crate::domain::{EmailAddress, InvalidEmail, Role};
use crate::http::InvalidBody;
use crate::sign_in::limits;
use crate::sign_in::limits::{Exceeded, Limit, Window};

/// The least time a link request takes to answer, known address or not
/// (`LOGIN_LINK_RESPONSE_FLOOR_MS`).
pub const LOGIN_LINK_RESPONSE_FLOOR: std::time::Duration = std::time::Duration::from_millis(600);

#[derive(Debug, thiserror::Error)]
pub enum LinkRequestError {
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    #[error("Too many requests for this email address. Please wait before trying again.")]
    RateLimited(Exceeded),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Answers a request for a link to `raw_email`: counts it against the source
/// address and the email (under `scope`), and when the address belongs to a user
/// whose role `wanted` accepts, hands the user to `issue`.
///
/// The caller learns nothing about whether the address is registered: the answer is
/// the same, and it is not sent before the response floor, however much work a
/// registered address caused. Failures after the lookup (storing the link, sending
/// the email) are logged, not returned, for the same reason.
pub async fn answer(
    svc: &Services,
    scope: &str,
    raw_email: &str,
    source_ip: Option<&str>,
    wanted: impl Fn(Role) -> bool,
    issue: impl AsyncFnOnce(&User) -> anyhow::Result<()>,
) -> Result<(), LinkRequestError> {
    let started = Instant::now();
    let numbers = svc.settings.login_link_limits;
    let window = Window::Every(numbers.window);
    if let Some(ip) = source_ip {
        let per_ip = Limit::new(svc, &format!("{scope}-ip"), ip, numbers.per_ip, window);
        // A request is what this limit counts: its slot is kept, whatever follows.
        let _kept = limits::take(svc, &per_ip)
            .await?
            .map_err(LinkRequestError::RateLimited)?;
    }
    let email = EmailAddress::parse(raw_email)?;
    let per_email = Limit::new(
        svc,
        &format!("{scope}-email"),
        email.as_str(),
        numbers.per_email,
        window,
    );
    let _kept = limits::take(svc, &per_email)
        .await?
        .map_err(LinkRequestError::RateLimited)?;

    if let Some(user) = recipient(svc, &email, wanted).await?
        && let Err(err) = issue(&user).await
    {
        tracing::error!(error = format!("{err:#}"), user_id = %user.id, "could not issue a link");
    }
    // Only when the floor is still ahead: the timer's 1 ms granularity would delay
    // even a deadline already passed.
    let remaining = svc
        .settings
        .login_link_response_floor
        .saturating_sub(started.elapsed());
    if !remaining.is_zero() {
        tokio::time::sleep(remaining).await;
    }
    Ok(())
}

async fn recipient(
    svc: &Services,
    email: &EmailAddress,
    wanted: impl Fn(Role) -> bool,
) -> anyhow::Result<Option<User>> {
    let Some(id) = svc.store.user_id_by_email(email).await? else {
        return Ok(None);
    };
    Ok(svc.store.user(id).await?.filter(|user| wanted(user.role)))
}
