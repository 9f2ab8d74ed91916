//! The server key and what is derived from it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

use crate::domain::{Token, TokenDigest, TokenPurpose};
use crate::ports::Random;

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
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn digest<P: TokenPurpose>(&self, token: &Token<P>) -> TokenDigest {
        TokenDigest::from_hex(self.digest_labelled(P::LABEL, token.expose().as_bytes()))
    }

    /// Encrypts a secret that must be read back (a TOTP secret) with
    /// ChaCha20-Poly1305 under a key derived for `label`, bound to `context` (the
    /// owner's id), so a sealed value copied to another record does not open.
    /// Gives base64url of a random 96-bit nonce followed by the ciphertext.
    pub fn seal(
        &self,
        label: &str,
        context: &[u8],
        plaintext: &[u8],
        random: &dyn Random,
    ) -> String {
        let mut nonce = [0u8; 12];
        random.fill(&mut nonce);
        let sealed = self
            .cipher(label)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .expect("ChaCha20-Poly1305 encrypts any message that fits in memory");
        URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())
    }

    /// Opens what [`ServerKey::seal`] gave for the same label and context.
    pub fn open(&self, label: &str, context: &[u8], sealed: &str) -> Result<Vec<u8>, Unsealable> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| Unsealable)?;
        if bytes.len() < 12 {
            return Err(Unsealable);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        self.cipher(label)
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| Unsealable)
    }

    fn cipher(&self, label: &str) -> ChaCha20Poly1305 {
        let mut mac = HmacSha256::new_from_slice(self.0.expose_secret())
            .expect("HMAC-SHA256 accepts keys of any length");
        mac.update(b"encryption\0");
        mac.update(label.as_bytes());
        chacha20poly1305::KeyInit::new(&mac.finalize().into_bytes())
    }
}

/// The keys of the server: the current one, which digests and seals everything
/// new, and while a rotation is under way the one before it, under which what was
/// issued before the rotation is still recognised and opened.
#[derive(Clone, Debug)]
pub struct ServerKeys {
    current: ServerKey,
    previous: Option<ServerKey>,
}

impl ServerKeys {
    pub fn new(current: ServerKey, previous: Option<ServerKey>) -> Self {
        Self { current, previous }
    }

    /// Every key accepted, the current one first.
    fn accepted(&self) -> impl Iterator<Item = &ServerKey> {
        std::iter::once(&self.current).chain(&self.previous)
    }

    /// The digest of something new, under the current key.
    pub fn digest<P: TokenPurpose>(&self, token: &Token<P>) -> TokenDigest {
        self.current.digest(token)
    }

    /// [`ServerKey::digest_labelled`] under the current key.
    pub fn digest_labelled(&self, label: &str, value: &[u8]) -> String {
        self.current.digest_labelled(label, value)
    }

    /// The digests a presented token may be stored under, the current key's first.
    pub fn digests<P: TokenPurpose>(&self, token: &Token<P>) -> Vec<TokenDigest> {
        self.accepted().map(|key| key.digest(token)).collect()
    }

    /// The labelled digests a presented value may be stored under, the current
    /// key's first.
    pub fn digests_labelled(&self, label: &str, value: &[u8]) -> Vec<String> {
        self.accepted()
            .map(|key| key.digest_labelled(label, value))
            .collect()
    }

    /// [`ServerKey::seal`] under the current key.
    pub fn seal(
        &self,
        label: &str,
        context: &[u8],
        plaintext: &[u8],
        random: &dyn Random,
    ) -> String {
        self.current.seal(label, context, plaintext, random)
    }

    /// Opens what any accepted key sealed.
    pub fn open(&self, label: &str, context: &[u8], sealed: &str) -> Result<Vec<u8>, Unsealable> {
        self.accepted()
            .find_map(|key| key.open(label, context, sealed).ok())
            .ok_or(Unsealable)
    }
}

/// The first of `digests` under which `lookup` finds something, with what it found:
/// how a presented secret is recognised whichever accepted key it was issued under.
pub async fn first_found<D, T, Lookup, Found>(
    digests: Vec<D>,
    lookup: Lookup,
) -> anyhow::Result<Option<(D, T)>>
where
    D: Clone,
    Lookup: Fn(D) -> Found,
    Found: Future<Output = anyhow::Result<Option<T>>>,
{
    for digest in digests {
        if let Some(found) = lookup(digest.clone()).await? {
            return Ok(Some((digest, found)));
        }
    }
    Ok(None)
}

/// A sealed value that is malformed, was sealed under another key, label or
/// context, or was tampered with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sealed value does not open")]
pub struct Unsealable;

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(redacted)")
    }
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
    fn a_sealed_secret_opens_only_with_its_key_label_and_context() {
        let sealed = key().seal("totp", b"user-1", b"twenty byte secret!!", &OsRandom);
        assert_eq!(
            key().open("totp", b"user-1", &sealed).unwrap(),
            b"twenty byte secret!!"
        );
        assert!(!sealed.contains("twenty"));
        assert_eq!(key().open("totp", b"user-2", &sealed), Err(Unsealable));
        assert_eq!(key().open("other", b"user-1", &sealed), Err(Unsealable));
        let other_key = ServerKey::new(vec![8; 32]).unwrap();
        assert_eq!(other_key.open("totp", b"user-1", &sealed), Err(Unsealable));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(key().open("totp", b"user-1", &tampered), Err(Unsealable));
        assert_eq!(key().open("totp", b"user-1", "short"), Err(Unsealable));
    }

    #[test]
    fn sealing_twice_gives_different_values() {
        let a = key().seal("totp", b"u", b"s", &OsRandom);
        let b = key().seal("totp", b"u", b"s", &OsRandom);
        assert_ne!(a, b);
    }

    fn rotated() -> ServerKeys {
        ServerKeys::new(ServerKey::new(vec![9; 32]).unwrap(), Some(key()))
    }

    #[test]
    fn while_rotating_what_the_previous_key_made_is_still_recognised_and_opened() {
        let token = Token::<SessionPurpose>::generate(&OsRandom);
        let before = ServerKeys::new(key(), None);
        let stored = before.digest(&token);
        let sealed = before.seal("totp", b"user-1", b"secret", &OsRandom);

        let during = rotated();
        assert_ne!(during.digest(&token), stored, "new digests use the new key");
        assert_eq!(during.digests(&token)[1], stored);
        assert_eq!(during.digests(&token)[0], during.digest(&token));
        assert_eq!(during.open("totp", b"user-1", &sealed).unwrap(), b"secret");
        let resealed = during.seal("totp", b"user-1", b"secret", &OsRandom);
        assert_eq!(key().open("totp", b"user-1", &resealed), Err(Unsealable));

        let after = ServerKeys::new(ServerKey::new(vec![9; 32]).unwrap(), None);
        assert!(!after.digests(&token).contains(&stored));
        assert_eq!(after.open("totp", b"user-1", &sealed), Err(Unsealable));
    }

    #[test]
    fn the_previous_key_alone_is_not_used_for_anything_new() {
        let keys = rotated();
        assert_eq!(
            keys.digest_labelled("limit", b"x"),
            ServerKey::new(vec![9; 32])
                .unwrap()
                .digest_labelled("limit", b"x")
        );
        assert_eq!(
            keys.digests_labelled("limit", b"x"),
            vec![
                keys.digest_labelled("limit", b"x"),
                key().digest_labelled("limit", b"x")
            ]
        );
    }

    #[tokio::test]
    async fn first_found_tries_the_digests_in_order_and_stops_at_the_first_hit() {
        let asked = std::sync::Mutex::new(Vec::new());
        let found = first_found(vec![1, 2, 3], |d| {
            asked.lock().unwrap().push(d);
            async move { Ok((d >= 2).then_some(d * 10)) }
        })
        .await
        .unwrap();
        assert_eq!(found, Some((2, 20)));
        assert_eq!(*asked.lock().unwrap(), [1, 2]);
    }

    #[test]
    fn the_same_secret_has_different_digests_for_different_purposes() {
        let login = Token::<LoginLinkPurpose>::generate(&OsRandom);
        let session = Token::<SessionPurpose>::parse(login.expose()).unwrap();
        assert_ne!(key().digest(&login), key().digest(&session));
    }
}
