//! The JSON bodies the API answers with, a file per capability: the flows
//! return domain results, and these say how each is shown.

pub mod accounts;
pub mod documents;
pub mod mfa;
pub mod sign_in;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A time as every body shows it: RFC 3339, UTC.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}
