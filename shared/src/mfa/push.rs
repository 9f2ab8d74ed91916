//! Push approval: a firm user's phone, registered as an SNS platform endpoint,
//! approves a sign-in by picking the number the browser shows.

use std::fmt;

use time::OffsetDateTime;

use crate::domain::{DeviceId, PushChallengeId, TokenDigest, UserId, display_text};
use crate::ports::Random;

/// The push service a device is reached through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushPlatform {
    /// Apple Push Notification service.
    Apns,
    /// Firebase Cloud Messaging.
    Fcm,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The platform must be \"apns\" or \"fcm\".")]
pub struct UnsupportedPlatform;

impl PushPlatform {
    pub fn parse(raw: &str) -> Result<Self, UnsupportedPlatform> {
        match raw {
            "apns" => Ok(Self::Apns),
            "fcm" => Ok(Self::Fcm),
            _ => Err(UnsupportedPlatform),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apns => "apns",
            Self::Fcm => "fcm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("That is not a device token of this platform.")]
pub struct InvalidDeviceToken;

/// The address the platform gave the app on this device: 64 hexadecimal digits
/// for APNs, an FCM registration token (letters, digits, `-`, `_`, `:`) for FCM.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(String);

impl DeviceToken {
    pub fn parse(platform: PushPlatform, raw: &str) -> Result<Self, InvalidDeviceToken> {
        let valid = match platform {
            PushPlatform::Apns => raw.len() == 64 && raw.chars().all(|c| c.is_ascii_hexdigit()),
            PushPlatform::Fcm => {
                (32..=4096).contains(&raw.len())
                    && raw
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
            }
        };
        valid
            .then(|| Self(raw.to_owned()))
            .ok_or(InvalidDeviceToken)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The device name must be 1 to 64 characters, on one line.")]
pub struct InvalidDeviceName;

/// The longest device name kept, in characters.
pub const MAX_DEVICE_NAME_CHARS: usize = 64;

/// What the user calls the device ("Sam's iPhone").
pub fn device_name(raw: &str) -> Result<String, InvalidDeviceName> {
    display_text(raw)
        .filter(|name| name.chars().count() <= MAX_DEVICE_NAME_CHARS)
        .ok_or(InvalidDeviceName)
}

/// A registered phone. It proves itself with a credential issued at registration,
/// which the store keeps only as a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushDevice {
    pub id: DeviceId,
    pub platform: PushPlatform,
    pub name: String,
    /// The SNS platform endpoint pushes are published to.
    pub endpoint_arn: String,
    pub credential_digest: TokenDigest,
    pub created_at: OffsetDateTime,
}

/// Devices a user may register.
pub const MAX_PUSH_DEVICES: u64 = 5;

/// Phones a user may register in an hour: each takes a slot before its platform
/// endpoint is made.
pub const PUSH_REGISTRATIONS_PER_HOUR: u64 = 10;

/// How long a push waits for its answer.
pub const PUSH_TTL: time::Duration = time::Duration::minutes(2);

/// Where a push stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushStatus {
    Pending,
    Approved,
    Denied,
}

impl PushStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "denied" => Some(Self::Denied),
            _ => None,
        }
    }
}

/// A push for one sign-in attempt: the browser shows `number`, the phone offers
/// `choices` (the number among two others) and the user picks the one they see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushChallenge {
    pub id: PushChallengeId,
    pub user_id: UserId,
    /// The `mfa_token` (by digest) the push was asked for; only it can collect
    /// the session.
    pub mfa_challenge: TokenDigest,
    pub number: u8,
    pub choices: [u8; 3],
    pub status: PushStatus,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The user's credential version when it was pushed.
    pub credential_version: u64,
}

impl PushChallenge {
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }
}

/// A number from 10 to 99, every one equally likely.
fn two_digit_number(random: &dyn Random) -> u8 {
    loop {
        let mut byte = [0u8; 1];
        random.fill(&mut byte);
        // 90 × 2 = 180: draws from 180 up are redrawn, so there is no modulo bias.
        if byte[0] < 180 {
            return 10 + byte[0] % 90;
        }
    }
}

/// The number the browser shows and the three the phone offers, all distinct and
/// in random order.
pub fn matching_numbers(random: &dyn Random) -> (u8, [u8; 3]) {
    let mut choices = [0u8; 3];
    for index in 0..choices.len() {
        choices[index] = loop {
            let candidate = two_digit_number(random);
            if !choices[..index].contains(&candidate) {
                break candidate;
            }
        };
    }
    let mut pick = [0u8; 1];
    loop {
        random.fill(&mut pick);
        // 255 = 3 × 85: the last value is redrawn.
        if pick[0] < 255 {
            return (choices[usize::from(pick[0] % 3)], choices);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::OsRandom;

    #[test]
    fn device_tokens_are_checked_for_their_platform() {
        let apns = "a".repeat(64);
        assert!(DeviceToken::parse(PushPlatform::Apns, &apns).is_ok());
        assert!(DeviceToken::parse(PushPlatform::Apns, &"a".repeat(63)).is_err());
        assert!(DeviceToken::parse(PushPlatform::Apns, &"g".repeat(64)).is_err());
        let fcm = format!("dQw4w9WgXcQ:{}", "A-b_9".repeat(20));
        assert!(DeviceToken::parse(PushPlatform::Fcm, &fcm).is_ok());
        assert!(DeviceToken::parse(PushPlatform::Fcm, "short").is_err());
        assert!(DeviceToken::parse(PushPlatform::Fcm, &format!("{fcm} x")).is_err());
        assert_eq!(
            format!(
                "{:?}",
                DeviceToken::parse(PushPlatform::Apns, &apns).unwrap()
            ),
            "DeviceToken(..)"
        );
    }

    #[test]
    fn device_names_are_one_line_and_short() {
        assert_eq!(device_name(" Sam's iPhone "), Ok("Sam's iPhone".into()));
        assert!(device_name("").is_err());
        assert!(device_name("a\nb").is_err());
        assert!(device_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn the_browser_number_is_one_of_three_distinct_two_digit_choices() {
        let mut seen = [0u32; 100];
        for _ in 0..3000 {
            let (number, choices) = matching_numbers(&OsRandom);
            assert!(choices.contains(&number));
            assert!(choices.iter().all(|n| (10..=99).contains(n)));
            assert!(
                choices[0] != choices[1] && choices[1] != choices[2] && choices[0] != choices[2]
            );
            seen[usize::from(number)] += 1;
        }
        // Every two-digit number turns up (3000 draws over 90 values).
        assert!(seen[10..].iter().all(|count| *count > 0));
    }
}
