//! Cases, documents and notice claims on the DynamoDB table.

mod cases;
mod documents;
mod notices;
