/// A firm's password policy, set by its administrators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FirmSettings {
    /// At least 12 characters and a zxcvbn score of 3 or more.
    pub require_strong_passwords: bool,
    pub password_expiry: PasswordExpiry,
    /// Firm users must pass a second factor; one without any is made to enrol
    /// one before anything else.
    pub require_mfa: bool,
}

/// How long a firm user's password lasts: never, or one of the allowed intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasswordExpiry(Option<u16>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The password expiry must be 0 (never), 30, 60, 90, 180 or 365 days.")]
pub struct InvalidExpiry;

impl PasswordExpiry {
    pub const NEVER: Self = Self(None);
    const ALLOWED_DAYS: [u16; 5] = [30, 60, 90, 180, 365];

    /// `0` means never.
    pub fn from_days(days: u64) -> Result<Self, InvalidExpiry> {
        if days == 0 {
            return Ok(Self::NEVER);
        }
        Self::ALLOWED_DAYS
            .into_iter()
            .find(|allowed| u64::from(*allowed) == days)
            .map(|allowed| Self(Some(allowed)))
            .ok_or(InvalidExpiry)
    }

    /// The interval in days, `0` for never.
    pub fn days(self) -> u16 {
        self.0.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_never_and_the_five_intervals_are_allowed() {
        for days in [0, 30, 60, 90, 180, 365] {
            assert_eq!(PasswordExpiry::from_days(days).unwrap().days() as u64, days);
        }
        for days in [1, 29, 45, 366, 1000, u64::MAX] {
            assert_eq!(
                PasswordExpiry::from_days(days),
                Err(InvalidExpiry),
                "{days}"
            );
        }
    }
}
