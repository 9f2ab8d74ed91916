//! The route every second-step function serves: the request body, the method's
//! flow, and its answer.

use crate::Services;
use crate::http::Browser;
use crate::mfa::MfaMethod;
use crate::mfa::second_step::{MfaSignInError, sign_in_with_backup_code, sign_in_with_totp};
use crate::mfa::sms_sign_in::sign_in_with_sms;
use crate::sign_in::session::SignedIn;

/// The body of every route that passes the second step with a code.
#[derive(Debug, serde::Deserialize)]
struct SecondStepRequest {
    mfa_token: String,
    code: String,
    #[serde(default)]
    keep_me_logged_in: bool,
}

/// Passes the second step of a sign-in with `method` (an authenticator code, a
/// texted code or a backup code): the route every second-step function serves.
pub async fn second_step_response(
    svc: &Services,
    req: &lambda_http::Request,
    method: MfaMethod,
) -> lambda_http::Response<lambda_http::Body> {
    let browser = Browser::of(&svc.settings, req);
    let passed = async {
        let step: SecondStepRequest = crate::http::parse_json(req)?;
        let (token, code, keep) = (&step.mfa_token, &step.code, step.keep_me_logged_in);
        match method {
            MfaMethod::Totp => sign_in_with_totp(svc, token, code, keep, &browser).await,
            MfaMethod::Sms => sign_in_with_sms(svc, token, code, keep, &browser).await,
            MfaMethod::BackupCode => {
                sign_in_with_backup_code(svc, token, code, keep, &browser).await
            }
            // Push is passed by polling `GET /auth/mfa/push/{id}`, not with a code.
            MfaMethod::Push => Err(MfaSignInError::MethodUnavailable),
        }
    };
    crate::http::respond(passed.await.map(SignedIn::into_response))
}
