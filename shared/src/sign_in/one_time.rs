//! Redeeming one-time links and tokens: what every kind shares.

use time::OffsetDateTime;

use crate::Services;
use crate::accounts::User;
use crate::crypto::first_found;
use crate::domain::{Token, TokenDigest, TokenPurpose};
use crate::sign_in::LinkKind;

/// The digest of a presented token and the user it is for, when it names an
/// unused, unexpired link of `kind` at `now`, issued under the user's current
/// credentials. A malformed, unknown, used or expired token, one whose user is
/// gone, and one that a change of credentials ended are `None` alike. Whoever spends it
/// must still do so on condition (the store's transaction), since this is a read.
pub async fn redeemable<P: TokenPurpose>(
    svc: &Services,
    kind: LinkKind,
    raw_token: &str,
    now: OffsetDateTime,
) -> anyhow::Result<Option<(TokenDigest, User)>> {
    let Some(token) = Token::<P>::parse(raw_token) else {
        return Ok(None);
    };
    let Some((digest, link)) = first_found(svc.keys.digests(&token), |digest| async move {
        Ok(svc
            .store
            .link(kind, &digest)
            .await?
            .filter(|link| link.is_redeemable_at(now)))
    })
    .await?
    else {
        return Ok(None);
    };
    Ok(svc
        .store
        .user(link.user_id)
        .await?
        .filter(|user| link.issued_under(user))
        .map(|user| (digest, user)))
}
