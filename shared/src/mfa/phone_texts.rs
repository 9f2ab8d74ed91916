//! Every short text Portcullis sends to a phone (SMS codes, push alerts), in every
//! supported language.

use crate::domain::Language;

use crate::mfa::SmsCode;

/// The text carrying a sign-in or enrolment code.
pub fn code_text(language: Language, code: &SmsCode) -> String {
    let code = code.expose();
    match language {
        Language::En => {
            format!("Your Portcullis code is {code}. It expires in 10 minutes. Never share it.")
        }
        Language::Fr => format!(
            "Votre code Portcullis est {code}. Il expire dans 10 minutes. Ne le communiquez à personne."
        ),
        Language::Es => format!(
            "Su código de Portcullis es {code}. Caduca en 10 minutos. No lo comparta con nadie."
        ),
    }
}

/// The alert of a push asking to approve a sign-in.
pub fn push_alert_text(language: Language, firm: &str) -> String {
    match language {
        Language::En => format!("Approve a sign-in to {firm}? Pick the number shown on screen."),
        Language::Fr => {
            format!("Approuver une connexion à {firm} ? Choisissez le nombre affiché à l'écran.")
        }
        Language::Es => format!(
            "¿Aprobar un inicio de sesión en {firm}? Elija el número que aparece en la pantalla."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_gives_the_code_and_its_ten_minutes() {
        let code = SmsCode::parse("012345").unwrap();
        for (language, minutes) in [
            (Language::En, "10 minutes"),
            (Language::Fr, "10 minutes"),
            (Language::Es, "10 minutos"),
        ] {
            let text = code_text(language, &code);
            assert!(
                text.contains("012345") && text.contains(minutes),
                "{language}"
            );
        }
    }
}
