use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// To a firm user whose second factors an administrator removed.
pub fn mfa_disabled_email(language: Language, name: &str, portal_url: &str) -> Rendered {
    let (subject, greeting, body, closing) = match language {
        Language::En => (
            "Two-step sign-in was turned off on your account",
            format!("Hello {name},"),
            "An administrator of your firm removed the second factors of your account \
             (authenticator app, phones and backup codes) and signed you out everywhere. You can \
             sign in with your password alone; please set up a second factor again.",
            "If you did not expect this, contact your firm's administrator at once.",
        ),
        Language::Fr => (
            "La connexion en deux étapes a été désactivée sur votre compte",
            format!("Bonjour {name},"),
            "Un administrateur de votre cabinet a supprimé les seconds facteurs de votre \
             compte (application d'authentification, téléphones et codes de secours) et vous a \
             déconnecté partout. Vous pouvez vous connecter avec votre seul mot de passe ; \
             configurez de nouveau un second facteur.",
            "Si vous ne vous y attendiez pas, contactez immédiatement l'administrateur de \
             votre cabinet.",
        ),
        Language::Es => (
            "Se ha desactivado el acceso en dos pasos de su cuenta",
            format!("Hola {name}:"),
            "Un administrador de su despacho ha eliminado los segundos factores de su \
             cuenta (aplicación de autenticación, teléfonos y códigos de respaldo) y ha cerrado todas \
             sus sesiones. Puede acceder solo con su contraseña; vuelva a configurar un \
             segundo factor.",
            "Si no lo esperaba, póngase en contacto de inmediato con el administrador de \
             su despacho.",
        ),
    };
    render(Content {
        language,
        subject: subject.to_owned(),
        greeting,
        paragraphs: vec![body.to_owned()],
        action: Some((
            match language {
                Language::En => "Open the portal",
                Language::Fr => "Ouvrir le portail",
                Language::Es => "Abrir el portal",
            },
            portal_url,
        )),
        action_qr: None,
        closing: vec![closing.to_owned()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_mfa_is_off_and_to_set_it_up_again() {
        for (language, words) in [
            (Language::En, "set up a second factor again"),
            (Language::Fr, "configurez de nouveau un second facteur"),
            (Language::Es, "vuelva a configurar un"),
        ] {
            let email = mfa_disabled_email(language, "Ada", "https://portal.example.com");
            assert!(email.text.contains(words), "{language}");
        }
    }
}
