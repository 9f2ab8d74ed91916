//! The dev inbox: what the emulator was asked to send, as a page (the portal's
//! own pages are the built app in `portal/`, served by [`crate::portal`]).

use html_escape::{encode_double_quoted_attribute, encode_text};

use crate::emulator::Outbox;

/// The inbox's style sheet, served at `/_dev/inbox.css`.
pub const INBOX_CSS: &str = include_str!("../assets/inbox.css");

/// The outbox as a page: every email (its HTML in a sandboxed frame, links
/// clickable) and every SMS, newest first.
pub fn inbox_page(outbox: &Outbox) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dev inbox · Portcullis</title>\
         <link rel=\"stylesheet\" href=\"/_dev/inbox.css\"></head><body><h1>Dev inbox</h1>\
         <p>What the emulator was asked to send. <a href=\"/_dev/outbox\">As JSON</a>.</p>",
    );
    html.push_str(&format!("<h2>Email ({})</h2>", outbox.emails.len()));
    for email in outbox.emails.iter().rev() {
        let document = format!("<base target=\"_top\">{}", email.body);
        html.push_str(&format!(
            "<article><p><strong>To:</strong> {}<br><strong>Subject:</strong> {}</p>\
             <iframe sandbox=\"allow-top-navigation-by-user-activation allow-popups\" srcdoc=\"{}\"></iframe></article>",
            encode_text(&email.to.join(", ")),
            encode_text(&email.subject),
            encode_double_quoted_attribute(&document),
        ));
    }
    html.push_str(&format!("<h2>SMS ({})</h2>", outbox.sms.len()));
    for sms in outbox.sms.iter().rev() {
        html.push_str(&format!(
            "<article><p><strong>To:</strong> {}</p><p>{}</p></article>",
            encode_text(&sms.to),
            encode_text(&sms.message),
        ));
    }
    html.push_str(&format!("<h2>Push ({})</h2>", outbox.pushes.len()));
    for push in outbox.pushes.iter().rev() {
        let (alert, data) = push_summary(&push.message);
        html.push_str(&format!(
            "<article><p><strong>To device:</strong> {}</p><p>{}</p><pre>{}</pre></article>",
            encode_text(&push.device_token),
            encode_text(&alert),
            encode_text(&data),
        ));
    }
    html.push_str("</body></html>");
    html
}

/// What a phone would show of a push (its alert) and what the app reads (the
/// challenge, the numbers to pick from, where the sign-in comes from).
fn push_summary(message: &str) -> (String, String) {
    let parsed: serde_json::Value = serde_json::from_str(message).unwrap_or_default();
    // A platform's payload is itself JSON, in a string.
    let payload = |platform: &str| {
        parsed[platform]
            .as_str()
            .and_then(|payload| serde_json::from_str::<serde_json::Value>(payload).ok())
    };
    let (apns, fcm) = (payload("APNS"), payload("GCM"));
    // moto keeps the `default` text; LocalStack only the endpoint's own payload.
    let alert = parsed["default"]
        .as_str()
        .or_else(|| apns.as_ref().and_then(|apns| apns["aps"]["alert"].as_str()))
        .or_else(|| {
            fcm.as_ref()
                .and_then(|fcm| fcm["notification"]["body"].as_str())
        })
        .unwrap_or(message)
        .to_owned();
    let data = apns
        .map(|apns| apns["portcullis"].clone())
        .or_else(|| {
            fcm.and_then(|fcm| fcm["data"]["portcullis"].as_str().map(str::to_owned))
                .and_then(|data| serde_json::from_str(&data).ok())
        })
        .map(|data| serde_json::to_string_pretty(&data).unwrap_or_default())
        .unwrap_or_default();
    (alert, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::SentPush;

    #[test]
    fn the_inbox_shows_a_push_as_its_alert_and_the_apps_data() {
        let message = serde_json::json!({
            "default": "Approve a sign-in to <Example> LLP?",
            "APNS": serde_json::json!({"portcullis": {"choices": [12, 34, 56]}}).to_string(),
        });
        let outbox = Outbox {
            pushes: vec![SentPush {
                device_token: "ab".repeat(32),
                endpoint_arn: "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/x/y".into(),
                message: message.to_string(),
            }],
            ..Outbox::default()
        };
        let page = inbox_page(&outbox);
        assert!(page.contains("<h2>Push (1)</h2>"));
        assert!(page.contains("Approve a sign-in to &lt;Example&gt; LLP?"));
        assert!(page.contains("&quot;choices&quot;") || page.contains("\"choices\""));
        assert!(page.contains("56"));
    }

    #[test]
    fn a_push_kept_as_only_its_platforms_payload_shows_the_same() {
        let data = serde_json::json!({"choices": [12, 34, 56]});
        let apns = serde_json::json!({
            "aps": {"alert": "Approve a sign-in to Example LLP?"},
            "portcullis": data,
        });
        let fcm = serde_json::json!({
            "notification": {"body": "Approve a sign-in to Example LLP?"},
            "data": {"portcullis": data.to_string()},
        });
        for message in [
            serde_json::json!({"APNS": apns.to_string()}),
            serde_json::json!({"GCM": fcm.to_string()}),
        ] {
            let (alert, shown) = push_summary(&message.to_string());
            assert_eq!(alert, "Approve a sign-in to Example LLP?");
            assert_eq!(shown, serde_json::to_string_pretty(&data).unwrap());
        }
    }
}
