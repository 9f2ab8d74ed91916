//! Drawing and sending SMS codes: 6 digits, valid 10 minutes, one every 60 s at
//! most per purpose, known to the store by an HMAC bound to that purpose.

use time::{Duration, OffsetDateTime};

use crate::Services;
use crate::domain::{Language, PhoneNumber, SentCode, SmsCode};
use crate::phone_texts::code_text;
use crate::ports::Conditional;

pub const CODE_TTL: Duration = Duration::minutes(10);
pub const RESEND_COOLDOWN: Duration = Duration::seconds(60);
const SMS_CODE_LABEL: &str = "sms-code";

/// What sending a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    Sent,
    /// The last code for this purpose went out less than 60 s ago: try again in
    /// this many seconds.
    TooSoon(u64),
}

/// The digest of `code` for the purpose `scope`: a code asked for by one sign-in
/// attempt is worthless for another.
pub fn code_digest(svc: &Services, scope: &str, code: &SmsCode) -> String {
    svc.key.digest_labelled(
        SMS_CODE_LABEL,
        format!("{scope}\0{}", code.expose()).as_bytes(),
    )
}

/// Draws a code for `scope`, stores it (replacing the previous one) and texts it.
pub async fn send_code(
    svc: &Services,
    scope: &str,
    phone: &PhoneNumber,
    language: Language,
) -> anyhow::Result<Sending> {
    let now = svc.clock.now();
    let code = SmsCode::generate(svc.random.as_ref());
    let sent = SentCode {
        digest: code_digest(svc, scope, &code),
        sent_at: now,
        expires_at: now + CODE_TTL,
        tries: 0,
    };
    if svc
        .store
        .put_sent_code(scope, &sent, now - RESEND_COOLDOWN)
        .await?
        == Conditional::Refused
    {
        return Ok(Sending::TooSoon(seconds_left(svc, scope, now).await?));
    }
    svc.sms.send_sms(phone, &code_text(language, &code)).await?;
    Ok(Sending::Sent)
}

async fn seconds_left(svc: &Services, scope: &str, now: OffsetDateTime) -> anyhow::Result<u64> {
    let last = svc.store.sent_code(scope).await?;
    let wait = last.map_or(RESEND_COOLDOWN, |last| last.sent_at + RESEND_COOLDOWN - now);
    Ok(u64::try_from(wait.whole_seconds()).unwrap_or(1).max(1))
}

/// Whether `raw` is the live code for `scope`; a right one is spent (once, even
/// under concurrent use), a wrong one counts as a try.
pub async fn redeem_code(svc: &Services, scope: &str, raw: &str) -> anyhow::Result<bool> {
    let now = svc.clock.now();
    let Some(code) = SmsCode::parse(raw) else {
        svc.store.fail_sent_code(scope).await?;
        return Ok(false);
    };
    let digest = code_digest(svc, scope, &code);
    let matches = svc
        .store
        .sent_code(scope)
        .await?
        .is_some_and(|sent| sent.digest == digest && sent.is_usable_at(now));
    if !matches {
        svc.store.fail_sent_code(scope).await?;
        return Ok(false);
    }
    Ok(svc.store.spend_sent_code(scope, &digest, now).await? == Conditional::Applied)
}
