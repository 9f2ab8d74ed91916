use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// The email inviting a new firm user to choose their password.
pub fn invitation_email(language: Language, name: &str, firm: &str, link: &str) -> Rendered {
    let (subject, greeting, body, action, closing) = match language {
        Language::En => (
            format!("You are invited to the {firm} portal"),
            format!("Hello {name},"),
            format!(
                "{firm} has created an account for you on its secure client portal. Use the \
                 button below to choose your password. The link is valid for 72 hours and works once."
            ),
            "Choose your password",
            "If you were not expecting this, you can ignore this email.",
        ),
        Language::Fr => (
            format!("Vous êtes invité sur le portail de {firm}"),
            format!("Bonjour {name},"),
            format!(
                "{firm} vous a créé un compte sur son portail client sécurisé. Utilisez le \
                 bouton ci-dessous pour choisir votre mot de passe. Le lien est valable \
                 72 heures et ne fonctionne qu'une fois."
            ),
            "Choisir mon mot de passe",
            "Si vous n'attendiez pas ce message, vous pouvez l'ignorer.",
        ),
        Language::Es => (
            format!("Le invitamos al portal de {firm}"),
            format!("Hola {name}:"),
            format!(
                "{firm} le ha creado una cuenta en su portal de clientes seguro. Use el botón \
                 de abajo para elegir su contraseña. El enlace es válido durante 72 horas y \
                 funciona una sola vez."
            ),
            "Elegir mi contraseña",
            "Si no esperaba este mensaje, puede ignorarlo.",
        ),
    };
    render(Content {
        language,
        subject,
        greeting,
        paragraphs: vec![body],
        action: Some((action, link)),
        action_qr: None,
        closing: vec![closing.to_owned()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_gives_the_link_and_its_72_hour_validity() {
        for (language, hours) in [
            (Language::En, "72 hours"),
            (Language::Fr, "72 heures"),
            (Language::Es, "72 horas"),
        ] {
            let email = invitation_email(
                language,
                "Avery",
                "Example LLP",
                "https://p.example/auth/reset?token=t",
            );
            assert!(
                email.text.contains("https://p.example/auth/reset?token=t"),
                "{language}"
            );
            assert!(email.html.contains(hours), "{language}");
            assert!(email.subject.contains("Example LLP"), "{language}");
        }
    }
}
