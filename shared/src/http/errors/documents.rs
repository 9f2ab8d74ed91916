//! The HTTP answers of case and document errors: status, stable code, details.

use http::StatusCode;

use crate::documents::cases::CaseAccessError;
use crate::documents::firm_cases::FirmCaseError;
use crate::documents::transfer::DocumentError;
use crate::http::ApiError;

impl ApiError for CaseAccessError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::CaseNotFound => StatusCode::NOT_FOUND,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::CaseNotFound => "case_not_found",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

impl ApiError for FirmCaseError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Access(err) => err.status(),
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::InvalidRequest(_)
            | Self::InvalidEmail(_)
            | Self::UnsupportedLanguage(_)
            | Self::InvalidName
            | Self::InvalidTitle => StatusCode::BAD_REQUEST,
            Self::EmailTaken => StatusCode::CONFLICT,
            Self::UserNotFound => StatusCode::NOT_FOUND,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(err) => err.code(),
            Self::Forbidden => "forbidden",
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidEmail(_) => "invalid_email",
            Self::UnsupportedLanguage(_) => "unsupported_language",
            Self::InvalidName => "invalid_name",
            Self::InvalidTitle => "invalid_title",
            Self::EmailTaken => "email_taken",
            Self::UserNotFound => "user_not_found",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

impl ApiError for DocumentError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Access(err) => err.status(),
            Self::InvalidRequest(_)
            | Self::TooManyFiles
            | Self::EmptyFile(_)
            | Self::InvalidFileName(_)
            | Self::MessageTooLong
            | Self::InvalidCursor => StatusCode::BAD_REQUEST,
            Self::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InFile { error, .. } => error.status(),
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::DocumentNotFound => StatusCode::NOT_FOUND,
            Self::NotAvailable => StatusCode::CONFLICT,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Access(err) => err.code(),
            Self::InvalidRequest(_) => "invalid_request",
            Self::TooManyFiles => "too_many_files",
            Self::FileTooLarge { .. } => "file_too_large",
            Self::InFile { error, .. } => error.code(),
            Self::EmptyFile(_) => "empty_file",
            Self::InvalidFileName(_) => "invalid_file_name",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::MessageTooLong => "message_too_long",
            Self::InvalidCursor => "invalid_cursor",
            Self::DocumentNotFound => "document_not_found",
            Self::NotAvailable => "document_not_available",
            Self::Unexpected(_) => "internal_error",
        }
    }

    /// Which file was refused (`file_index`, its position in `files`), and the
    /// limit it broke: the portal names the file in the user's own language.
    fn details(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        let Self::InFile { index, error } = self else {
            return None;
        };
        let mut details = serde_json::Map::from_iter([("file_index".to_owned(), (*index).into())]);
        if let Self::FileTooLarge { limit, .. } = error.as_ref() {
            details.insert("limit_bytes".to_owned(), (*limit).into());
        }
        Some(details)
    }
}
