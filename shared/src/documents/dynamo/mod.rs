//! Cases, documents and notice claims on the DynamoDB table.

pub(crate) mod cases;
pub(crate) mod documents;
pub(crate) mod notices;
