//! A case: the matter a firm shares documents with its clients in.

use time::OffsetDateTime;

use crate::domain::{CaseId, FirmId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    pub firm_id: FirmId,
    pub title: String,
    pub created_at: OffsetDateTime,
    /// The last time something arrived in the case (a document, so far).
    pub updated_at: OffsetDateTime,
}
