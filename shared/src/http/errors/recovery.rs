//! The HTTP answers of account-recovery errors: status, stable code, details.

use http::StatusCode;

use crate::http::ApiError;
use crate::recovery::process::RecoveryError;

impl ApiError for RecoveryError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Admin(inner) => inner.status(),
            Self::InvalidRequest(_) | Self::InvalidNote => StatusCode::BAD_REQUEST,
            Self::LinkExpired => StatusCode::GONE,
            Self::RecoveryNotFound | Self::UnknownProvider => StatusCode::NOT_FOUND,
            Self::OwnRecovery => StatusCode::FORBIDDEN,
            Self::NotPending | Self::ProviderDecides | Self::ReviewedByFirm => StatusCode::CONFLICT,
            Self::InvalidSignature | Self::StaleCallback => StatusCode::UNAUTHORIZED,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Admin(inner) => inner.code(),
            Self::InvalidRequest(_) => "invalid_request",
            Self::LinkExpired => "recovery_link_expired",
            Self::RecoveryNotFound => "recovery_not_found",
            Self::OwnRecovery => "own_recovery",
            Self::NotPending => "recovery_not_pending",
            Self::ProviderDecides => "provider_decides",
            Self::ReviewedByFirm => "reviewed_by_firm",
            Self::InvalidNote => "invalid_note",
            Self::UnknownProvider => "unknown_provider",
            Self::InvalidSignature => "invalid_signature",
            Self::StaleCallback => "stale_callback",
            Self::Unexpected(_) => "internal_error",
        }
    }
}
