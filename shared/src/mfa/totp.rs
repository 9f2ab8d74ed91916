//! Time-based one-time passwords (RFC 6238 over RFC 4226): the secret an
//! authenticator app holds, and the codes it shows. The algorithm and base32
//! are totp-rs's; this module fixes the parameters and finds the matching step
//! (the caller refuses a step already accepted, against replay).

use totp_rs::{Algorithm, TOTP};

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

    fn totp(&self, digits: u32) -> TOTP {
        generator(&self.0, digits)
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
        self.totp(digits)
            .generate(step * STEP_SECONDS)
            .parse()
            .expect("totp-rs gives decimal digits")
    }

    /// The step of `code` within ±[`WINDOW`] of the step of `unix_seconds`, if
    /// any, compared in constant time. The caller refuses a step already
    /// accepted for the user (replay).
    pub fn matching_step(&self, code: u32, unix_seconds: u64) -> Option<u64> {
        let totp = self.totp(DIGITS);
        let typed = format!("{code:0width$}", width = DIGITS as usize);
        let now = unix_seconds / STEP_SECONDS;
        (now.saturating_sub(WINDOW)..=now + WINDOW)
            .find(|step| totp.check(&typed, step * STEP_SECONDS))
    }
}

/// totp-rs's generator for `secret` with `digits` digits and no skew: the
/// window is walked here, to learn which step matched.
fn generator(secret: &[u8], digits: u32) -> TOTP {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        digits as usize,
        0,
        STEP_SECONDS,
        secret.to_vec(),
    )
}

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
fn base32(bytes: &[u8]) -> String {
    generator(bytes, DIGITS).get_secret_base32()
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
