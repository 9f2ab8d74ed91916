//! Time-based one-time passwords (RFC 6238 over RFC 4226): the secret an
//! authenticator app holds, and the codes it shows.

use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::ports::Random;

/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Digits of the codes people type.
pub const DIGITS: u32 = 6;
/// Steps accepted on either side of the current one, for clock drift and typing.
pub const WINDOW: u64 = 1;

/// A 160-bit TOTP secret (the size RFC 4226 recommends for HMAC-SHA1).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; 20]);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    pub fn generate(random: &dyn Random) -> Self {
        let mut bytes = [0; 20];
        random.fill(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The secret as authenticator apps take it: RFC 4648 base32, no padding.
    pub fn base32(&self) -> String {
        base32(&self.0)
    }

    /// The `otpauth://` URI an authenticator app scans.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
        let label = format!("{issuer}:{account}");
        format!(
            "otpauth://totp/{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            utf8_percent_encode(&label, NON_ALPHANUMERIC),
            self.base32(),
            utf8_percent_encode(issuer, NON_ALPHANUMERIC),
        )
    }

    /// The code for time step `step`, with `digits` digits (RFC 4226 §5.3).
    pub fn code_at_step(&self, step: u64, digits: u32) -> u32 {
        hotp(&self.0, step, digits)
    }

    /// The step of `code` within ±[`WINDOW`] of the step of `unix_seconds`, if
    /// any. The caller refuses a step already accepted for the user (replay).
    pub fn matching_step(&self, code: u32, unix_seconds: u64) -> Option<u64> {
        let now = unix_seconds / STEP_SECONDS;
        (now.saturating_sub(WINDOW)..=now + WINDOW)
            .find(|step| constant_time_eq(self.code_at_step(*step, DIGITS), code))
    }
}

fn constant_time_eq(a: u32, b: u32) -> bool {
    use subtle::ConstantTimeEq;
    a.to_be_bytes().ct_eq(&b.to_be_bytes()).into()
}

fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column: the ASCII secret "12345678901234567890".
    const RFC_SECRET: &[u8; 20] = b"12345678901234567890";

    #[test]
    fn every_rfc_6238_sha1_test_vector_passes() {
        let secret = TotpSecret::from_bytes(*RFC_SECRET);
        for (time, code) in [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(
                secret.code_at_step(time / STEP_SECONDS, 8),
                code,
                "T = {time}"
            );
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_and_two_are_not() {
        let secret = TotpSecret::from_bytes(*RFC_SECRET);
        let now = 1_234_567_890;
        let step = now / STEP_SECONDS;
        for offset in [-1i64, 0, 1] {
            let other = step.checked_add_signed(offset).unwrap();
            let code = secret.code_at_step(other, DIGITS);
            assert_eq!(secret.matching_step(code, now), Some(other), "{offset}");
        }
        for offset in [-2i64, 2] {
            let code = secret.code_at_step(step.checked_add_signed(offset).unwrap(), DIGITS);
            assert_eq!(secret.matching_step(code, now), None, "{offset}");
        }
    }

    #[test]
    fn the_secret_is_given_in_rfc_4648_base32() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            TotpSecret::from_bytes(*RFC_SECRET).base32(),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }

    #[test]
    fn the_otpauth_uri_names_the_issuer_and_account_and_the_parameters() {
        let uri =
            TotpSecret::from_bytes(*RFC_SECRET).otpauth_uri("Example LLP", "ada@firm.example");
        assert_eq!(
            uri,
            "otpauth://totp/Example%20LLP%3Aada%40firm%2Eexample?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Example%20LLP&algorithm=SHA1&digits=6&period=30"
        );
    }
}
