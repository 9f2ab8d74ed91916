//! Passwordless sign-in for clients: a one-time link by email.

use crate::Services;
use crate::accounts::User;
use crate::domain::{AuditEvent, AuditKind, CaseId, LoginLinkPurpose, Role, Token};
use crate::email::login_link_email;
use crate::http::InvalidBody;
use crate::ports::Conditional;
use crate::sign_in::link_request;
use crate::sign_in::link_request::LinkRequestError;
use crate::sign_in::one_time;
use crate::sign_in::session::{SignedIn, new_session};
use crate::sign_in::{LinkKind, OneTimeLink};

/// How long an emailed login link works (`Settings::login_link_ttl`).
pub const LOGIN_LINK_TTL: time::Duration = time::Duration::HOUR;

/// What every accepted request is told, registered or not.
pub const REQUEST_ACCEPTED_MESSAGE: &str = "If this email address belongs to a client account, \
     a sign-in link is on its way. The link works once, for 1 hour.";

/// Emails a sign-in link to the client with this address, if there is one; the
/// answer says nothing about whether there is (see [`link_request::answer`]).
#[tracing::instrument(skip_all)]
pub async fn request_login_link(
    svc: &Services,
    raw_email: &str,
    source_ip: Option<&str>,
) -> Result<(), LinkRequestError> {
    link_request::answer(
        svc,
        "login-link",
        raw_email,
        source_ip,
        |role| role == Role::Client,
        async |client| issue_link(svc, client, source_ip).await,
    )
    .await
}

/// Stores a fresh link for `user` and emails it.
pub async fn issue_link(
    svc: &Services,
    user: &User,
    source_ip: Option<&str>,
) -> anyhow::Result<()> {
    let url = sign_in_url(svc, user, source_ip).await?;
    let rendered = login_link_email(user.language, &user.name, &url);
    svc.mailer.send(&rendered.to(&user.email)).await
}

/// A sign-in link that opens `case` once signed in (`&case=…`: the portal goes
/// there after the link is spent), for emails about that case.
pub fn opening_case(sign_in_url: &str, case: CaseId) -> String {
    format!("{sign_in_url}&case={case}")
}

/// Stores a fresh 1-hour link for `user` and gives its URL, for the login-link
/// email and for every notification that lets a client open the portal.
pub async fn sign_in_url(
    svc: &Services,
    user: &User,
    source_ip: Option<&str>,
) -> anyhow::Result<String> {
    let now = svc.clock.now();
    let token = Token::<LoginLinkPurpose>::generate(svc.random.as_ref());
    let link = OneTimeLink {
        digest: svc.keys.digest(&token),
        user_id: user.id,
        created_at: now,
        expires_at: now + svc.settings.login_link_ttl,
        used_at: None,
        credential_version: user.credential_version,
    };
    let audit = AuditEvent::new(AuditKind::LoginLinkIssued, now, user.id).from_ip(source_ip);
    svc.store.put_link(LinkKind::Login, &link, &audit).await?;
    Ok(format!(
        "{}/auth/verify?token={}",
        svc.settings.portal_url,
        token.expose()
    ))
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyLoginLinkError {
    #[error(transparent)]
    InvalidRequest(#[from] InvalidBody),
    #[error("This sign-in link has expired or has already been used. Please request a new one.")]
    Expired,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Redeems a login link for a new session. Used, expired and unknown links all end
/// the same way: `Expired`.
#[tracing::instrument(skip_all)]
pub async fn verify_login_link(
    svc: &Services,
    raw_token: &str,
    source_ip: Option<&str>,
) -> Result<SignedIn, VerifyLoginLinkError> {
    let now = svc.clock.now();
    // Only clients sign in with a link: a firm user's sign-in takes their
    // password and second factor, whatever link they hold.
    let (digest, user) =
        one_time::redeemable::<LoginLinkPurpose>(svc, LinkKind::Login, raw_token, now)
            .await?
            .filter(|(_, user)| user.role == Role::Client)
            .ok_or(VerifyLoginLinkError::Expired)?;

    let (session_token, session) = new_session(svc, &user, now);
    let audit = [
        AuditEvent::new(AuditKind::LoginLinkUsed, now, user.id).from_ip(source_ip),
        AuditEvent::new(AuditKind::SignedIn, now, user.id)
            .from_ip(source_ip)
            .with_detail("login_link"),
    ];
    match svc
        .store
        .redeem_login_link(&digest, now, &session, &audit)
        .await?
    {
        Conditional::Applied => Ok(SignedIn {
            token: session_token,
            session,
            user,
            trusted: None,
        }),
        Conditional::Refused => Err(VerifyLoginLinkError::Expired),
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;
    use crate::accounts::UserStore;
    use crate::domain::{EmailAddress, FirmId, Language, UserId};
    use crate::fakes::FakeServices;
    use crate::ports::{Clock, OutgoingEmail};
    use crate::sign_in::session::authenticate;

    async fn client(fake: &FakeServices, role: Role) -> User {
        let user = User {
            id: UserId::new(),
            firm_id: FirmId::new(),
            email: EmailAddress::parse(&format!("{}@example.com", role.as_str())).unwrap(),
            name: "Casey".into(),
            role,
            language: Language::Es,
            created_at: fake.clock.now(),
            password: None,
            credential_version: 0,
        };
        let audit = AuditEvent::new(AuditKind::UserCreated, user.created_at, user.id);
        fake.store.create_user(&user, &audit).await.unwrap();
        user
    }

    fn token_of(email: &OutgoingEmail) -> String {
        let (_, rest) = email.text.split_once("token=").unwrap();
        rest.chars().take(43).collect()
    }

    #[tokio::test]
    async fn a_redeemed_link_starts_a_session_the_authorizer_recognises() {
        let fake = FakeServices::default();
        let user = client(&fake, Role::Client).await;

        request_login_link(&fake.services, user.email.as_str(), None)
            .await
            .unwrap();
        let sent = fake.mailer.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            sent[0].subject, "Su enlace de acceso seguro",
            "in the client's language"
        );

        let signed_in = verify_login_link(&fake.services, &token_of(&sent[0]), None)
            .await
            .unwrap();
        let principal = authenticate(&fake.services, signed_in.token.expose())
            .await
            .unwrap();
        assert_eq!(principal.map(|p| p.user_id), Some(user.id));
        let kinds: Vec<AuditKind> = fake.store.audit_trail().iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                AuditKind::UserCreated,
                AuditKind::LoginLinkIssued,
                AuditKind::LoginLinkUsed,
                AuditKind::SignedIn
            ]
        );
    }

    #[tokio::test]
    async fn a_link_is_spent_by_its_first_redemption() {
        let fake = FakeServices::default();
        let user = client(&fake, Role::Client).await;
        request_login_link(&fake.services, user.email.as_str(), None)
            .await
            .unwrap();
        let token = token_of(&fake.mailer.sent()[0]);

        assert!(
            verify_login_link(&fake.services, &token, None)
                .await
                .is_ok()
        );
        assert!(matches!(
            verify_login_link(&fake.services, &token, None).await,
            Err(VerifyLoginLinkError::Expired)
        ));
    }

    #[tokio::test]
    async fn a_link_dies_at_the_end_of_its_hour() {
        let fake = FakeServices::default();
        let user = client(&fake, Role::Client).await;
        request_login_link(&fake.services, user.email.as_str(), None)
            .await
            .unwrap();
        fake.clock.advance(Duration::HOUR);

        let token = token_of(&fake.mailer.sent()[0]);
        assert!(matches!(
            verify_login_link(&fake.services, &token, None).await,
            Err(VerifyLoginLinkError::Expired)
        ));
    }

    #[tokio::test]
    async fn firm_users_and_strangers_are_sent_nothing() {
        let fake = FakeServices::default();
        let staff = client(&fake, Role::Staff).await;

        for email in [staff.email.as_str(), "nobody@example.com"] {
            request_login_link(&fake.services, email, None)
                .await
                .unwrap();
        }
        assert!(fake.mailer.sent().is_empty());
    }

    #[tokio::test]
    async fn the_per_email_limit_counts_requests_for_unknown_addresses_too() {
        let fake = FakeServices::default();
        for _ in 0..5 {
            request_login_link(&fake.services, "nobody@example.com", None)
                .await
                .unwrap();
        }
        let limited = request_login_link(&fake.services, "nobody@example.com", None).await;
        assert!(matches!(limited, Err(LinkRequestError::RateLimited(_))));
    }
}
