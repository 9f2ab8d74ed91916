//! The audit trail: what happened to whom, written with the change it records.

use time::OffsetDateTime;

use crate::domain::UserId;

/// What happened, for the append-only audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    LoginLinkIssued,
    LoginLinkUsed,
    SignedIn,
    SignedOut,
    LanguageChanged,
    UserCreated,
    /// A client of another firm became a client of this one too.
    ClientAdded,
    PasswordSet,
    PolicyChanged,
    PasswordChanged,
    PasswordChangeRequired,
    PasswordChangeForced,
    PasswordResetRequested,
    UserInvited,
    CaseShared,
    MfaEnabled,
    MfaChanged,
    MfaRemoved,
    RecoveryStarted,
    RecoverySubmitted,
    RecoveryPassed,
    RecoveryFailed,
    RecoveryExpired,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginLinkIssued => "login_link_issued",
            Self::LoginLinkUsed => "login_link_used",
            Self::SignedIn => "signed_in",
            Self::SignedOut => "signed_out",
            Self::LanguageChanged => "language_changed",
            Self::UserCreated => "user_created",
            Self::ClientAdded => "client_added",
            Self::PasswordSet => "password_set",
            Self::PolicyChanged => "policy_changed",
            Self::PasswordChanged => "password_changed",
            Self::PasswordChangeRequired => "password_change_required",
            Self::PasswordChangeForced => "password_change_forced",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::UserInvited => "user_invited",
            Self::CaseShared => "case_shared",
            Self::MfaEnabled => "mfa_enabled",
            Self::MfaChanged => "mfa_changed",
            Self::MfaRemoved => "mfa_removed",
            Self::RecoveryStarted => "recovery_started",
            Self::RecoverySubmitted => "recovery_submitted",
            Self::RecoveryPassed => "recovery_passed",
            Self::RecoveryFailed => "recovery_failed",
            Self::RecoveryExpired => "recovery_expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub kind: AuditKind,
    pub at: OffsetDateTime,
    /// Whom the event is about.
    pub subject: UserId,
    /// Who caused it, when that is not the subject (an administrator, an operator).
    pub actor: Option<UserId>,
    pub source_ip: Option<String>,
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(kind: AuditKind, at: OffsetDateTime, subject: UserId) -> Self {
        Self {
            kind,
            at,
            subject,
            actor: None,
            source_ip: None,
            detail: None,
        }
    }

    pub fn from_ip(mut self, source_ip: Option<&str>) -> Self {
        self.source_ip = source_ip.map(str::to_owned);
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}
