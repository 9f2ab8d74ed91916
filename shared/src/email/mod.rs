//! Every message Portcullis emails, in every supported language, as plain text and
//! HTML. Templates take already-parsed values; everything interpolated into HTML is
//! escaped here, in one place.

mod case_shared;
mod documents_sent;
mod invitation;
mod layout;
mod login_link;
mod mfa_disabled;
mod password_expiry;
mod password_reset;
mod recovery;

use crate::domain::EmailAddress;
use crate::ports::OutgoingEmail;

pub use case_shared::case_shared_email;
pub use documents_sent::{Delivery, documents_received_email, documents_shared_email};
pub use invitation::invitation_email;
pub use login_link::login_link_email;
pub use mfa_disabled::mfa_disabled_email;
pub use password_expiry::password_expiry_email;
pub use password_reset::password_reset_email;
pub use recovery::{recovery_failed_email, recovery_link_email, recovery_passed_email};

/// A message rendered for one recipient, before addressing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Rendered {
    /// The message addressed to `to`, ready for the mailer.
    pub fn to(self, to: &EmailAddress) -> OutgoingEmail {
        OutgoingEmail {
            to: to.clone(),
            subject: self.subject,
            text: self.text,
            html: self.html,
        }
    }
}
