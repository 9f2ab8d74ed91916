use time::Date;

use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// A date as each language writes it in a sentence.
fn spelled(language: Language, date: Date) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let month = usize::from(u8::from(date.month())) - 1;
    let (day, year) = (date.day(), date.year());
    match language {
        Language::En => format!("{day} {} {year}", EN[month]),
        Language::Fr => format!("{day} {} {year}", FR[month]),
        Language::Es => format!("{day} de {} de {year}", ES[month]),
    }
}

/// The notice a firm user gets 14 days before their password expires.
pub fn password_expiry_email(
    language: Language,
    name: &str,
    expires_on: Date,
    link: &str,
) -> Rendered {
    let on = spelled(language, expires_on);
    let (subject, greeting, body, action) = match language {
        Language::En => (
            "Your password expires soon",
            format!("Hello {name},"),
            format!(
                "Your firm's policy requires a new password regularly: yours expires on {on}. \
                 Change it before then in the portal; after that date you will be asked to \
                 choose a new one when you sign in."
            ),
            "Open the portal",
        ),
        Language::Fr => (
            "Votre mot de passe expire bientôt",
            format!("Bonjour {name},"),
            format!(
                "La politique de votre cabinet impose de changer régulièrement de mot de \
                 passe : le vôtre expire le {on}. Changez-le d'ici là dans le portail ; après \
                 cette date, un nouveau mot de passe vous sera demandé à la connexion."
            ),
            "Ouvrir le portail",
        ),
        Language::Es => (
            "Su contraseña caduca pronto",
            format!("Hola {name}:"),
            format!(
                "La política de su despacho exige cambiar la contraseña con regularidad: la \
                 suya caduca el {on}. Cámbiela antes en el portal; después de esa fecha se le \
                 pedirá una nueva al iniciar sesión."
            ),
            "Abrir el portal",
        ),
    };
    render(Content {
        language,
        subject: subject.to_owned(),
        greeting,
        paragraphs: vec![body],
        action: Some((action, link)),
        action_qr: None,
        closing: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn every_language_says_the_date() {
        for (language, said) in [
            (Language::En, "3 March 2027"),
            (Language::Fr, "3 mars 2027"),
            (Language::Es, "3 de marzo de 2027"),
        ] {
            let email = password_expiry_email(
                language,
                "Avery",
                date!(2027 - 03 - 03),
                "https://p.example",
            );
            assert!(email.text.contains(said), "{language}: {}", email.text);
            assert!(email.html.contains(said), "{language}");
        }
    }
}
