//! Case documents: their names, types and states as the domain sees them.

use std::fmt;

use time::OffsetDateTime;
use uuid::{NoContext, Timestamp, Uuid};

use crate::documents::file_name::DocumentName;
use crate::documents::media_type::MediaType;
use crate::domain::{CaseId, InvalidId, Role, UserId};

/// A document of a case. Its text form sorts by creation time (a UUIDv7), so a
/// case's documents list newest first straight from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(Uuid);

impl DocumentId {
    pub fn new_at(at: OffsetDateTime) -> Self {
        let seconds = u64::try_from(at.unix_timestamp()).unwrap_or_default();
        Self(Uuid::new_v7(Timestamp::from_unix(
            NoContext,
            seconds,
            at.nanosecond(),
        )))
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidId> {
        Uuid::try_parse(raw).map(Self).map_err(|_| InvalidId)
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

crate::domain::uuid_id!(
    /// An upload request: the files one person sent together, with their message.
    UploadId
);

/// Where a document is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentStatus {
    /// The upload URL was handed out; the bytes have not been checked yet.
    Pending,
    /// The object arrived as declared and can be downloaded.
    Available,
    /// The object did not match what was declared and was deleted.
    Rejected,
}

impl DocumentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Available => "available",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "available" => Some(Self::Available),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// Who sent a document, as the listing shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploader {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: DocumentId,
    pub case_id: CaseId,
    pub upload_id: UploadId,
    pub file_name: DocumentName,
    pub content_type: MediaType,
    pub size_bytes: u64,
    pub status: DocumentStatus,
    pub uploaded_by: Uploader,
    pub message: Option<String>,
    /// When the upload URL was handed out.
    pub created_at: OffsetDateTime,
    /// When the object was found to match, or was rejected.
    pub settled_at: Option<OffsetDateTime>,
    /// The S3 version that was checked; downloads serve this version only, so an
    /// overwrite through a still-valid upload URL is never what the other side gets.
    pub version_id: Option<String>,
}

impl Document {
    /// The object's key: `cases/{case}/documents/{document}/{name}`.
    pub fn key(&self) -> String {
        format!(
            "{}documents/{}/{}",
            case_objects_prefix(self.case_id),
            self.id,
            self.file_name.as_str()
        )
    }
}

/// The start of the key of every object of the case in the documents bucket.
pub fn case_objects_prefix(case: CaseId) -> String {
    format!("cases/{case}/")
}

/// The files one person sent together, and how many of them have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: UploadId,
    pub case_id: CaseId,
    pub uploaded_by: Uploader,
    pub message: Option<String>,
    pub created_at: OffsetDateTime,
    pub documents: Vec<DocumentId>,
    /// How many of the documents have been checked, and how many of those passed.
    pub settled: u32,
    pub available: u32,
}

impl Upload {
    /// Every document has been checked, one way or the other.
    pub fn is_settled(&self) -> bool {
        usize::try_from(self.settled).is_ok_and(|settled| settled >= self.documents.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::file_name::MAX_NAME_BYTES;
    use crate::documents::{InvalidFileName, UnsupportedMediaType};
    use time::macros::datetime;

    #[test]
    fn a_readable_name_is_kept_as_it_is() {
        for name in [
            "Contract (final) v2.pdf",
            "Relevé de compte.pdf",
            "scan 01.jpeg",
        ] {
            assert_eq!(DocumentName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn path_tricks_and_control_characters_are_made_safe() {
        let cases = [
            ("../../etc/passwd", "_._etc_passwd"),
            ("a/b\\c.pdf", "a_b_c.pdf"),
            ("report\u{0}\n.pdf", "report.pdf"),
            ("..hidden.txt", "hidden.txt"),
            ("  spaced.txt  ", "spaced.txt"),
            ("x....pdf", "x.pdf"),
            ("50% <draft> #2.docx", "50_ _draft_ _2.docx"),
        ];
        for (raw, safe) in cases {
            assert_eq!(DocumentName::parse(raw).unwrap().as_str(), safe, "{raw:?}");
        }
    }

    #[test]
    fn invisible_and_reordering_characters_are_removed() {
        let name = DocumentName::parse("invoice\u{202E}fdp.exe\u{200B}\u{2028}\u{E0041}").unwrap();
        assert_eq!(name.as_str(), "invoicefdp.exe");
        let persian = "نامه\u{200C}ها.pdf";
        assert_eq!(DocumentName::parse(persian).unwrap().as_str(), persian);
    }

    #[test]
    fn a_name_gets_the_extension_of_its_declared_type_when_it_lacks_one() {
        let pdf = MediaType::parse("application/pdf").unwrap();
        let named = |raw: &str, media: &MediaType| {
            DocumentName::parse(raw)
                .unwrap()
                .with_extension_of(media)
                .as_str()
                .to_owned()
        };
        assert_eq!(named("Will.PDF", &pdf), "Will.PDF");
        assert_eq!(named("payload.exe", &pdf), "payload.exe.pdf");
        assert_eq!(named("scan", &pdf), "scan.pdf");
        assert_eq!(named("scan.", &pdf), "scan.pdf");
        assert_eq!(named("a.pdf. .", &pdf), "a.pdf");
        let excel = MediaType::parse("application/vnd.ms-excel").unwrap();
        assert_eq!(named("ledger.csv", &excel), "ledger.csv");
        let long = named(&"é".repeat(127), &pdf);
        assert!(
            long.len() <= MAX_NAME_BYTES && long.ends_with("é.pdf"),
            "{long}"
        );
    }

    #[test]
    fn a_safe_name_is_its_own_safe_name() {
        let pdf = MediaType::parse("application/pdf").unwrap();
        for raw in [
            "scan.",
            "a..b",
            " x .",
            "../../y",
            &"é".repeat(127),
            "Relevé (1)",
        ] {
            let safe = DocumentName::parse(raw).unwrap().with_extension_of(&pdf);
            assert_eq!(
                DocumentName::parse(safe.as_str()).as_ref(),
                Ok(&safe),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn a_name_with_nothing_readable_or_too_long_is_refused() {
        for raw in ["", "   ", "..", "/", "\u{7}", "._-", &"a".repeat(256)] {
            assert_eq!(DocumentName::parse(raw), Err(InvalidFileName), "{raw:?}");
        }
        assert!(DocumentName::parse(&"é".repeat(127)).is_ok());
        assert!(DocumentName::parse(&"é".repeat(128)).is_err());
    }

    #[test]
    fn the_attachment_disposition_keeps_the_exact_name_and_an_ascii_fallback() {
        let name = DocumentName::parse("Relevé (1).pdf").unwrap();
        assert_eq!(
            name.attachment_disposition(),
            "attachment; filename=\"Relev_ (1).pdf\"; filename*=UTF-8''Relev%C3%A9%20%281%29.pdf"
        );
    }

    #[test]
    fn only_allowed_media_types_are_accepted_in_one_spelling() {
        assert_eq!(
            MediaType::parse(" Application/PDF ").unwrap().as_str(),
            "application/pdf"
        );
        for refused in [
            "text/html",
            "image/svg+xml",
            "application/x-msdownload",
            "application/pdf; charset=binary",
            "",
        ] {
            assert_eq!(MediaType::parse(refused), Err(UnsupportedMediaType));
        }
    }

    #[test]
    fn document_ids_sort_by_creation_time() {
        let earlier = DocumentId::new_at(datetime!(2026-01-01 12:00:00 UTC));
        let later = DocumentId::new_at(datetime!(2026-01-01 12:00:01 UTC));
        assert!(earlier.to_string() < later.to_string());
        assert_eq!(DocumentId::parse(&later.to_string()), Ok(later));
    }
}
