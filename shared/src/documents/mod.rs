//! Cases and their documents: membership, presigned uploads and downloads,
//! the upload check, and the notices sent about them.

pub mod abandoned_uploads;
mod case;
pub mod cases;
pub mod check;
mod dynamo;
pub mod firm_cases;
#[cfg(feature = "fakes")]
pub(crate) mod memory;
mod model;
pub mod once;
mod store;
pub mod transfer;
pub mod upload_notice;
pub mod uploaded;

pub use case::Case;
pub use model::{
    Document, DocumentId, DocumentName, DocumentStatus, InvalidFileName, MediaType,
    UnsupportedMediaType, Upload, UploadId, Uploader,
};
pub use store::{CaseStore, DocumentPage, DocumentStore, NoticeClaim, NoticeStore, Settlement};
