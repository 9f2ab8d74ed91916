//! Account recovery for a firm user who lost every second factor: a case opened
//! by support, a 72-hour link to an identity check, and the check's result.

use time::OffsetDateTime;

use crate::domain::{FirmId, RecoveryId, TokenDigest, UserId};

/// How long a recovery link lasts.
pub const RECOVERY_LINK_TTL: time::Duration = time::Duration::hours(72);

/// Where a recovery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryStatus {
    /// The link is out and unused.
    Open,
    /// The user was handed to the identity check; the link is spent.
    PendingVerification,
    /// The check passed: the user's second factors were removed.
    Approved,
    /// The check failed: nothing changed.
    Rejected,
    /// The link was not used within 72 hours.
    Expired,
}

impl RecoveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::PendingVerification => "pending_verification",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Open,
            Self::PendingVerification,
            Self::Approved,
            Self::Rejected,
            Self::Expired,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw)
    }
}

/// A recovery case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub id: RecoveryId,
    pub user_id: UserId,
    pub firm_id: FirmId,
    pub status: RecoveryStatus,
    /// The link's token, by digest.
    pub link_digest: TokenDigest,
    /// The verifier the case was opened with (`manual`, `webhook`).
    pub provider: String,
    /// The administrator who opened it; `None` for an operator with the CLI.
    pub opened_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    /// When the link stops working.
    pub expires_at: OffsetDateTime,
}

impl Recovery {
    /// The link can still be used at `now`.
    pub fn link_is_usable_at(&self, now: OffsetDateTime) -> bool {
        self.status == RecoveryStatus::Open && now < self.expires_at
    }
}

/// What an identity check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationOutcome {
    Passed,
    Failed,
}

impl VerificationOutcome {
    pub fn status(self) -> RecoveryStatus {
        match self {
            Self::Passed => RecoveryStatus::Approved,
            Self::Failed => RecoveryStatus::Rejected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn statuses_round_trip_and_a_link_works_only_open_and_before_72_hours() {
        for status in [
            "open",
            "pending_verification",
            "approved",
            "rejected",
            "expired",
        ] {
            assert_eq!(RecoveryStatus::parse(status).unwrap().as_str(), status);
        }
        assert_eq!(RecoveryStatus::parse("closed"), None);
        let created = datetime!(2026-01-01 12:00 UTC);
        let recovery = Recovery {
            id: RecoveryId::new(),
            user_id: UserId::new(),
            firm_id: FirmId::new(),
            status: RecoveryStatus::Open,
            link_digest: TokenDigest::from_stored(&"c".repeat(64)).unwrap(),
            provider: "manual".into(),
            opened_by: None,
            created_at: created,
            expires_at: created + RECOVERY_LINK_TTL,
        };
        assert!(recovery.link_is_usable_at(created + RECOVERY_LINK_TTL - time::Duration::SECOND));
        assert!(!recovery.link_is_usable_at(created + RECOVERY_LINK_TTL));
        let spent = Recovery {
            status: RecoveryStatus::PendingVerification,
            ..recovery
        };
        assert!(!spent.link_is_usable_at(created));
    }
}
