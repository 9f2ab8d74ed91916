use std::fmt;

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("That is not a valid identifier.")]
pub struct InvalidId;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn parse(raw: &str) -> Result<Self, InvalidId> {
                Uuid::try_parse(raw).map(Self).map_err(|_| InvalidId)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        /// As its hyphenated text, as everywhere else (a job's message).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use uuid_id;

uuid_id!(
    /// A user of the portal: a client or a firm user.
    UserId
);
uuid_id!(
    /// A law firm.
    FirmId
);
uuid_id!(
    /// A case (matter) a firm handles for one or more clients.
    CaseId
);
uuid_id!(
    /// A phone registered for push approval.
    DeviceId
);
uuid_id!(
    /// One push sent for one sign-in attempt.
    PushChallengeId
);
uuid_id!(
    /// An account-recovery case.
    RecoveryId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text_form() {
        let id = CaseId::new();
        assert_eq!(CaseId::parse(&id.to_string()), Ok(id));
        assert_eq!(UserId::parse("not-a-uuid"), Err(InvalidId));
    }
}
