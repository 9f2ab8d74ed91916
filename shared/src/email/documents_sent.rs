use super::Rendered;
use super::layout::{Content, open_portal_label, render, sign_in_button_note};
use crate::domain::Language;

/// What arrived: shared by both directions' notifications.
pub struct Delivery<'a> {
    /// Who sent the documents: a client's name, or the firm's.
    pub sender: &'a str,
    pub case_title: &'a str,
    pub file_names: &'a [&'a str],
    pub message: Option<&'a str>,
}

fn documents(language: Language, count: usize) -> String {
    match (language, count) {
        (Language::En, 1) => "1 document".to_owned(),
        (Language::En, n) => format!("{n} documents"),
        (Language::Fr, 1) => "1 document".to_owned(),
        (Language::Fr, n) => format!("{n} documents"),
        (Language::Es, 1) => "1 documento".to_owned(),
        (Language::Es, n) => format!("{n} documentos"),
    }
}

/// The files, one per line, then the sender's message, quoted.
fn details(language: Language, delivery: &Delivery<'_>) -> Vec<String> {
    let files = delivery
        .file_names
        .iter()
        .map(|name| format!("• {name}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paragraphs = vec![files];
    if let Some(message) = delivery.message {
        let said = match language {
            Language::En => format!("{} wrote:", delivery.sender),
            Language::Fr => format!("{} a écrit :", delivery.sender),
            Language::Es => format!("{} escribió:", delivery.sender),
        };
        paragraphs.push(format!("{said} “{message}”"));
    }
    paragraphs
}

/// To the firm users responsible for a case: a client sent documents.
pub fn documents_received_email(
    language: Language,
    name: &str,
    delivery: &Delivery<'_>,
    case_url: &str,
) -> Rendered {
    let count = documents(language, delivery.file_names.len());
    let (sender, case) = (delivery.sender, delivery.case_title);
    let (subject, greeting, intro, action) = match language {
        Language::En => (
            format!("{sender} sent {count}"),
            format!("Hello {name},"),
            format!("{sender} sent {count} in the case “{case}”:"),
            "Open the case",
        ),
        Language::Fr => (
            format!("{sender} a envoyé {count}"),
            format!("Bonjour {name},"),
            format!("{sender} a envoyé {count} dans le dossier « {case} » :"),
            "Ouvrir le dossier",
        ),
        Language::Es => (
            format!("{sender} ha enviado {count}"),
            format!("Hola {name}:"),
            format!("{sender} ha enviado {count} en el asunto «{case}»:"),
            "Abrir el asunto",
        ),
    };
    let mut paragraphs = vec![intro];
    paragraphs.extend(details(language, delivery));
    render(Content {
        language,
        subject,
        greeting,
        paragraphs,
        action: Some((action, case_url)),
        action_qr: None,
        closing: Vec::new(),
    })
}

/// To a case's clients: the firm shared documents, with a fresh sign-in link.
pub fn documents_shared_email(
    language: Language,
    name: &str,
    delivery: &Delivery<'_>,
    sign_in_url: &str,
) -> Rendered {
    let count = documents(language, delivery.file_names.len());
    let (firm, case) = (delivery.sender, delivery.case_title);
    let (subject, greeting, intro) = match language {
        Language::En => (
            format!("{firm} shared {count} with you"),
            format!("Hello {name},"),
            format!("{firm} shared {count} with you in the case “{case}”:"),
        ),
        Language::Fr => (
            format!("{firm} a partagé {count} avec vous"),
            format!("Bonjour {name},"),
            format!("{firm} a partagé {count} avec vous dans le dossier « {case} » :"),
        ),
        Language::Es => (
            format!("{firm} ha compartido {count} con usted"),
            format!("Hola {name}:"),
            format!("{firm} ha compartido {count} con usted en el asunto «{case}»:"),
        ),
    };
    let mut paragraphs = vec![intro];
    paragraphs.extend(details(language, delivery));
    render(Content {
        language,
        subject,
        greeting,
        paragraphs,
        action: Some((open_portal_label(language), sign_in_url)),
        action_qr: None,
        closing: vec![sign_in_button_note(language)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 2] = ["Will.pdf", "Deed <draft>.docx"];

    fn delivery(message: Option<&'static str>) -> Delivery<'static> {
        Delivery {
            sender: "Casey Client",
            case_title: "Estate of Doe",
            file_names: &FILES,
            message,
        }
    }

    #[test]
    fn the_firm_is_told_who_sent_how_many_documents_with_the_message() {
        let email = documents_received_email(
            Language::En,
            "Avery",
            &delivery(Some("Signed copies attached")),
            "https://portal.example.com/cases/1",
        );
        assert_eq!(email.subject, "Casey Client sent 2 documents");
        assert!(email.text.contains("Signed copies attached"));
        assert!(email.text.contains("• Will.pdf"));
        assert!(email.html.contains("Deed &lt;draft&gt;.docx"));
    }

    #[test]
    fn a_client_gets_the_portal_button_in_their_language() {
        for (language, subject, button) in [
            (
                Language::En,
                "Casey Client shared 2 documents with you",
                "Open secure portal",
            ),
            (
                Language::Fr,
                "Casey Client a partagé 2 documents avec vous",
                "Ouvrir le portail sécurisé",
            ),
            (
                Language::Es,
                "Casey Client ha compartido 2 documentos con usted",
                "Abrir el portal seguro",
            ),
        ] {
            let email =
                documents_shared_email(language, "Casey", &delivery(None), "https://p/x?token=t");
            assert_eq!(email.subject, subject);
            assert!(
                email
                    .text
                    .contains(&format!("{button}: https://p/x?token=t"))
            );
        }
    }

    #[test]
    fn one_document_is_singular() {
        let one = Delivery {
            file_names: &["Will.pdf"],
            ..delivery(None)
        };
        let email = documents_received_email(Language::Es, "Avery", &one, "https://p");
        assert_eq!(email.subject, "Casey Client ha enviado 1 documento");
    }
}
