//! `POST /recovery/callbacks/{provider}`: the identity-verification provider's
//! result. The body is JSON, `{"recovery_id","result":"pass"|"fail","timestamp"}`
//! (Unix seconds), and the header `X-Signature` is `sha256=` and the hex
//! HMAC-SHA256 of the raw body under the provider's key. A missing or wrong
//! signature, or a timestamp more than 5 minutes off, is refused before the body
//! is read; a replayed result finds the case decided and changes nothing; a
//! result for a case not yet handed over is refused with a 409, to be retried.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::Services;
use crate::domain::RecoveryId;
use crate::ports::Conditional;
use crate::recovery::process::{Decider, RecoveryError, settle};
use crate::recovery::verifiers::{MANUAL, WEBHOOK};
use crate::recovery::{RecoveryStatus, VerificationOutcome};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-signature";
/// How far a callback's timestamp may be from now, either way.
pub const MAX_CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

#[derive(Debug, serde::Deserialize)]
struct Callback {
    recovery_id: String,
    result: String,
    timestamp: i64,
}

/// The `X-Signature` value of `body` under `key`, as a provider sends it.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether `header` is the signature of `body` under `key`, compared in constant
/// time.
fn signed(key: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_signature) = header.and_then(|value| value.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(presented) = hex::decode(hex_signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&presented).is_ok()
}

/// Checks and applies a provider's result; `{"applied":bool}` (false for a
/// replay or a case no longer waiting for it).
#[tracing::instrument(skip_all, fields(provider = provider))]
pub async fn receive_callback(
    svc: &Services,
    provider: &str,
    signature_header: Option<&str>,
    body: &[u8],
) -> Result<Value, RecoveryError> {
    if provider != WEBHOOK && provider != MANUAL {
        return Err(RecoveryError::UnknownProvider);
    }
    let key = match provider == svc.verifier.provider() {
        true => svc.verifier.callback_key().await?,
        false => None,
    };
    if !key.is_some_and(|key| signed(&key, body, signature_header)) {
        return Err(RecoveryError::InvalidSignature);
    }
    let callback: Callback = serde_json::from_slice(body).map_err(|_| crate::http::InvalidBody)?;
    let now = svc.clock.now();
    let sent_at = OffsetDateTime::from_unix_timestamp(callback.timestamp)
        .map_err(|_| RecoveryError::StaleCallback)?;
    if (now - sent_at).abs() > MAX_CLOCK_SKEW {
        return Err(RecoveryError::StaleCallback);
    }
    let outcome = match callback.result.as_str() {
        "pass" => VerificationOutcome::Passed,
        "fail" => VerificationOutcome::Failed,
        _ => return Err(crate::http::InvalidBody.into()),
    };
    let recovery = match RecoveryId::parse(&callback.recovery_id) {
        Ok(id) => svc.store.recovery(id).await?,
        Err(_) => None,
    }
    .filter(|recovery| recovery.provider == provider)
    .ok_or(RecoveryError::RecoveryNotFound)?;
    match recovery.status {
        // Not handed over yet (the user went to the provider before submitting),
        // or too late: the provider should try again, or give up.
        RecoveryStatus::Open | RecoveryStatus::Expired => Err(RecoveryError::NotPending),
        RecoveryStatus::PendingVerification => {
            let settled = settle(svc, &recovery, outcome, Decider::Provider, None).await?;
            Ok(json!({ "applied": settled == Conditional::Applied }))
        }
        // Decided already: a replay, with no second effect.
        RecoveryStatus::Approved | RecoveryStatus::Rejected => Ok(json!({ "applied": false })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_signature_of_the_exact_body_passes() {
        let key = b"provider-secret-provider-secret!";
        let body = br#"{"recovery_id":"x","result":"pass","timestamp":1}"#;
        let good = signature(key, body);
        assert!(signed(key, body, Some(&good)));
        assert!(!signed(key, body, None));
        assert!(!signed(key, body, Some("sha256=")));
        assert!(!signed(key, body, Some(good.trim_start_matches("sha256="))));
        assert!(!signed(b"another-key", body, Some(&good)));
        let tampered = br#"{"recovery_id":"x","result":"pass","timestamp":2}"#;
        assert!(!signed(key, tampered, Some(&good)));
    }
}
