use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A password as a user typed it: 8 to 128 characters, taken whole (never
/// truncated, never trimmed, no composition rules).
pub struct Password(SecretString);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPassword {
    #[error("The password must be at least {MIN_CHARS} characters long.")]
    TooShort,
    #[error("The password must be at most {MAX_CHARS} characters long.")]
    TooLong,
}

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

impl Password {
    pub fn parse(raw: String) -> Result<Self, InvalidPassword> {
        let length = raw.chars().count();
        if length < MIN_CHARS {
            Err(InvalidPassword::TooShort)
        } else if length > MAX_CHARS {
            Err(InvalidPassword::TooLong)
        } else {
            Ok(Self(raw.into()))
        }
    }

    pub fn chars(&self) -> usize {
        self.expose().chars().count()
    }

    /// The password itself, for the hasher and the strength checks only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// A password hash in PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$…`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_to_128_characters_are_accepted_as_typed() {
        assert!(Password::parse("a".repeat(8)).is_ok());
        assert!(
            Password::parse("é".repeat(128)).is_ok(),
            "characters, not bytes"
        );
        let spaced = Password::parse("  spaces kept  ".into()).unwrap();
        assert_eq!(spaced.expose(), "  spaces kept  ");
    }

    #[test]
    fn shorter_or_longer_passwords_are_refused_not_cut() {
        assert_eq!(
            Password::parse("a".repeat(7)).err(),
            Some(InvalidPassword::TooShort)
        );
        assert_eq!(
            Password::parse("a".repeat(129)).err(),
            Some(InvalidPassword::TooLong)
        );
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse("correct horse battery".into()).unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
