use std::fmt;

/// An email address as Portcullis stores and compares it: trimmed, ASCII, lower-cased.
///
/// The whole address is lower-cased, not only the domain: no mail provider a law
/// firm's client uses treats `Casey@` and `casey@` as different mailboxes, and a
/// client who types a capital letter must still get their sign-in link.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("That is not a valid email address.")]
pub struct InvalidEmail;

const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let candidate = raw.trim();
        if candidate.is_empty() || candidate.len() > MAX_LEN || !candidate.is_ascii() {
            return Err(InvalidEmail);
        }
        let (local, domain) = candidate.rsplit_once('@').ok_or(InvalidEmail)?;
        if !valid_local_part(local) || !valid_domain(domain) {
            return Err(InvalidEmail);
        }
        Ok(Self(candidate.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }
}

fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Addresses are personal data: debug output (and so most logs) shows only the domain.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.rsplit_once('@').map_or("", |(_, d)| d);
        write!(f, "EmailAddress(***@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_address_is_trimmed_and_lower_cased() {
        let email = EmailAddress::parse("  Casey.Client@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "casey.client@example.com");
        assert_eq!(email.local_part(), "casey.client");
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for raw in [
            "",
            "no-at-sign",
            "@example.com",
            "casey@",
            "casey@localhost",
            "casey@example..com",
            "ca sey@example.com",
            ".casey@example.com",
            "casey.@example.com",
            "ca..sey@example.com",
            "casey@-example.com",
            "casey@example.c0m",
            "casé@example.com",
            "casey@example.com\r\nBcc: x@y.com",
        ] {
            assert_eq!(EmailAddress::parse(raw), Err(InvalidEmail), "{raw:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long_local), Err(InvalidEmail));
    }

    #[test]
    fn debug_output_hides_the_mailbox() {
        let email = EmailAddress::parse("casey@example.com").unwrap();
        assert_eq!(format!("{email:?}"), "EmailAddress(***@example.com)");
    }
}
