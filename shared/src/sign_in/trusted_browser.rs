//! Trusted browsers (OWASP's device cookies): a browser that signed in as a user
//! gets a device cookie, and during a lock on the account (which anyone can cause
//! with wrong passwords) it may still sign in, under a failure limit of its own.
//! A change of the user's credentials revokes every trusted browser.

use time::OffsetDateTime;

use crate::Services;
use crate::accounts::User;
use crate::crypto::first_found;
use crate::domain::{Token, TrustedDevicePurpose};
use crate::http::Browser;
use crate::sign_in::TrustedDevice;

/// The trusted browser `browser`'s device cookie names, whoever it trusts.
pub async fn presented(svc: &Services, browser: &Browser) -> anyhow::Result<Option<TrustedDevice>> {
    let Some(token) = browser
        .device_cookie
        .as_deref()
        .and_then(Token::<TrustedDevicePurpose>::parse)
    else {
        return Ok(None);
    };
    let found = first_found(svc.keys.digests(&token), |digest| async move {
        svc.store.trusted_device(&digest).await
    })
    .await?;
    Ok(found.map(|(_, device)| device))
}

/// Trusts the browser `user` just signed in with: a new device cookie, unless the
/// one it presents trusts them already. The sign-in has happened by then, so a
/// failure here is logged and the user is simply not trusted this time.
pub async fn trust(
    svc: &Services,
    user: &User,
    browser: &Browser,
    now: OffsetDateTime,
) -> Option<Token<TrustedDevicePurpose>> {
    let trusting = async {
        if presented(svc, browser)
            .await?
            .is_some_and(|device| device.trusts(user, now))
        {
            return Ok(None);
        }
        let token = Token::<TrustedDevicePurpose>::generate(svc.random.as_ref());
        svc.store
            .put_trusted_device(&TrustedDevice {
                digest: svc.keys.digest(&token),
                user_id: user.id,
                created_at: now,
                expires_at: now + TrustedDevice::LIFETIME,
                credential_version: user.credential_version,
            })
            .await?;
        anyhow::Ok(Some(token))
    };
    trusting.await.unwrap_or_else(|err| {
        tracing::warn!(user_id = %user.id, error = format!("{err:#}"), "browser not trusted");
        None
    })
}
