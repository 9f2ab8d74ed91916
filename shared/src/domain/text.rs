/// The longest name or title kept, in characters.
pub const MAX_DISPLAY_CHARS: usize = 200;

/// A person's name or a case title as people typed it: trimmed, not empty, at most
/// [`MAX_DISPLAY_CHARS`], without control characters (they would break emails'
/// subject lines). `None` when nothing acceptable is left.
pub fn display_text(raw: &str) -> Option<String> {
    let text = raw.trim();
    let acceptable = !text.is_empty()
        && text.chars().count() <= MAX_DISPLAY_CHARS
        && !text.chars().any(char::is_control);
    acceptable.then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_refused_when_empty_long_or_multiline() {
        assert_eq!(
            display_text("  Estate of Doe "),
            Some("Estate of Doe".into())
        );
        for bad in ["", "   ", "Doe\nBcc: x@example.com", &"a".repeat(201)] {
            assert_eq!(display_text(bad), None, "{bad:?}");
        }
    }
}
