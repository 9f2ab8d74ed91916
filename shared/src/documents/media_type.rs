//! The media types a document may have, and the file extensions of each.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "This type of file is not accepted. Send PDF, images, Office or OpenDocument files, \
     plain text, CSV or ZIP."
)]
pub struct UnsupportedMediaType;

/// A content type on the allow-list, lower-cased and without parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaType(&'static str, &'static [&'static str]);

/// The accepted types, each with the extensions a file of that type may have (the
/// first is the one appended to a name without any of them).
const ALLOWED_MEDIA_TYPES: [(&str, &[&str]); 23] = [
    ("application/pdf", &["pdf"]),
    ("image/jpeg", &["jpg", "jpeg", "jpe"]),
    ("image/png", &["png"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("image/tiff", &["tif", "tiff"]),
    ("image/heic", &["heic", "heif"]),
    ("application/msword", &["doc", "dot"]),
    // Windows browsers report CSV files as Excel.
    ("application/vnd.ms-excel", &["xls", "xlt", "csv"]),
    ("application/vnd.ms-powerpoint", &["ppt", "pps", "pot"]),
    ("application/rtf", &["rtf"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
    ("application/vnd.oasis.opendocument.presentation", &["odp"]),
    ("application/vnd.oasis.opendocument.graphics", &["odg"]),
    ("text/plain", &["txt", "text", "log", "md"]),
    ("text/csv", &["csv"]),
    ("application/zip", &["zip"]),
    ("application/x-zip-compressed", &["zip"]),
    ("application/vnd.ms-outlook", &["msg"]),
];

impl MediaType {
    /// Accepts a type on the allow-list, whatever its case, without parameters
    /// (S3 stores the header exactly as signed, so one spelling is kept).
    pub fn parse(raw: &str) -> Result<Self, UnsupportedMediaType> {
        let wanted = raw.trim().to_ascii_lowercase();
        ALLOWED_MEDIA_TYPES
            .iter()
            .find(|(allowed, _)| *allowed == wanted)
            .map(|(allowed, extensions)| Self(allowed, extensions))
            .ok_or(UnsupportedMediaType)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The extensions a file of this type may have, the usual one first.
    pub fn extensions(&self) -> &'static [&'static str] {
        self.1
    }
}
