//! The functions under test, and the sample event each is invoked with: the
//! project's own `events/` samples, carrying the seeded client's real credentials
//! so each invocation takes its successful path.

use anyhow::{Context, bail};
use http::StatusCode;
use portcullis::Services;
use portcullis::http::authorizer_context;
use serde_json::{Value, json};

use crate::fixtures::{Subject, mint_login_link, mint_mfa_token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    RequestLoginLink,
    VerifyLoginLink,
    Authorizer,
    Account,
    CreateUploadUrl,
    Documents,
    MfaMethods,
    SendSmsCode,
    MfaPush,
    /// The hello-world baseline.
    HelloLambda,
    /// The Node.js peer's request-login-link (`infra/bench/node-peer`).
    PeerRequestLoginLink,
    /// The Node.js peer's verify-login-link.
    PeerVerifyLoginLink,
}

impl Function {
    /// The functions of the suite, in the report's order.
    pub const SUITE: [Self; 9] = [
        Self::RequestLoginLink,
        Self::VerifyLoginLink,
        Self::Authorizer,
        Self::Account,
        Self::CreateUploadUrl,
        Self::Documents,
        Self::MfaMethods,
        Self::SendSmsCode,
        Self::MfaPush,
    ];

    /// The Node.js peer's functions, each doing what its Rust counterpart does.
    pub const PEERS: [Self; 2] = [Self::PeerRequestLoginLink, Self::PeerVerifyLoginLink];

    /// The Rust function a peer's does the work of; a function itself otherwise.
    pub fn counterpart(self) -> Self {
        match self {
            Self::PeerRequestLoginLink => Self::RequestLoginLink,
            Self::PeerVerifyLoginLink => Self::VerifyLoginLink,
            other => other,
        }
    }

    /// The peer's handler, as `PEER_HANDLER` names it; `None` for a Rust binary.
    pub fn node_handler(self) -> Option<&'static str> {
        match self {
            Self::PeerRequestLoginLink => Some("requestLoginLink"),
            Self::PeerVerifyLoginLink => Some("verifyLoginLink"),
            _ => None,
        }
    }

    /// The binary, which is also the package and the SAM function (for the peer,
    /// its name in the report).
    pub fn binary(self) -> &'static str {
        match self {
            Self::RequestLoginLink => "request-login-link",
            Self::VerifyLoginLink => "verify-login-link",
            Self::Authorizer => "authorizer",
            Self::Account => "account",
            Self::CreateUploadUrl => "create-upload-url",
            Self::Documents => "documents",
            Self::MfaMethods => "mfa-methods",
            Self::SendSmsCode => "send-sms-code",
            Self::MfaPush => "mfa-push",
            Self::HelloLambda => "hello-lambda",
            Self::PeerRequestLoginLink => "node-request-login-link",
            Self::PeerVerifyLoginLink => "node-verify-login-link",
        }
    }

    /// What the invocation is, for the report.
    pub fn invocation(self) -> &'static str {
        match self {
            Self::RequestLoginLink => "POST /auth/login-link, registered client → 202",
            Self::VerifyLoginLink => "POST /auth/login-link/verify, fresh token → 200",
            Self::Authorizer => "bearer session → allowed with context",
            Self::Account => "GET /me with authorizer context → 200",
            Self::CreateUploadUrl => {
                "POST /cases/{caseId}/documents, 2 files → 201, presigned PUTs"
            }
            Self::Documents => "GET /cases/{caseId}/documents → 200",
            Self::MfaMethods => "GET /mfa, firm user with SMS and push → 200",
            Self::SendSmsCode => "POST /auth/mfa/sms/send, fresh mfa_token → 202, SMS sent",
            Self::MfaPush => "POST /auth/mfa/push, fresh mfa_token → 202, pushed",
            Self::HelloLambda => "any HTTP API event → 200",
            Self::PeerRequestLoginLink => "Node.js 20: POST /auth/login-link → 202",
            Self::PeerVerifyLoginLink => "Node.js 20: POST /auth/login-link/verify → 200",
        }
    }

    /// Builds the event for one invocation. Verifying needs a token nobody has used,
    /// so that one mints a new link in `services` each time.
    pub async fn event(self, services: &Services, subject: &Subject) -> anyhow::Result<Value> {
        Ok(match self.counterpart() {
            Self::RequestLoginLink => with_json_body(
                sample(include_str!(
                    "../../../events/request-login-link/request.json"
                ))?,
                &json!({ "email": subject.email }),
            ),
            Self::VerifyLoginLink => {
                let token = mint_login_link(services, subject.user_id).await?;
                with_json_body(
                    sample(include_str!(
                        "../../../events/verify-login-link/verify.json"
                    ))?,
                    &json!({ "token": token }),
                )
            }
            Self::Authorizer => {
                let mut event = sample(include_str!("../../../events/authorizer/bearer.json"))?;
                event["headers"]["authorization"] =
                    json!(format!("Bearer {}", subject.session_token));
                event
            }
            Self::Account => signed_in(
                sample(include_str!("../../../events/account/get-me.json"))?,
                subject,
            ),
            Self::CreateUploadUrl => in_case(
                signed_in(
                    sample(include_str!(
                        "../../../events/create-upload-url/client-sends-two-files.json"
                    ))?,
                    subject,
                ),
                subject,
            ),
            Self::Documents => in_case(
                signed_in(
                    sample(include_str!("../../../events/documents/list.json"))?,
                    subject,
                ),
                subject,
            ),
            Self::MfaMethods => firm_user_signed_in(
                sample(include_str!("../../../events/mfa-methods/list.json"))?,
                subject,
            ),
            Self::SendSmsCode => with_json_body(
                sample(include_str!("../../../events/send-sms-code/send.json"))?,
                &json!({ "mfa_token": mint_mfa_token(services, subject.firm_user.user_id).await? }),
            ),
            Self::MfaPush => with_json_body(
                sample(include_str!("../../../events/mfa-push/send.json"))?,
                &json!({ "mfa_token": mint_mfa_token(services, subject.firm_user.user_id).await? }),
            ),
            Self::HelloLambda => sample(include_str!("../../../events/account/get-me.json"))?,
            peer @ (Self::PeerRequestLoginLink | Self::PeerVerifyLoginLink) => {
                bail!("{peer:?} has no counterpart")
            }
        })
    }

    /// The status an HTTP function answers its sample with; `None` for the
    /// authorizer, whose answer is checked by [`check_authorizer_answer`].
    pub fn expected_status(self) -> Option<StatusCode> {
        match self {
            Self::RequestLoginLink
            | Self::SendSmsCode
            | Self::MfaPush
            | Self::PeerRequestLoginLink => Some(StatusCode::ACCEPTED),
            Self::CreateUploadUrl => Some(StatusCode::CREATED),
            Self::VerifyLoginLink
            | Self::Account
            | Self::Documents
            | Self::MfaMethods
            | Self::HelloLambda
            | Self::PeerVerifyLoginLink => Some(StatusCode::OK),
            Self::Authorizer => None,
        }
    }

    /// Checks what the function posted to the runtime API, so a cold start is only
    /// counted when the invocation did its real work.
    pub fn check_answer(self, answer: &Value, subject: &Subject) -> anyhow::Result<()> {
        match self.expected_status() {
            Some(expected) => {
                let status = answer["statusCode"].as_u64();
                if status != Some(u64::from(expected.as_u16())) {
                    bail!("expected status {expected}, the function answered {answer}");
                }
                Ok(())
            }
            None => check_authorizer_answer(answer, subject),
        }
    }
}

/// The authorizer allowed the call and named the subject.
pub fn check_authorizer_answer(answer: &Value, subject: &Subject) -> anyhow::Result<()> {
    let allowed = answer["isAuthorized"].as_bool() == Some(true);
    let user = answer["context"][authorizer_context::USER_ID].as_str();
    if !allowed || user != Some(subject.user_id.to_string().as_str()) {
        bail!("the authorizer did not recognise the session: {answer}");
    }
    Ok(())
}

/// The event as the authorizer passes it on for the subject's session.
fn signed_in(mut event: Value, subject: &Subject) -> Value {
    event["headers"]["authorization"] = json!(format!("Bearer {}", subject.session_token));
    event["requestContext"]["authorizer"] = json!({ "lambda": {
        authorizer_context::USER_ID: subject.user_id.to_string(),
        authorizer_context::ROLE: "client",
        authorizer_context::SESSION_ID: subject.session_digest,
        authorizer_context::ENROLLMENT_ONLY: "false",
    }});
    event
}

/// The event as the authorizer passes it on for the firm user's session.
fn firm_user_signed_in(mut event: Value, subject: &Subject) -> Value {
    let user = &subject.firm_user;
    event["headers"]["authorization"] = json!(format!("Bearer {}", user.session_token));
    event["requestContext"]["authorizer"] = json!({ "lambda": {
        authorizer_context::USER_ID: user.user_id.to_string(),
        authorizer_context::ROLE: "admin",
        authorizer_context::SESSION_ID: user.session_digest,
        authorizer_context::ENROLLMENT_ONLY: "false",
    }});
    event
}

/// The sample's case replaced by the subject's own.
fn in_case(mut event: Value, subject: &Subject) -> Value {
    let case = subject.case_id.to_string();
    for path in ["/rawPath", "/requestContext/http/path"] {
        if let Some(Value::String(raw)) = event.pointer_mut(path) {
            let sample_case = raw.split('/').nth(2).unwrap_or_default().to_owned();
            *raw = raw.replacen(&sample_case, &case, 1);
        }
    }
    event["pathParameters"]["caseId"] = json!(case);
    event
}

fn sample(text: &str) -> anyhow::Result<Value> {
    serde_json::from_str(text).context("parsing a sample event")
}

fn with_json_body(mut event: Value, body: &Value) -> Value {
    let body = body.to_string();
    event["headers"]["content-length"] = json!(body.len().to_string());
    event["body"] = json!(body);
    event
}
