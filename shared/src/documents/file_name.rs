//! A document's file name: what a client's file may be called, and how it is
//! given back in a download.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::documents::media_type::MediaType;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The file name is empty, too long, or has nothing readable left once made safe.")]
pub struct InvalidFileName;

/// A file name that is safe as the last segment of an S3 key and in a
/// `Content-Disposition` header: no path separators, no `..`, no control
/// characters, none of the characters S3 advises against. Everything else is kept
/// (accents, spaces, brackets), so people still recognise their files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentName(String);

/// Longest name kept, in bytes: the key prefix takes about 100 of S3's 1,024.
pub(crate) const MAX_NAME_BYTES: usize = 255;

impl DocumentName {
    pub fn parse(raw: &str) -> Result<Self, InvalidFileName> {
        let replaced: String = raw
            .chars()
            .filter(|c| !c.is_control() && !is_invisible(*c))
            .map(|c| if UNSAFE.contains(c) { '_' } else { c })
            .collect();
        let mut name = replaced.trim().to_owned();
        while name.contains("..") {
            name = name.replace("..", ".");
        }
        // A leading dot would make a hidden file on the recipient's computer.
        let name = name.trim_start_matches(['.', ' ']).to_owned();
        if name.is_empty()
            || name.len() > MAX_NAME_BYTES
            || !name.chars().any(char::is_alphanumeric)
        {
            return Err(InvalidFileName);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name read back from the store, as it was made safe then: never parsed
    /// again, so the key of a stored document cannot change with this parser.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The name with an extension of `media_type`: kept when it has one, appended
    /// otherwise (the stem shortened if need be), so `payload.exe` declared as a
    /// PDF is saved as `payload.exe.pdf` and opens as what it was checked to be.
    pub fn with_extension_of(self, media_type: &MediaType) -> Self {
        // A trailing dot would leave an empty extension, and `..` once appended.
        let mut stem = self.0.trim_end_matches(['.', ' ']).to_owned();
        let extension = stem
            .rsplit_once('.')
            .map(|(_, extension)| extension.to_ascii_lowercase());
        let extensions = media_type.extensions();
        if extension.is_some_and(|extension| extensions.contains(&extension.as_str())) {
            return Self(stem);
        }
        let appended = extensions[0];
        while stem.len() + 1 + appended.len() > MAX_NAME_BYTES {
            stem.pop();
        }
        Self(format!("{}.{appended}", stem.trim_end_matches(['.', ' '])))
    }

    /// A `Content-Disposition` that saves the file under this name (RFC 6266): an
    /// ASCII fallback for old clients, and the exact name in UTF-8.
    pub fn attachment_disposition(&self) -> String {
        let fallback: String = self
            .0
            .chars()
            .map(|c| if c.is_ascii() { c } else { '_' })
            .collect();
        let exact = utf8_percent_encode(&self.0, RFC5987_ESCAPED);
        format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}")
    }
}

/// Everything but RFC 5987's `attr-char` is percent-encoded.
const RFC5987_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Characters that display as nothing or reorder what follows (format characters
/// such as the right-to-left override, and line and paragraph separators): with
/// them, `invoice\u{202E}fdp.exe` would show as `invoiceexe.pdf`.
/// The zero-width joiners U+200C and U+200D stay: Persian and Indic names need them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Path separators and the characters Amazon S3's key-naming guide says to avoid.
const UNSAFE: &str = "/\\{}^%`[]\"<>~#|";
