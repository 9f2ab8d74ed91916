//! Cases and their documents: membership, presigned uploads and downloads,
//! the upload check, and the notices sent about them.

pub mod abandoned_uploads;
mod case;
pub mod cases;
pub mod check;
pub(crate) mod dynamo;
mod file_name;
pub mod firm_cases;
mod media_type;
#[cfg(feature = "fakes")]
pub(crate) mod memory;
mod model;
pub mod once;
mod store;
pub mod transfer;
pub mod upload_notice;
pub mod uploaded;

pub use case::Case;
pub use file_name::{DocumentName, InvalidFileName};
pub use media_type::{MediaType, UnsupportedMediaType};
pub use model::{
    Document, DocumentId, DocumentStatus, Upload, UploadId, Uploader, case_objects_prefix,
};
pub use store::{CaseStore, DocumentPage, DocumentStore, NoticeClaim, NoticeStore, Settlement};
