//! Sessions: starting one, recognising one, ending one.

use time::{Duration, OffsetDateTime};

use crate::Services;
use crate::accounts::User;
use crate::crypto::first_found;
use crate::domain::{AuditEvent, AuditKind, SessionPurpose, Token, TrustedDevicePurpose};
use crate::http::Principal;
use crate::ports::Conditional;
use crate::sign_in::Session;

/// A session that has just started, with the one copy of its token, and the
/// device cookie of a browser trusted by this sign-in, if it was not already.
#[derive(Debug)]
pub struct SignedIn {
    pub token: Token<SessionPurpose>,
    pub session: Session,
    pub user: User,
    pub trusted: Option<Token<TrustedDevicePurpose>>,
}

/// A fresh session for `user`. Every sign-in gets a new token; nothing is reused.
pub fn new_session(
    svc: &Services,
    user: &User,
    now: OffsetDateTime,
) -> (Token<SessionPurpose>, Session) {
    new_session_lasting(svc, user, now, false)
}

/// How long "keep me logged in for a week" keeps a session, idle or not.
pub const A_WEEK: time::Duration = time::Duration::days(7);

/// A fresh session, for a week when the user asked to be kept signed in (only
/// after a second factor), else the normal lifetime and idle timeout.
pub fn new_session_lasting(
    svc: &Services,
    user: &User,
    now: OffsetDateTime,
    keep_for_a_week: bool,
) -> (Token<SessionPurpose>, Session) {
    let policy = svc.settings.session;
    match keep_for_a_week {
        true => session_of(svc, user, now, (A_WEEK, A_WEEK), false),
        false => session_of(
            svc,
            user,
            now,
            (policy.lifetime, policy.idle_timeout),
            false,
        ),
    }
}

/// How long a user made to set up a second factor may take to do it.
pub const ENROLLMENT_TTL: time::Duration = time::Duration::minutes(15);

/// A session that may only set up a second factor, for a user of a firm that
/// requires MFA who has none yet. It ends when the first factor is on.
pub fn enrollment_session(
    svc: &Services,
    user: &User,
    now: OffsetDateTime,
) -> (Token<SessionPurpose>, Session) {
    session_of(svc, user, now, (ENROLLMENT_TTL, ENROLLMENT_TTL), true)
}

/// A fresh session token and its record, lasting `(lifetime, idle timeout)`.
fn session_of(
    svc: &Services,
    user: &User,
    now: OffsetDateTime,
    (lifetime, idle_timeout): (time::Duration, time::Duration),
    enrollment_only: bool,
) -> (Token<SessionPurpose>, Session) {
    let token = Token::generate(svc.random.as_ref());
    let session = Session {
        digest: svc.keys.digest(&token),
        user_id: user.id,
        role: user.role,
        created_at: now,
        expires_at: now + lifetime,
        last_seen_at: now,
        idle_timeout,
        enrollment_only,
        credential_version: user.credential_version,
    };
    (token, session)
}

/// Recognises a presented session token: `Some` when it names a live session.
/// Records activity at most once per touch interval.
#[tracing::instrument(skip_all)]
pub async fn authenticate(svc: &Services, presented: &str) -> anyhow::Result<Option<Principal>> {
    let Some(token) = Token::<SessionPurpose>::parse(presented) else {
        return Ok(None);
    };
    let found = first_found(svc.keys.digests(&token), |digest| async move {
        svc.store.session(&digest).await
    })
    .await?;
    let Some((digest, session)) = found else {
        return Ok(None);
    };
    let now = svc.clock.now();
    if !session.is_live_at(now) {
        return Ok(None);
    }
    // A session to set up a first factor dies with the credentials it was
    // issued under (full sessions are ended outright by every change).
    if session.enrollment_only
        && svc
            .store
            .user(session.user_id)
            .await?
            .is_none_or(|user| user.credential_version != session.credential_version)
    {
        return Ok(None);
    }
    if now - session.last_seen_at >= svc.settings.session.touch_interval
        && svc.store.touch_session(&digest, now).await? == Conditional::Refused
    {
        return Ok(None);
    }
    Ok(Some(Principal {
        user_id: session.user_id,
        role: session.role,
        session: digest,
        enrollment_only: session.enrollment_only,
    }))
}

/// Ends the caller's session server-side.
#[tracing::instrument(skip_all, fields(user_id = %principal.user_id))]
pub async fn sign_out(
    svc: &Services,
    principal: &Principal,
    source_ip: Option<&str>,
) -> anyhow::Result<()> {
    let audit = AuditEvent::new(AuditKind::SignedOut, svc.clock.now(), principal.user_id)
        .from_ip(source_ip);
    svc.store.revoke_session(&principal.session, &audit).await
}

#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub lifetime: Duration,
    pub idle_timeout: Duration,
    /// Activity is written back at most this often per session, to spare a write on
    /// every request.
    pub touch_interval: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            lifetime: Duration::hours(12),
            idle_timeout: Duration::minutes(30),
            touch_interval: Duration::MINUTE,
        }
    }
}
