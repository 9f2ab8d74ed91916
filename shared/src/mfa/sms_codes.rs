//! Drawing and sending SMS codes: 6 digits, valid 10 minutes, 5 tries, one every
//! 60 s at most per purpose, known to the store by an HMAC bound to that purpose.
//! Texts cost money and can be pumped to premium numbers, so every text also takes
//! a slot of two caps before it goes: the user's (an hour) and the phone
//! number's, across users (a day).

use time::{Duration, OffsetDateTime};

use crate::Services;
use crate::accounts::User;
use crate::domain::PhoneNumber;
use crate::mfa::phone_texts::code_text;
use crate::mfa::{MAX_CODE_TRIES, SentCode, SmsCode};
use crate::ports::Conditional;
use crate::sign_in::limits;
use crate::sign_in::limits::{Exceeded, Limit, Window};

pub const CODE_TTL: Duration = Duration::minutes(10);
pub const RESEND_COOLDOWN: Duration = Duration::seconds(60);
/// Texts one user may be sent in an hour, sign-in and enrolment codes alike.
pub const TEXTS_PER_USER_HOUR: u64 = 10;
/// Texts one phone number may be sent in a day, whoever asks.
pub const TEXTS_PER_PHONE_DAY: u64 = 20;
const SMS_CODE_LABEL: &str = "sms-code";

/// What sending a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    Sent,
    /// The last code for this purpose went out less than 60 s ago: try again in
    /// this many seconds.
    TooSoon(u64),
    /// The user or the phone number had all the texts they may have.
    OverCap(Exceeded),
}

/// The digest of `code` for the purpose `scope`: a code asked for by one sign-in
/// attempt is worthless for another.
pub fn code_digest(svc: &Services, scope: &str, code: &SmsCode) -> String {
    svc.keys
        .digest_labelled(SMS_CODE_LABEL, code_input(scope, code).as_bytes())
}

/// What a code's digest is taken of.
fn code_input(scope: &str, code: &SmsCode) -> String {
    format!("{scope}\0{}", code.expose())
}

/// Draws a code for `scope`, stores it (replacing the previous one) and texts it
/// to `user` at `phone`, in their language.
pub async fn send_code(
    svc: &Services,
    scope: &str,
    phone: &PhoneNumber,
    user: &User,
) -> anyhow::Result<Sending> {
    let now = svc.clock.now();
    let caps = [
        Limit::new(
            svc,
            "sms-user",
            &user.id.to_string(),
            TEXTS_PER_USER_HOUR,
            Window::Every(Duration::HOUR),
        ),
        Limit::new(
            svc,
            "sms-phone",
            phone.as_str(),
            TEXTS_PER_PHONE_DAY,
            Window::Every(Duration::DAY),
        ),
    ];
    let slots = match limits::take_all(svc, &caps).await? {
        Ok(slots) => slots,
        Err(exceeded) => return Ok(Sending::OverCap(exceeded)),
    };
    let code = SmsCode::generate(svc.random.as_ref());
    let sent = SentCode {
        digest: code_digest(svc, scope, &code),
        sent_at: now,
        expires_at: now + CODE_TTL,
    };
    if svc
        .store
        .put_sent_code(scope, &sent, now - RESEND_COOLDOWN)
        .await?
        == Conditional::Refused
    {
        // Nothing is sent: the caps keep their slots for texts that go.
        limits::give_back(svc, slots).await?;
        return Ok(Sending::TooSoon(seconds_left(svc, scope, now).await?));
    }
    svc.sms
        .send_sms(phone, &code_text(user.language, &code))
        .await?;
    Ok(Sending::Sent)
}

async fn seconds_left(svc: &Services, scope: &str, now: OffsetDateTime) -> anyhow::Result<u64> {
    let last = svc.store.sent_code(scope).await?;
    let wait = last.map_or(RESEND_COOLDOWN, |last| last.sent_at + RESEND_COOLDOWN - now);
    Ok(u64::try_from(wait.whole_seconds()).unwrap_or(1).max(1))
}

/// The digest of the live code for `scope` when `raw` is it. Every call with a
/// live code takes one of its 5 tries before comparing, so concurrent guesses
/// get no more; the caller spends the code.
pub async fn matching_code(
    svc: &Services,
    scope: &str,
    raw: &str,
) -> anyhow::Result<Option<String>> {
    let now = svc.clock.now();
    let Some(sent) = svc
        .store
        .sent_code(scope)
        .await?
        .filter(|sent| sent.is_unexpired_at(now))
    else {
        return Ok(None);
    };
    let tries = Limit::new(
        svc,
        "sms-code-tries",
        &sent.digest,
        MAX_CODE_TRIES,
        Window::Until(sent.expires_at),
    );
    // The try is kept: a right code is spent, a wrong one counts.
    if limits::take(svc, &tries).await?.is_err() {
        return Ok(None);
    }
    Ok(SmsCode::parse(raw).and_then(|code| {
        svc.keys
            .digests_labelled(SMS_CODE_LABEL, code_input(scope, &code).as_bytes())
            .into_iter()
            .find(|digest| *digest == sent.digest)
    }))
}

/// Whether `raw` is the live code for `scope`, spent (once, even under
/// concurrent use) when it is.
pub async fn redeem_code(svc: &Services, scope: &str, raw: &str) -> anyhow::Result<bool> {
    let Some(digest) = matching_code(svc, scope, raw).await? else {
        return Ok(false);
    };
    let now = svc.clock.now();
    Ok(svc.store.spend_sent_code(scope, &digest, now).await? == Conditional::Applied)
}
