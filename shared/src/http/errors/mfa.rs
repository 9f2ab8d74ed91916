//! The HTTP answers of second-factor errors: status, stable code, details.

use http::StatusCode;

use crate::http::ApiError;
use crate::mfa::second_step::MfaSignInError;
use crate::mfa::totp_enrollment::MfaError;

impl ApiError for MfaSignInError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidMfaToken | Self::InvalidCode => StatusCode::UNAUTHORIZED,
            Self::TooSoon(_)
            | Self::TooManyTexts(_)
            | Self::TooManyCodes(_)
            | Self::TooManyPushes(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::PushUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::MethodUnavailable | Self::PushAnswered => StatusCode::CONFLICT,
            Self::PushNotFound => StatusCode::NOT_FOUND,
            Self::PushDenied => StatusCode::FORBIDDEN,
            Self::PushExpired => StatusCode::GONE,
            Self::InvalidDeviceCredential => StatusCode::UNAUTHORIZED,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidMfaToken => "invalid_mfa_token",
            Self::InvalidCode => "invalid_code",
            Self::TooSoon(_)
            | Self::TooManyTexts(_)
            | Self::TooManyCodes(_)
            | Self::TooManyPushes(_) => "rate_limited",
            Self::PushUnavailable => "push_unavailable",
            Self::MethodUnavailable => "method_unavailable",
            Self::PushNotFound => "push_not_found",
            Self::PushDenied => "push_denied",
            Self::PushExpired => "push_expired",
            Self::PushAnswered => "push_answered",
            Self::InvalidDeviceCredential => "invalid_device_credential",
            Self::Unexpected(_) => "internal_error",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooSoon(seconds)
            | Self::TooManyTexts(seconds)
            | Self::TooManyCodes(seconds)
            | Self::TooManyPushes(seconds) => Some(*seconds),
            _ => None,
        }
    }
}

impl ApiError for MfaError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized | Self::InvalidCredentials | Self::InvalidCode => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::AlreadyEnrolled | Self::NoPendingEnrollment | Self::MfaNotEnabled => {
                StatusCode::CONFLICT
            }
            Self::MethodNotFound => StatusCode::NOT_FOUND,
            Self::InvalidPhone(_)
            | Self::UnsupportedPlatform(_)
            | Self::PlatformUnavailable
            | Self::InvalidDeviceToken(_)
            | Self::InvalidDeviceName(_) => StatusCode::BAD_REQUEST,
            Self::TooManyDevices | Self::MfaRequired => StatusCode::CONFLICT,
            Self::TooSoon(_) | Self::TooManyTexts(_) | Self::TooManyRegistrations(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::ChangedMeanwhile => StatusCode::CONFLICT,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidCredentials => "invalid_credentials",
            Self::RateLimited(_) => "rate_limited",
            Self::AlreadyEnrolled => "mfa_method_exists",
            Self::NoPendingEnrollment => "no_pending_enrollment",
            Self::InvalidCode => "invalid_code",
            Self::MfaNotEnabled => "mfa_not_enabled",
            Self::MethodNotFound => "not_found",
            Self::InvalidPhone(_) => "invalid_phone",
            Self::UnsupportedPlatform(_) | Self::PlatformUnavailable => "unsupported_platform",
            Self::InvalidDeviceToken(_) => "invalid_device_token",
            Self::InvalidDeviceName(_) => "invalid_device_name",
            Self::TooManyDevices => "too_many_devices",
            Self::MfaRequired => "mfa_required",
            Self::TooSoon(_) | Self::TooManyTexts(_) | Self::TooManyRegistrations(_) => {
                "rate_limited"
            }
            Self::ChangedMeanwhile => "mfa_changed",
            Self::Unexpected(_) => "internal_error",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(exceeded)
            | Self::TooManyTexts(exceeded)
            | Self::TooManyRegistrations(exceeded) => Some(exceeded.retry_after),
            Self::TooSoon(seconds) => Some(*seconds),
            _ => None,
        }
    }
}
