use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// The email carrying a firm user's link to choose a new password.
pub fn password_reset_email(language: Language, name: &str, link: &str) -> Rendered {
    let (subject, greeting, body, action, closing) = match language {
        Language::En => (
            "Choose a new password",
            format!("Hello {name},"),
            "Someone asked to reset the password of your account. Use the button below \
             to choose a new one. The link is valid for 1 hour and works once.",
            "Choose a new password",
            "If you did not ask for this, ignore this email: your password stays as it is.",
        ),
        Language::Fr => (
            "Choisissez un nouveau mot de passe",
            format!("Bonjour {name},"),
            "Une réinitialisation du mot de passe de votre compte a été demandée. Utilisez \
             le bouton ci-dessous pour en choisir un nouveau. Le lien est valable 1 heure \
             et ne fonctionne qu'une fois.",
            "Choisir un nouveau mot de passe",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre \
             mot de passe reste inchangé.",
        ),
        Language::Es => (
            "Elija una nueva contraseña",
            format!("Hola {name}:"),
            "Se ha solicitado restablecer la contraseña de su cuenta. Use el botón de abajo \
             para elegir una nueva. El enlace es válido durante 1 hora y funciona una sola vez.",
            "Elegir una nueva contraseña",
            "Si no lo ha solicitado usted, ignore este mensaje: su contraseña no cambia.",
        ),
    };
    render(Content {
        language,
        subject: subject.to_owned(),
        greeting,
        paragraphs: vec![body.to_owned()],
        action: Some((action, link)),
        action_qr: None,
        closing: vec![closing.to_owned()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_gives_the_link_and_its_one_hour_validity() {
        for (language, hour) in [
            (Language::En, "1 hour"),
            (Language::Fr, "1 heure"),
            (Language::Es, "1 hora"),
        ] {
            let email =
                password_reset_email(language, "Avery", "https://p.example/auth/reset?token=t");
            assert!(
                email.text.contains("https://p.example/auth/reset?token=t"),
                "{language}"
            );
            assert!(email.html.contains(hour), "{language}");
        }
    }
}
