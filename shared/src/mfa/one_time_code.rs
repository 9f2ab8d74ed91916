//! Codes people type: SMS codes and backup codes. Both are drawn uniformly from
//! the CSPRNG and, like every secret, kept only as an HMAC.

use std::fmt;

use crate::ports::Random;

/// A 6-digit SMS code, every value equally likely.
#[derive(Clone, PartialEq, Eq)]
pub struct SmsCode(String);

/// The largest multiple of 10⁶ that fits in a `u32`: draws at or above it are
/// redrawn, so no code is likelier than another (no modulo bias).
const SMS_DRAW_LIMIT: u32 = (u32::MAX / 1_000_000) * 1_000_000;

impl SmsCode {
    pub fn generate(random: &dyn Random) -> Self {
        loop {
            let mut bytes = [0; 4];
            random.fill(&mut bytes);
            let draw = u32::from_be_bytes(bytes);
            if draw < SMS_DRAW_LIMIT {
                return Self(format!("{:06}", draw % 1_000_000));
            }
        }
    }

    /// A code as typed: exactly 6 digits once spaces are dropped.
    pub fn parse(raw: &str) -> Option<Self> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(Self(digits))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SmsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmsCode(..)")
    }
}

/// A single-use backup code: 12 characters of Crockford's base32 (60 bits), shown
/// as `XXXX-XXXX-XXXX`.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode(String);

/// Crockford's base32: no I, L, O or U, so nothing reads as something else.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl BackupCode {
    pub fn generate(random: &dyn Random) -> Self {
        let mut bytes = [0; 12];
        random.fill(&mut bytes);
        // 32 divides 256: taking each byte modulo 32 is exactly uniform.
        Self(
            bytes
                .iter()
                .map(|byte| char::from(CROCKFORD[usize::from(byte % 32)]))
                .collect(),
        )
    }

    /// A code as typed: any case, with or without dashes and spaces; the letters
    /// people confuse with digits read as those digits.
    pub fn parse(raw: &str) -> Option<Self> {
        let code: String = raw
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        (code.len() == 12 && code.bytes().all(|b| CROCKFORD.contains(&b))).then_some(Self(code))
    }

    /// The code as stored (through an HMAC) and compared.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The code as shown to the user, once.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

impl fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BackupCode(..)")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// SplitMix64 from a fixed seed: the same codes on every run.
    struct Seeded(Mutex<u64>);

    impl Random for Seeded {
        fn fill(&self, buf: &mut [u8]) {
            let mut state = self.0.lock().unwrap();
            for chunk in buf.chunks_mut(8) {
                *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
            }
        }
    }

    #[test]
    fn over_10000_sms_codes_every_digit_is_evenly_used_in_every_position() {
        let random = Seeded(Mutex::new(20_261_122));
        let mut counts = [[0u32; 10]; 6];
        for _ in 0..10_000 {
            let code = SmsCode::generate(&random);
            for (position, digit) in code.expose().bytes().enumerate() {
                counts[position][usize::from(digit - b'0')] += 1;
            }
        }
        // Chi-square with 9 degrees of freedom; 27.88 is the 0.1% critical value.
        for (position, digits) in counts.iter().enumerate() {
            let chi_square: f64 = digits
                .iter()
                .map(|&seen| (f64::from(seen) - 1000.0).powi(2) / 1000.0)
                .sum();
            assert!(
                chi_square < 27.88,
                "position {position}: χ² = {chi_square:.2}, {digits:?}"
            );
        }
    }

    #[test]
    fn a_draw_past_the_last_whole_million_is_redrawn() {
        struct Scripted(Mutex<Vec<u32>>);
        impl Random for Scripted {
            fn fill(&self, buf: &mut [u8]) {
                let next = self.0.lock().unwrap().remove(0);
                buf.copy_from_slice(&next.to_be_bytes());
            }
        }
        let random = Scripted(Mutex::new(vec![u32::MAX, SMS_DRAW_LIMIT, 1_000_042]));
        assert_eq!(SmsCode::generate(&random).expose(), "000042");
    }

    #[test]
    fn typed_codes_are_read_leniently_but_exactly() {
        assert_eq!(SmsCode::parse(" 123 456 ").unwrap().expose(), "123456");
        assert!(SmsCode::parse("12345").is_none());
        assert!(SmsCode::parse("12345a").is_none());
        let code = BackupCode::generate(&Seeded(Mutex::new(7)));
        let shown = code.display();
        assert_eq!(BackupCode::parse(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(shown.len(), 14);
        assert!(BackupCode::parse("ABCD-EFGH-IJK").is_none());
        assert_eq!(
            BackupCode::parse("oOiL-0000-0000").unwrap().expose(),
            "0011".to_owned() + "00000000"
        );
    }
}
