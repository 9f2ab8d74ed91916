//! The HTML pages the dev server adds: the portal's pages behind the emailed links
//! (sign-in and password reset; in production the portal front end serves them),
//! and the dev inbox.

use html_escape::{encode_double_quoted_attribute, encode_text};

use crate::emulator::Outbox;

/// The pages' scripts and style sheet, served from `/assets/` (their
/// Content-Security-Policy allows no inline script).
pub const ASSETS: [(&str, &str, &str); 4] = [
    (
        "portal.css",
        "text/css",
        include_str!("../assets/portal.css"),
    ),
    (
        "verify.js",
        "text/javascript",
        include_str!("../assets/verify.js"),
    ),
    (
        "reset.js",
        "text/javascript",
        include_str!("../assets/reset.js"),
    ),
    (
        "recovery.js",
        "text/javascript",
        include_str!("../assets/recovery.js"),
    ),
];

/// The page a login link opens. Loading it changes nothing: email scanners fetch
/// links, so only the button's POST (made by script, from the query string) spends
/// the token.
pub const VERIFY_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Portcullis</title>
<link rel="stylesheet" href="/assets/portal.css">
</head><body>
<h1>Secure client portal</h1>
<p>Press the button to finish signing in. The link works once.</p>
<button id="continue" type="button">Continue to the portal</button>
<p id="status" role="status"></p>
<pre id="profile" hidden></pre>
<script src="/assets/verify.js"></script>
</body></html>
"#;

/// The page a password-reset link opens. Like the sign-in page, loading it
/// changes nothing; the form's POST spends the token.
pub const RESET_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Choose a new password · Portcullis</title>
<link rel="stylesheet" href="/assets/portal.css">
</head><body>
<h1>Choose a new password</h1>
<form id="reset"><label>New password <input id="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128"></label>
<button type="submit">Set the password</button></form>
<p id="status" role="status"></p>
<script src="/assets/reset.js"></script>
</body></html>
"#;

/// The page an account-recovery link opens: where the link stands (a GET, which
/// does not spend it), and a button that hands the user to the identity check.
pub const RECOVERY_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Recover your account · Portcullis</title>
<link rel="stylesheet" href="/assets/portal.css">
</head><body>
<h1>Recover your account</h1>
<p id="status" role="status">Checking the link…</p>
<button id="start" type="button" hidden>Confirm who I am</button>
<script src="/assets/recovery.js"></script>
</body></html>
"#;

/// Where the manual reviewer's `verification_url` leads: what happens next.
pub const REVIEW_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Identity check · Portcullis</title>
<link rel="stylesheet" href="/assets/portal.css">
</head><body>
<h1>Your identity check</h1>
<p>An administrator of your firm will contact you to confirm who you are. Once they
approve, two-step sign-in is turned off on your account and you are emailed: sign in
with your password and set it up again.</p>
</body></html>
"#;

/// The outbox as a page: every email (its HTML in a sandboxed frame, links
/// clickable) and every SMS, newest first.
pub fn inbox_page(outbox: &Outbox) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dev inbox · Portcullis</title>\
         <link rel=\"stylesheet\" href=\"/assets/portal.css\"></head><body class=\"inbox\"><h1>Dev inbox</h1>\
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
