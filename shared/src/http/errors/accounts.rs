//! The HTTP answers of account errors: status, stable code, details.

use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::accounts::account::AccountError;
use crate::accounts::firm_admin::FirmAdminError;
use crate::accounts::password_change::PasswordChangeError;
use crate::http::ApiError;

impl ApiError for AccountError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::InvalidRequest(_) | Self::UnsupportedLanguage(_) => StatusCode::BAD_REQUEST,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::InvalidRequest(_) => "invalid_request",
            Self::UnsupportedLanguage(_) => "unsupported_language",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

impl ApiError for FirmAdminError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::InvalidRequest(_)
            | Self::InvalidSetting(_)
            | Self::InvalidEmail(_)
            | Self::UnsupportedLanguage(_)
            | Self::InvalidRole => StatusCode::BAD_REQUEST,
            Self::EmailTaken => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidSetting(_) => "invalid_setting",
            Self::NotFound => "not_found",
            Self::InvalidEmail(_) => "invalid_email",
            Self::UnsupportedLanguage(_) => "unsupported_language",
            Self::InvalidRole => "invalid_role",
            Self::EmailTaken => "email_taken",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

impl ApiError for PasswordChangeError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::WeakPassword { .. } | Self::PasswordReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TokenExpired => StatusCode::GONE,
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
            Self::WeakPassword { .. } => "weak_password",
            Self::PasswordReused => "password_reused",
            Self::TokenExpired => "password_change_token_expired",
            Self::Unexpected(_) => "internal_error",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(exceeded) => Some(exceeded.retry_after),
            _ => None,
        }
    }

    fn details(&self) -> Option<Map<String, Value>> {
        match self {
            Self::WeakPassword { feedback } => {
                Some(Map::from_iter([("feedback".to_owned(), json!(feedback))]))
            }
            _ => None,
        }
    }
}
