use html_escape::{encode_double_quoted_attribute, encode_text};

use crate::domain::Language;
use crate::qr::qr_html_table;

/// One email's content before it is laid out: a greeting, paragraphs, one call to
/// action, and closing lines.
pub(super) struct Content<'a> {
    pub language: Language,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub action: Option<(&'a str, &'a str)>,
    /// A QR code of the action's address under its button, with this caption,
    /// for opening the link on a phone.
    pub action_qr: Option<String>,
    pub closing: Vec<String>,
}

pub(super) fn render(content: Content<'_>) -> super::Rendered {
    let mut text = format!("{}\n\n", content.greeting);
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5\"><p>{}</p>",
        content.language.code(),
        encode_text(&content.subject),
        encode_text(&content.greeting),
    );
    for paragraph in &content.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", encode_text(paragraph)));
    }
    if let Some((label, url)) = content.action {
        text.push_str(&format!("{label}: {url}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 18px;background:#1f3a5f;\
             color:#fff;text-decoration:none;border-radius:4px\">{}</a></p>",
            encode_double_quoted_attribute(url),
            encode_text(label),
        ));
        if let Some(caption) = &content.action_qr {
            // An address too long for a QR code leaves the button alone.
            if let Ok(table) = qr_html_table(url, caption) {
                html.push_str(&format!(
                    "<p style=\"color:#555\">{}</p>{table}",
                    encode_text(caption)
                ));
            }
        }
    }
    for line in &content.closing {
        text.push_str(line);
        text.push('\n');
        html.push_str(&format!(
            "<p style=\"color:#555\">{}</p>",
            encode_text(line)
        ));
    }
    html.push_str("</body></html>");
    super::Rendered {
        subject: content.subject,
        text,
        html,
    }
}

/// The line under a button that signs a client in: what it does and how long.
pub(super) fn sign_in_button_note(language: Language) -> String {
    match language {
        Language::En => "The button signs you in to the portal. It is valid for 1 hour and works \
                         once; after that, request a new link from the portal."
            .to_owned(),
        Language::Fr => "Le bouton vous connecte au portail. Il est valable 1 heure et ne \
                         fonctionne qu'une fois ; ensuite, demandez un nouveau lien depuis le \
                         portail."
            .to_owned(),
        Language::Es => "El botón le da acceso al portal. Es válido durante 1 hora y funciona \
                         una sola vez; después, solicite un nuevo enlace desde el portal."
            .to_owned(),
    }
}

/// The label of the button that opens the portal for a client.
pub(super) fn open_portal_label(language: Language) -> &'static str {
    match language {
        Language::En => "Open secure portal",
        Language::Fr => "Ouvrir le portail sécurisé",
        Language::Es => "Abrir el portal seguro",
    }
}
