use super::Rendered;
use super::layout::{Content, open_portal_label, render, sign_in_button_note};
use crate::domain::Language;

/// To a client the firm added to a case, with a fresh sign-in link.
pub fn case_shared_email(
    language: Language,
    name: &str,
    firm: &str,
    case_title: &str,
    sign_in_url: &str,
) -> Rendered {
    let (subject, greeting, body) = match language {
        Language::En => (
            format!("{firm} shared a case with you"),
            format!("Hello {name},"),
            format!(
                "{firm} shared the case “{case_title}” with you on its secure client portal. \
                 There you can follow the case and exchange documents with the firm."
            ),
        ),
        Language::Fr => (
            format!("{firm} a partagé un dossier avec vous"),
            format!("Bonjour {name},"),
            format!(
                "{firm} a partagé le dossier « {case_title} » avec vous sur son portail client \
                 sécurisé. Vous pouvez y suivre le dossier et échanger des documents avec le \
                 cabinet."
            ),
        ),
        Language::Es => (
            format!("{firm} ha compartido un asunto con usted"),
            format!("Hola {name}:"),
            format!(
                "{firm} ha compartido el asunto «{case_title}» con usted en su portal de \
                 clientes seguro. Allí puede seguir el asunto e intercambiar documentos con \
                 el despacho."
            ),
        ),
    };
    render(Content {
        language,
        subject,
        greeting,
        paragraphs: vec![body],
        action: Some((open_portal_label(language), sign_in_url)),
        action_qr: None,
        closing: vec![sign_in_button_note(language)],
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
