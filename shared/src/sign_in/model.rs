//! One-time links, sessions and trusted browsers, as the domain sees them.

use time::OffsetDateTime;

use crate::accounts::User;

use crate::domain::{Role, TokenDigest, UserId};

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A client's emailed sign-in link (1 hour).
    Login,
    /// The token a firm user gets to replace an expired or forced password (15 min).
    PasswordChange,
    /// An emailed link to choose a new password (1 hour; 72 hours for an invitation).
    PasswordReset,
}

impl LinkKind {
    /// The store's name for the kind, also the prefix of its keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "LOGINLINK",
            Self::PasswordChange => "PWCHANGE",
            Self::PasswordReset => "PWRESET",
        }
    }
}

/// A one-time link or token, known to the store only by its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeLink {
    pub digest: TokenDigest,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    /// The user's [`User::credential_version`] when the link was issued.
    pub credential_version: u64,
}

impl OneTimeLink {
    pub fn is_redeemable_at(&self, now: OffsetDateTime) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }

    /// Whether the link was issued to `user` under their current credentials.
    pub fn issued_under(&self, user: &User) -> bool {
        self.user_id == user.id && self.credential_version == user.credential_version
    }
}

/// A signed-in session, known to the store only by its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub digest: TokenDigest,
    pub user_id: UserId,
    pub role: Role,
    pub created_at: OffsetDateTime,
    /// The absolute end of the session, whatever the activity.
    pub expires_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub idle_timeout: time::Duration,
    /// A session that may only enrol a second factor: what a user of a firm that
    /// requires MFA gets from their password while they have none.
    pub enrollment_only: bool,
    /// The user's [`User::credential_version`] when the session started; an
    /// enrolment-only session dies when it moves on.
    pub credential_version: u64,
}

/// A browser that signed in as the user before, known by the digest of the
/// device cookie it was given: during a lock on the account it may still sign
/// in, under a failure limit of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedDevice {
    pub digest: TokenDigest,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The user's [`User::credential_version`] when it was trusted: a change of
    /// credentials revokes every trusted browser.
    pub credential_version: u64,
}

impl TrustedDevice {
    /// How long a browser stays trusted.
    pub const LIFETIME: time::Duration = time::Duration::days(90);

    pub fn trusts(&self, user: &User, now: OffsetDateTime) -> bool {
        self.user_id == user.id
            && self.credential_version == user.credential_version
            && now < self.expires_at
    }
}

impl Session {
    pub fn is_live_at(&self, now: OffsetDateTime) -> bool {
        now < self.expires_at && now < self.last_seen_at + self.idle_timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    fn link(used: bool) -> OneTimeLink {
        let created_at = datetime!(2026-01-01 12:00 UTC);
        OneTimeLink {
            digest: TokenDigest::from_stored(&"a".repeat(64)).unwrap(),
            user_id: UserId::new(),
            created_at,
            expires_at: created_at + Duration::HOUR,
            used_at: used.then_some(created_at),
            credential_version: 0,
        }
    }

    #[test]
    fn a_login_link_works_until_the_last_second_of_its_hour() {
        let link = link(false);
        assert!(link.is_redeemable_at(link.created_at + Duration::seconds(3599)));
        assert!(!link.is_redeemable_at(link.created_at + Duration::HOUR));
        assert!(!link.is_redeemable_at(link.created_at + Duration::seconds(3601)));
    }

    #[test]
    fn a_used_login_link_is_not_redeemable() {
        let link = link(true);
        assert!(!link.is_redeemable_at(link.created_at));
    }

    #[test]
    fn a_session_ends_at_its_absolute_expiry_or_after_idling() {
        let start = datetime!(2026-01-01 12:00 UTC);
        let session = Session {
            digest: TokenDigest::from_stored(&"b".repeat(64)).unwrap(),
            user_id: UserId::new(),
            role: Role::Client,
            created_at: start,
            expires_at: start + Duration::hours(12),
            last_seen_at: start,
            idle_timeout: Duration::minutes(30),
            enrollment_only: false,
            credential_version: 0,
        };
        assert!(session.is_live_at(start + Duration::minutes(29)));
        assert!(!session.is_live_at(start + Duration::minutes(30)));
        let active = Session {
            last_seen_at: start + Duration::hours(12) - Duration::minutes(1),
            ..session
        };
        assert!(!active.is_live_at(start + Duration::hours(12)));
    }
}
