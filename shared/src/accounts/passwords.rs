//! Password hashing (Argon2id) and the password policy.

use std::collections::HashSet;
use std::sync::LazyLock;

use anyhow::anyhow;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::EmailAddress;

use crate::accounts::{Password, PasswordHash};
use crate::ports::{OsRandom, Random};

/// Argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's recommendation).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &Password, random: &dyn Random) -> anyhow::Result<PasswordHash> {
    let mut salt = [0u8; 16];
    random.fill(&mut salt);
    let phc = argon2()
        .hash_password_with_salt(password.expose().as_bytes(), &salt)
        .map_err(|err| anyhow!("hashing a password: {err}"))?;
    Ok(PasswordHash::from_stored(phc.to_string()))
}

/// Whether `password` matches `stored`. A malformed stored hash matches nothing.
pub fn verify(password: &Password, stored: &PasswordHash) -> bool {
    argon2()
        .verify_password(password.expose().as_bytes(), stored.as_str())
        .is_ok()
}

/// A password of valid length that stands in for one that could not be parsed,
/// so that the dummy verification still runs.
pub fn placeholder() -> Password {
    Password::parse("placeholder for an unusable password".into())
        .expect("the placeholder has a valid length")
}

/// Verifies `password` against the hash of a random password nobody knows, when
/// there is no real hash to verify against: an unknown email then costs the same
/// Argon2id run as a wrong password. The result is thrown away.
pub fn verify_against_dummy(password: &Password) {
    static DUMMY: LazyLock<Option<PasswordHash>> = LazyLock::new(|| {
        let mut secret = [0u8; 32];
        OsRandom.fill(&mut secret);
        let unknowable = Password::parse(hex::encode(secret)).ok()?;
        hash(&unknowable, &OsRandom).ok()
    });
    if let Some(dummy) = DUMMY.as_ref() {
        let _ = verify(password, dummy);
    }
}

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .collect()
});

/// What the policy checks a new password against.
pub struct PolicyContext<'a> {
    pub require_strong: bool,
    pub email: &'a EmailAddress,
    pub name: &'a str,
}

/// The password falls short of the policy; `feedback` says why and how to do better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakPassword {
    pub feedback: Vec<String>,
}

/// With a firm that requires strong passwords: at least this many characters.
pub const STRONG_MIN_CHARS: usize = 12;

pub fn check_policy(password: &Password, context: &PolicyContext<'_>) -> Result<(), WeakPassword> {
    let lowered = password.expose().to_lowercase();
    let mut feedback = Vec::new();
    if COMMON.contains(lowered.as_str()) {
        feedback.push("This is one of the most common passwords.".to_owned());
    }
    let personal: Vec<String> = personal_words(context);
    if personal.iter().any(|word| lowered.contains(word.as_str())) {
        feedback.push("The password must not contain your name or email address.".to_owned());
    }
    if context.require_strong {
        if password.chars() < STRONG_MIN_CHARS {
            feedback.push(format!("Use at least {STRONG_MIN_CHARS} characters."));
        }
        let inputs: Vec<&str> = personal.iter().map(String::as_str).collect();
        let entropy = zxcvbn::zxcvbn(password.expose(), &inputs);
        if entropy.score() < zxcvbn::Score::Three {
            feedback.push("The password is too easy to guess.".to_owned());
            if let Some(advice) = entropy.feedback() {
                feedback.extend(advice.warning().map(|w| w.to_string()));
                feedback.extend(advice.suggestions().iter().map(ToString::to_string));
            }
        }
    }
    if feedback.is_empty() {
        Ok(())
    } else {
        feedback.dedup();
        Err(WeakPassword { feedback })
    }
}

/// The user's email local part and name parts, lower-cased, of 3 characters or more.
fn personal_words(context: &PolicyContext<'_>) -> Vec<String> {
    std::iter::once(context.email.local_part())
        .chain(context.name.split_whitespace())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::OsRandom;

    fn password(raw: &str) -> Password {
        Password::parse(raw.into()).unwrap()
    }

    fn check(raw: &str, require_strong: bool) -> Result<(), WeakPassword> {
        let email = EmailAddress::parse("casey.client@example.com").unwrap();
        check_policy(
            &password(raw),
            &PolicyContext {
                require_strong,
                email: &email,
                name: "Casey Client",
            },
        )
    }

    #[test]
    fn a_hash_is_argon2id_with_the_agreed_cost_and_verifies_only_its_password() {
        let hashed = hash(&password("correct horse battery staple"), &OsRandom).unwrap();
        assert!(
            hashed
                .as_str()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        assert!(verify(&password("correct horse battery staple"), &hashed));
        assert!(!verify(&password("correct horse battery stapl"), &hashed));
        assert!(!verify(
            &password("whatever it is"),
            &PasswordHash::from_stored("garbage".into())
        ));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        let one = hash(&password("correct horse battery staple"), &OsRandom).unwrap();
        let two = hash(&password("correct horse battery staple"), &OsRandom).unwrap();
        assert_ne!(one, two);
    }

    #[test]
    fn the_shipped_list_has_the_ten_thousand_most_common_passwords() {
        assert_eq!(COMMON.len(), 10_000);
        assert!(COMMON.contains("password") && COMMON.contains("123456"));
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_policy() {
        for raw in ["password", "PASSWORD", "12345678", "iloveyou", "baseball"] {
            assert!(check(raw, false).is_err(), "{raw}");
        }
    }

    #[test]
    fn passwords_containing_the_users_email_or_name_are_refused() {
        for raw in ["casey.client-2024", "my name is Client!", "xx CASEY xx"] {
            let weak = check(raw, false).unwrap_err();
            assert!(weak.feedback[0].contains("name or email"), "{raw}");
        }
    }

    #[test]
    fn an_ordinary_uncommon_password_passes_the_basic_policy() {
        assert_eq!(check("lantern-orbit", false), Ok(()));
    }

    #[test]
    fn a_strong_policy_wants_twelve_characters_and_a_zxcvbn_score_of_three() {
        let short = check("Tr0ub4dor&3", true).unwrap_err();
        assert!(short.feedback.iter().any(|f| f.contains("12 characters")));
        let guessable = check("aaaaaaaaaaaaaaaa", true).unwrap_err();
        assert_eq!(guessable.feedback[0], "The password is too easy to guess.");
        assert!(guessable.feedback.len() > 1, "with zxcvbn's advice");
        assert_eq!(check("violet tractor mandolin sleet", true), Ok(()));
    }
}
