//! Configuration, read once per cold start from the environment.

use std::time::Duration as StdDuration;

use time::Duration;

use crate::documents::transfer::DocumentLimits;
use crate::domain::EmailAddress;
use crate::sign_in::limits::{PASSWORD_FAILURES_PER_DEVICE, RateLimits};
use crate::sign_in::link_request::LOGIN_LINK_RESPONSE_FLOOR;
use crate::sign_in::login_link::LOGIN_LINK_TTL;
use crate::sign_in::password_login::PASSWORD_RESPONSE_FLOOR;
use crate::sign_in::session::SessionPolicy;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Where the function's resources are, and the settings of the flows.
#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    /// Name or ARN of the Secrets Manager secret holding the server HMAC key.
    pub server_key_secret_id: String,
    /// The bucket holding case documents.
    pub documents_bucket: String,
    /// The SNS platform applications phones are registered under for push
    /// approval; a platform without one cannot register devices.
    pub push_applications: PushApplications,
    /// Who checks the identity of a user recovering their account.
    pub verifier: VerifierConfig,
    /// The SES configuration set mail goes out under, whose event destination
    /// reports bounces and complaints (`SES_CONFIGURATION_SET`; none when unset).
    pub ses_configuration_set: Option<String>,
    /// The queue scheduled work is fanned out on (`JOBS_QUEUE_URL`; only the
    /// schedules' functions have it).
    pub jobs_queue_url: Option<String>,
    pub settings: Settings,
}

/// The identity verifier of account recovery (`IDENTITY_VERIFIER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifierConfig {
    /// An administrator of the firm decides (`manual`, the default).
    Manual,
    /// A hosted provider: the user is sent to `url` with the case's id, and the
    /// provider posts the result signed with the secret `secret_id` holds.
    Webhook { url: String, secret_id: String },
}

/// SNS platform application ARNs, per push platform.
#[derive(Debug, Clone, Default)]
pub struct PushApplications {
    pub apns: Option<String>,
    pub fcm: Option<String>,
}

/// What the flows need to know beyond their ports.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base URL of the client portal; links in emails point under it.
    pub portal_url: String,
    /// The From address of every email.
    pub sender: EmailAddress,
    pub login_link_ttl: Duration,
    pub session: SessionPolicy,
    pub login_link_limits: RateLimits,
    /// Failed password sign-ins allowed per email address (from browsers the user
    /// never signed in with) and per source address in a window; past that,
    /// sign-in is refused until the window ends.
    pub password_failure_limits: RateLimits,
    /// Failed password sign-ins allowed per trusted browser in the same window.
    pub password_failures_per_device: u64,
    /// Every answer to a password sign-in is sent no earlier than this after the
    /// request arrived, whatever the address and the password.
    pub password_response_floor: StdDuration,
    /// Every `202` to a login-link request is sent no earlier than this after the
    /// request arrived, so a registered email (which costs a write and a send) and an
    /// unknown one take the same time.
    pub login_link_response_floor: StdDuration,
    pub documents: DocumentLimits,
    /// The secret the portal's CloudFront distribution adds to every request it
    /// forwards (`CDN_ORIGIN_SECRET`): a request that carries it came through the
    /// distribution, so the viewer's address it names is believed (see
    /// [`crate::http::source_ip`]). None where no distribution is in front.
    pub cdn_origin_secret: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let optional = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let required = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            lookup(name).map_or(Ok(default), |raw| {
                raw.trim().parse().map_err(|_| ConfigError::Invalid {
                    name,
                    reason: format!("{raw:?} is not a whole number"),
                })
            })
        };
        let window = |name: &'static str, default: RateLimits| -> Result<Duration, ConfigError> {
            let seconds = number(name, default.window.whole_seconds().unsigned_abs())?;
            Ok(Duration::seconds(positive_seconds(name, seconds)?))
        };
        let millis =
            |name: &'static str, default: StdDuration| -> Result<StdDuration, ConfigError> {
                let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
                Ok(StdDuration::from_millis(number(name, default)?))
            };

        let sender_raw = required("SENDER_EMAIL")?;
        let sender = EmailAddress::parse(&sender_raw).map_err(|_| ConfigError::Invalid {
            name: "SENDER_EMAIL",
            reason: format!("{sender_raw:?} is not an email address"),
        })?;
        let portal_url = required("PORTAL_URL")?;
        if !(portal_url.starts_with("https://") || portal_url.starts_with("http://")) {
            return Err(ConfigError::Invalid {
                name: "PORTAL_URL",
                reason: "must be an http(s) URL".into(),
            });
        }

        Ok(Self {
            table_name: required("TABLE_NAME")?,
            server_key_secret_id: required("SERVER_KEY_SECRET_ID")?,
            documents_bucket: required("DOCUMENTS_BUCKET")?,
            push_applications: PushApplications {
                apns: optional("APNS_PLATFORM_APPLICATION_ARN"),
                fcm: optional("FCM_PLATFORM_APPLICATION_ARN"),
            },
            ses_configuration_set: optional("SES_CONFIGURATION_SET"),
            jobs_queue_url: optional("JOBS_QUEUE_URL"),
            verifier: match optional("IDENTITY_VERIFIER").as_deref() {
                None | Some("manual") => VerifierConfig::Manual,
                Some("webhook") => {
                    let url = required("VERIFICATION_URL")?;
                    if !url.starts_with("https://") {
                        return Err(ConfigError::Invalid {
                            name: "VERIFICATION_URL",
                            reason: "must be an https URL".into(),
                        });
                    }
                    VerifierConfig::Webhook {
                        url,
                        secret_id: required("VERIFICATION_WEBHOOK_SECRET_ID")?,
                    }
                }
                Some(other) => {
                    return Err(ConfigError::Invalid {
                        name: "IDENTITY_VERIFIER",
                        reason: format!("{other:?} is not \"manual\" or \"webhook\""),
                    });
                }
            },
            settings: Settings {
                cdn_origin_secret: optional("CDN_ORIGIN_SECRET"),
                portal_url: portal_url.trim_end_matches('/').to_owned(),
                sender,
                login_link_ttl: LOGIN_LINK_TTL,
                session: SessionPolicy::default(),
                login_link_limits: RateLimits {
                    per_email: number(
                        "LOGIN_LINK_LIMIT_PER_EMAIL",
                        RateLimits::LOGIN_LINKS.per_email,
                    )?,
                    per_ip: number("LOGIN_LINK_LIMIT_PER_IP", RateLimits::LOGIN_LINKS.per_ip)?,
                    window: window("LOGIN_LINK_LIMIT_WINDOW_SECONDS", RateLimits::LOGIN_LINKS)?,
                },
                password_failure_limits: RateLimits {
                    per_email: number(
                        "PASSWORD_FAILURES_PER_ACCOUNT",
                        RateLimits::PASSWORD_FAILURES.per_email,
                    )?,
                    per_ip: number(
                        "PASSWORD_FAILURES_PER_IP",
                        RateLimits::PASSWORD_FAILURES.per_ip,
                    )?,
                    window: window(
                        "PASSWORD_FAILURE_WINDOW_SECONDS",
                        RateLimits::PASSWORD_FAILURES,
                    )?,
                },
                password_failures_per_device: number(
                    "PASSWORD_FAILURES_PER_DEVICE",
                    PASSWORD_FAILURES_PER_DEVICE,
                )?,
                password_response_floor: millis(
                    "PASSWORD_RESPONSE_FLOOR_MS",
                    PASSWORD_RESPONSE_FLOOR,
                )?,
                login_link_response_floor: millis(
                    "LOGIN_LINK_RESPONSE_FLOOR_MS",
                    LOGIN_LINK_RESPONSE_FLOOR,
                )?,
                documents: DocumentLimits {
                    max_file_bytes: number(
                        "MAX_UPLOAD_BYTES",
                        DocumentLimits::default().max_file_bytes,
                    )?,
                    ..DocumentLimits::default()
                },
            },
        })
    }
}

fn positive_seconds(name: &'static str, value: u64) -> Result<i64, ConfigError> {
    i64::try_from(value)
        .ok()
        .filter(|seconds| *seconds > 0)
        .ok_or_else(|| ConfigError::Invalid {
            name,
            reason: format!("{value} is not a usable number of seconds"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const COMPLETE: [(&str, &str); 5] = [
        ("TABLE_NAME", "portcullis"),
        ("SERVER_KEY_SECRET_ID", "portcullis/server-key"),
        ("DOCUMENTS_BUCKET", "portcullis-documents"),
        ("SENDER_EMAIL", "no-reply@portal.example.com"),
        ("PORTAL_URL", "https://portal.example.com/"),
    ];

    #[test]
    fn a_complete_environment_gives_the_defaults() {
        let config = Config::from_lookup(env(&COMPLETE)).unwrap();
        assert_eq!(config.settings.portal_url, "https://portal.example.com");
        assert_eq!(config.settings.login_link_limits.per_email, 5);
        assert_eq!(config.settings.login_link_ttl, Duration::HOUR);
        assert_eq!(config.settings.documents.max_file_bytes, 100 * 1024 * 1024);
    }

    #[test]
    fn a_missing_variable_is_named() {
        let err = Config::from_lookup(env(&COMPLETE[1..])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable TABLE_NAME is not set"
        );
    }

    #[test]
    fn a_zero_or_huge_window_is_refused() {
        for window in ["0", "18446744073709551615"] {
            let mut pairs = COMPLETE.to_vec();
            pairs.push(("LOGIN_LINK_LIMIT_WINDOW_SECONDS", window));
            let err = Config::from_lookup(env(&pairs)).unwrap_err();
            assert!(err.to_string().contains("LOGIN_LINK_LIMIT_WINDOW_SECONDS"));
        }
    }

    #[test]
    fn an_invalid_number_is_named() {
        let mut pairs = COMPLETE.to_vec();
        pairs.push(("LOGIN_LINK_LIMIT_PER_IP", "lots"));
        let err = Config::from_lookup(env(&pairs)).unwrap_err();
        assert!(err.to_string().contains("LOGIN_LINK_LIMIT_PER_IP"));
    }
}
