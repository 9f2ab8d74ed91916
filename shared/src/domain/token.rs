use std::fmt;
use std::marker::PhantomData;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::ports::Random;

/// What a token is for. The label separates the HMAC digests of different kinds of
/// token, so a login-link token can never be presented as a session token.
pub trait TokenPurpose {
    const LABEL: &'static str;
}

#[derive(Debug)]
pub enum LoginLinkPurpose {}
impl TokenPurpose for LoginLinkPurpose {
    const LABEL: &'static str = "login-link";
}

#[derive(Debug)]
pub enum PasswordChangePurpose {}
impl TokenPurpose for PasswordChangePurpose {
    const LABEL: &'static str = "password-change";
}

#[derive(Debug)]
pub enum PasswordResetPurpose {}
impl TokenPurpose for PasswordResetPurpose {
    const LABEL: &'static str = "password-reset";
}

#[derive(Debug)]
pub enum MfaChallengePurpose {}
impl TokenPurpose for MfaChallengePurpose {
    const LABEL: &'static str = "mfa-challenge";
}

#[derive(Debug)]
pub enum DeviceCredentialPurpose {}
impl TokenPurpose for DeviceCredentialPurpose {
    const LABEL: &'static str = "device-credential";
}

#[derive(Debug)]
pub enum RecoveryLinkPurpose {}
impl TokenPurpose for RecoveryLinkPurpose {
    const LABEL: &'static str = "recovery-link";
}

#[derive(Debug)]
pub enum SessionPurpose {}
impl TokenPurpose for SessionPurpose {
    const LABEL: &'static str = "session";
}

/// The device cookie of a browser that signed in as a user before.
#[derive(Debug)]
pub enum TrustedDevicePurpose {}
impl TokenPurpose for TrustedDevicePurpose {
    const LABEL: &'static str = "trusted-device";
}

const TOKEN_BYTES: usize = 32;
const ENCODED_LEN: usize = 43;

/// A 256-bit random bearer secret in base64url without padding. It is shown to its
/// holder once and never stored: the store keeps only its [`TokenDigest`].
pub struct Token<P: TokenPurpose> {
    encoded: String,
    purpose: PhantomData<P>,
}

impl<P: TokenPurpose> Token<P> {
    pub fn generate(random: &dyn Random) -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        random.fill(&mut bytes);
        Self {
            encoded: URL_SAFE_NO_PAD.encode(bytes),
            purpose: PhantomData,
        }
    }

    /// Accepts exactly the form [`Token::generate`] produces; anything else is not a
    /// token of ours, whatever it decodes to.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() != ENCODED_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        (bytes.len() == TOKEN_BYTES && URL_SAFE_NO_PAD.encode(&bytes) == raw).then(|| Self {
            encoded: raw.to_owned(),
            purpose: PhantomData,
        })
    }

    /// The secret itself, for the one place it goes: the response or the email.
    pub fn expose(&self) -> &str {
        &self.encoded
    }
}

impl<P: TokenPurpose> fmt::Debug for Token<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token<{}>(redacted)", P::LABEL)
    }
}

/// The keyed digest of a token: what the store keys records by. Knowing it does not
/// let anyone present the token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenDigest(String);

impl TokenDigest {
    pub(crate) fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    /// Rebuilds a digest the store or the authorizer handed back.
    pub fn from_stored(hex: &str) -> Option<Self> {
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(hex.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::OsRandom;

    #[test]
    fn a_generated_token_is_256_bits_of_unpadded_base64url() {
        let token = Token::<LoginLinkPurpose>::generate(&OsRandom);
        assert_eq!(token.expose().len(), 43);
        assert!(
            token
                .expose()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(Token::<LoginLinkPurpose>::parse(token.expose()).is_some());
    }

    #[test]
    fn anything_but_the_canonical_form_is_not_a_token() {
        let token = Token::<SessionPurpose>::generate(&OsRandom);
        let padded = format!("{}=", token.expose());
        let short = &token.expose()[..42];
        let standard_alphabet = token.expose().replace(['-', '_'], "+");
        for raw in ["", short, padded.as_str(), "!".repeat(43).as_str()] {
            assert!(Token::<SessionPurpose>::parse(raw).is_none(), "{raw:?}");
        }
        if standard_alphabet != token.expose() {
            assert!(Token::<SessionPurpose>::parse(&standard_alphabet).is_none());
        }
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let token = Token::<SessionPurpose>::generate(&OsRandom);
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
