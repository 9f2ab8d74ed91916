//! The server key and what is derived from it.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

use crate::domain::{Token, TokenDigest, TokenPurpose};

type HmacSha256 = Hmac<Sha256>;

/// The server-side HMAC key, loaded once per cold start from Secrets Manager.
#[derive(Clone)]
pub struct ServerKey(SecretSlice<u8>);

/// Below this a key is too weak to stand in for 256-bit tokens.
const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
#[error("the server key must be at least {MIN_KEY_BYTES} bytes long")]
pub struct WeakServerKey;

impl ServerKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, WeakServerKey> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(WeakServerKey);
        }
        Ok(Self(bytes.into()))
    }

    /// `HMAC-SHA256(key, label || 0x00 || value)` in lower-case hex. The label keeps
    /// digests of different purposes apart.
    pub fn digest_labelled(&self, label: &str, value: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(self.0.expose_secret())
            .expect("HMAC-SHA256 accepts keys of any length");
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(value);
        hex(&mac.finalize().into_bytes())
    }

    pub fn digest<P: TokenPurpose>(&self, token: &Token<P>) -> TokenDigest {
        TokenDigest::from_hex(self.digest_labelled(P::LABEL, token.expose().as_bytes()))
    }
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(redacted)")
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LoginLinkPurpose, SessionPurpose};
    use crate::ports::OsRandom;

    fn key() -> ServerKey {
        ServerKey::new(vec![7; 32]).unwrap()
    }

    #[test]
    fn a_short_key_is_refused() {
        assert!(ServerKey::new(vec![1; 31]).is_err());
    }

    #[test]
    fn the_digest_is_hmac_sha256_of_the_labelled_value() {
        // Expected value from an independent implementation:
        // printf 'login-link\0abc' | openssl dgst -sha256 -mac HMAC -macopt hexkey:0707…07
        let digest = key().digest_labelled("login-link", b"abc");
        assert_eq!(
            digest,
            "4e2292eb6778948c274725cf11e68c0003df3725b3e65a55a057eec17ec1af9c"
        );
        assert_ne!(digest, key().digest_labelled("session", b"abc"));
    }

    #[test]
    fn the_same_secret_has_different_digests_for_different_purposes() {
        let login = Token::<LoginLinkPurpose>::generate(&OsRandom);
        let session = Token::<SessionPurpose>::parse(login.expose()).unwrap();
        assert_ne!(key().digest(&login), key().digest(&session));
    }
}
