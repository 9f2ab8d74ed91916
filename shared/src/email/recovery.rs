//! The emails of account recovery: the link to the identity check, and its result.

use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// To a firm user whose account recovery support opened: the 72-hour link.
pub fn recovery_link_email(language: Language, name: &str, link: &str) -> Rendered {
    let (subject, greeting, body, action, qr, closing) = match language {
        Language::En => (
            "Recover access to your account",
            format!("Hello {name},"),
            "Support opened a recovery of your account, because you can no longer pass \
             two-step sign-in. Use the button below to confirm who you are. The link \
             expires in 72 hours and works once.",
            "Confirm who I am",
            "Or scan this QR code with your phone's camera to open the link there:",
            "If you did not ask for this, contact your firm's administrator at once.",
        ),
        Language::Fr => (
            "Récupérez l'accès à votre compte",
            format!("Bonjour {name},"),
            "Le support a ouvert une récupération de votre compte, car vous ne pouvez plus \
             passer la connexion en deux étapes. Utilisez le bouton ci-dessous pour \
             confirmer votre identité. Le lien expire dans 72 heures et ne fonctionne \
             qu'une fois.",
            "Confirmer mon identité",
            "Ou scannez ce code QR avec l'appareil photo de votre téléphone pour y ouvrir le lien :",
            "Si vous n'êtes pas à l'origine de cette demande, contactez immédiatement \
             l'administrateur de votre cabinet.",
        ),
        Language::Es => (
            "Recupere el acceso a su cuenta",
            format!("Hola {name}:"),
            "El soporte ha abierto una recuperación de su cuenta, porque ya no puede \
             completar el acceso en dos pasos. Use el botón de abajo para confirmar su \
             identidad. El enlace caduca en 72 horas y funciona una sola vez.",
            "Confirmar mi identidad",
            "O escanee este código QR con la cámara de su teléfono para abrir allí el enlace:",
            "Si no lo ha solicitado usted, póngase en contacto de inmediato con el \
             administrador de su despacho.",
        ),
    };
    render(Content {
        language,
        subject: subject.to_owned(),
        greeting,
        paragraphs: vec![body.to_owned()],
        action: Some((action, link)),
        action_qr: Some(qr.to_owned()),
        closing: vec![closing.to_owned()],
    })
}

/// To a firm user whose identity check passed: two-step sign-in is off.
pub fn recovery_passed_email(language: Language, name: &str, portal_url: &str) -> Rendered {
    let (subject, greeting, body, action) = match language {
        Language::En => (
            "Your account is recovered: set up two-step sign-in again",
            format!("Hello {name},"),
            "Your identity was confirmed. Two-step sign-in is now off on your account and \
             you were signed out everywhere. Sign in with your password and set up a \
             second factor again.",
            "Sign in",
        ),
        Language::Fr => (
            "Votre compte est récupéré : configurez de nouveau la connexion en deux étapes",
            format!("Bonjour {name},"),
            "Votre identité a été confirmée. La connexion en deux étapes est désormais \
             désactivée sur votre compte et vous avez été déconnecté partout. Connectez-vous \
             avec votre mot de passe et configurez de nouveau un second facteur.",
            "Se connecter",
        ),
        Language::Es => (
            "Su cuenta está recuperada: vuelva a configurar el acceso en dos pasos",
            format!("Hola {name}:"),
            "Se ha confirmado su identidad. El acceso en dos pasos está desactivado en su \
             cuenta y se han cerrado todas sus sesiones. Acceda con su contraseña y vuelva \
             a configurar un segundo factor.",
            "Acceder",
        ),
    };
    render(Content {
        language,
        subject: subject.to_owned(),
        greeting,
        paragraphs: vec![body.to_owned()],
        action: Some((action, portal_url)),
        action_qr: None,
        closing: vec![],
    })
}

/// To a firm user whose identity check failed: nothing changed; contact support.
pub fn recovery_failed_email(language: Language, name: &str) -> Rendered {
    let (subject, greeting, body) = match language {
        Language::En => (
            "We could not confirm your identity",
            format!("Hello {name},"),
            "The identity check of your account recovery did not succeed, so nothing was \
             changed on your account. Please contact support to continue.",
        ),
        Language::Fr => (
            "Nous n'avons pas pu confirmer votre identité",
            format!("Bonjour {name},"),
            "La vérification d'identité de la récupération de votre compte n'a pas abouti ; \
             rien n'a été modifié sur votre compte. Veuillez contacter le support pour \
             continuer.",
        ),
        Language::Es => (
            "No hemos podido confirmar su identidad",
            format!("Hola {name}:"),
            "La verificación de identidad de la recuperación de su cuenta no ha tenido \
             éxito, por lo que no se ha cambiado nada en su cuenta. Póngase en contacto con \
             el soporte para continuar.",
        ),
    };
    render(Content {
        language,
        subject: subject.to_owned(),
        greeting,
        paragraphs: vec![body.to_owned()],
        action: None,
        action_qr: None,
        closing: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_gives_the_link_and_its_72_hours_and_each_result() {
        for (language, hours, again, support) in [
            (
                Language::En,
                "72 hours",
                "set up a second factor again",
                "contact support",
            ),
            (
                Language::Fr,
                "72 heures",
                "configurez de nouveau un second facteur",
                "contacter le support",
            ),
            (
                Language::Es,
                "72 horas",
                "vuelva a configurar un segundo factor",
                "contacto con el soporte",
            ),
        ] {
            let link = "https://portal.example-law-firm.com/recovery?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
            let email = recovery_link_email(language, "Avery", link);
            assert!(
                email.text.contains(link) && email.text.contains(hours),
                "{language}"
            );
            // The link's QR code under its button, announced as an image.
            assert!(email.html.contains("<table role=\"img\""), "{language}");
            // Under the 102 kB past which Gmail clips a message, QR code and all.
            assert!(
                email.html.len() < 100_000,
                "{language}: {}",
                email.html.len()
            );
            let passed = recovery_passed_email(language, "Avery", "https://p.example");
            assert!(passed.text.contains(again), "{language}");
            let failed = recovery_failed_email(language, "Avery");
            assert!(failed.text.contains(support), "{language}");
        }
    }
}
