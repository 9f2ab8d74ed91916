//! The HTTP answers of sign-in errors: status, stable code, details.

use http::StatusCode;
use serde_json::{Map, Value};

use crate::http::ApiError;
use crate::sign_in::link_request::LinkRequestError;
use crate::sign_in::login_link::VerifyLoginLinkError;
use crate::sign_in::password_login::PasswordLoginError;
use crate::sign_in::password_reset::PasswordResetError;

impl ApiError for LinkRequestError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest(_) | Self::InvalidEmail(_) => StatusCode::BAD_REQUEST,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidEmail(_) => "invalid_email",
            Self::RateLimited(_) => "rate_limited",
            Self::Unexpected(_) => "internal_error",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(exceeded) => Some(exceeded.retry_after),
            _ => None,
        }
    }
}

impl ApiError for VerifyLoginLinkError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::Expired => StatusCode::GONE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::Expired => "login_link_expired",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

impl ApiError for PasswordLoginError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::PasswordChangeRequired(_) => StatusCode::FORBIDDEN,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidCredentials => "invalid_credentials",
            Self::RateLimited(_) => "rate_limited",
            Self::PasswordChangeRequired(_) => "password_change_required",
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
            Self::PasswordChangeRequired(token) => Some(Map::from_iter([(
                "password_change_token".to_owned(),
                Value::String(token.expose().to_owned()),
            )])),
            _ => None,
        }
    }
}

impl ApiError for PasswordResetError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Expired => StatusCode::GONE,
            Self::Change(err) => err.status(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Expired => "reset_link_expired",
            Self::Change(err) => err.code(),
        }
    }

    fn details(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        match self {
            Self::Expired => None,
            Self::Change(err) => err.details(),
        }
    }
}
