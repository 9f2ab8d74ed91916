use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// The email carrying a client's one-time sign-in link.
pub fn login_link_email(language: Language, name: &str, link: &str) -> Rendered {
    let (subject, greeting, body, action, closing) = match language {
        Language::En => (
            "Your secure sign-in link".to_owned(),
            format!("Hello {name},"),
            "Use the button below to sign in to your secure client portal. \
             The link is valid for 1 hour and works once."
                .to_owned(),
            "Sign in to the portal",
            vec![
                "If you did not ask for this link, you can ignore this email.".to_owned(),
                "Never forward this email: the link signs in whoever opens it.".to_owned(),
            ],
        ),
        Language::Fr => (
            "Votre lien de connexion sécurisé".to_owned(),
            format!("Bonjour {name},"),
            "Utilisez le bouton ci-dessous pour vous connecter à votre portail client \
             sécurisé. Le lien est valable 1 heure et ne fonctionne qu'une fois."
                .to_owned(),
            "Se connecter au portail",
            vec![
                "Si vous n'avez pas demandé ce lien, vous pouvez ignorer ce message.".to_owned(),
                "Ne transférez jamais ce message : le lien connecte quiconque l'ouvre.".to_owned(),
            ],
        ),
        Language::Es => (
            "Su enlace de acceso seguro".to_owned(),
            format!("Hola {name}:"),
            "Use el botón de abajo para acceder a su portal de cliente seguro. \
             El enlace es válido durante 1 hora y funciona una sola vez."
                .to_owned(),
            "Acceder al portal",
            vec![
                "Si no ha solicitado este enlace, puede ignorar este mensaje.".to_owned(),
                "No reenvíe nunca este mensaje: el enlace da acceso a quien lo abra.".to_owned(),
            ],
        ),
    };
    render(Content {
        language,
        subject,
        greeting,
        paragraphs: vec![body],
        action: Some((action, link)),
        action_qr: None,
        closing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://portal.example.com/auth/verify?token=abc&x=1";

    #[test]
    fn every_language_says_the_link_and_its_one_hour_validity() {
        for (language, hour) in [
            (Language::En, "1 hour"),
            (Language::Fr, "1 heure"),
            (Language::Es, "1 hora"),
        ] {
            let email = login_link_email(language, "Casey", LINK);
            assert!(email.text.contains(LINK), "{language}");
            assert!(email.text.contains(hour), "{language}");
            assert!(email.html.contains(hour), "{language}");
            assert!(
                email
                    .html
                    .contains(&format!("lang=\"{}\"", language.code()))
            );
        }
    }

    #[test]
    fn the_html_part_escapes_what_it_interpolates() {
        let email = login_link_email(Language::En, "<script>x</script>", LINK);
        assert!(!email.html.contains("<script>"));
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(email.html.contains("token=abc&amp;x=1"));
    }
}
