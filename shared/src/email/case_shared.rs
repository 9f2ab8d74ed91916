use super::Rendered;
use super::layout::{Content, render};
use crate::domain::Language;

/// To a client the firm added to a case, with a fresh sign-in link.
pub fn case_shared_email(
    language: Language,
    name: &str,
    firm: &str,
    case_title: &str,
    sign_in_url: &str,
) -> Rendered {
    let (subject, greeting, body, action, closing) = match language {
        Language::En => (
            format!("{firm} shared a case with you"),
            format!("Hello {name},"),
            format!(
                "{firm} shared the case “{case_title}” with you on its secure client portal. \
                 There you can follow the case and exchange documents with the firm."
            ),
            "Open secure portal",
            "The button signs you in to the portal. It is valid for 1 hour and works once; \
             after that, request a new link from the portal.",
        ),
        Language::Fr => (
            format!("{firm} a partagé un dossier avec vous"),
            format!("Bonjour {name},"),
            format!(
                "{firm} a partagé le dossier « {case_title} » avec vous sur son portail client \
                 sécurisé. Vous pouvez y suivre le dossier et échanger des documents avec le \
                 cabinet."
            ),
            "Ouvrir le portail sécurisé",
            "Le bouton vous connecte au portail. Il est valable 1 heure et ne fonctionne \
             qu'une fois ; ensuite, demandez un nouveau lien depuis le portail.",
        ),
        Language::Es => (
            format!("{firm} ha compartido un asunto con usted"),
            format!("Hola {name}:"),
            format!(
                "{firm} ha compartido el asunto «{case_title}» con usted en su portal de \
                 clientes seguro. Allí puede seguir el asunto e intercambiar documentos con \
                 el despacho."
            ),
            "Abrir el portal seguro",
            "El botón le da acceso al portal. Es válido durante 1 hora y funciona una sola \
             vez; después, solicite un nuevo enlace desde el portal.",
        ),
    };
    render(Content {
        language,
        subject,
        greeting,
        paragraphs: vec![body],
        action: Some((action, sign_in_url)),
        closing: vec![closing.to_owned()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_the_firm_and_the_case_and_carries_the_link() {
        for language in [Language::En, Language::Fr, Language::Es] {
            let email = case_shared_email(
                language,
                "Casey",
                "Example LLP",
                "Estate of Doe",
                "https://p/auth/verify?token=t",
            );
            assert!(email.subject.starts_with("Example LLP"), "{language}");
            assert!(email.text.contains("Estate of Doe"), "{language}");
            assert!(email.text.contains("https://p/auth/verify?token=t"));
        }
    }
}
