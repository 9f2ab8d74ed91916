use std::fmt;

/// A phone number in E.164 form: `+`, then 8 to 15 digits, the first not 0.
/// Spaces, dots, dashes and brackets people type are dropped first.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("That is not a phone number in international form, such as +447700900123.")]
pub struct InvalidPhone;

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, InvalidPhone> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').ok_or(InvalidPhone)?;
        let valid = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        match valid {
            true => Ok(Self(compact)),
            false => Err(InvalidPhone),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but its last two digits hidden, for screens and logs.
    pub fn masked(&self) -> String {
        let visible = &self.0[self.0.len() - 2..];
        format!("+{}{visible}", "•".repeat(self.0.len() - 3))
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_numbers_are_kept_without_punctuation() {
        let phone = PhoneNumber::parse(" +44 (7700) 900-123 ").unwrap();
        assert_eq!(phone.as_str(), "+447700900123");
        assert_eq!(phone.masked(), "+••••••••••23");
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "07700900123",
            "+0447700900123",
            "+44",
            "+4477009001234567",
            "+44 77OO",
            "",
        ] {
            assert_eq!(PhoneNumber::parse(raw), Err(InvalidPhone), "{raw:?}");
        }
    }
}
