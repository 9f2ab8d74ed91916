//! The deployment's API as the smoke test calls it: each request expects one
//! status and reads what it needs from the JSON answer.

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde_json::Value;

use super::report::Checked;

/// No step waits longer than this for an answer.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Api {
    http: reqwest::Client,
    base: String,
}

/// An answer with the expected status, and its JSON body (`Null` when it has none).
pub struct Answer {
    pub body: Value,
}

impl Api {
    /// The API at `base` (its routes are under it: `{base}/auth/password`).
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// A request to the route `path`, as `session` when given.
    pub fn request(&self, method: Method, path: &str, session: Option<&str>) -> RequestBuilder {
        let request = self.http.request(method, format!("{}{path}", self.base));
        match session {
            Some(session) => request.bearer_auth(session),
            None => request,
        }
    }

    /// A request to a URL the API handed out (a presigned upload).
    pub fn put_url(&self, url: &str) -> RequestBuilder {
        self.http.put(url)
    }

    /// Sends `request`, expecting `expected`, and reads the answer with `read`.
    pub async fn expect<T>(
        &self,
        request: RequestBuilder,
        expected: u16,
        read: impl FnOnce(Answer) -> Result<T, String>,
    ) -> Checked<T> {
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) => {
                return Checked {
                    status: None,
                    outcome: Err(no_answer(&err)),
                };
            }
        };
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let outcome = match status == expected {
            true => read(Answer { body }),
            false => Err(match body["error"]["code"].as_str() {
                Some(code) => format!("expected {expected}, got {code}"),
                None => format!("expected {expected}"),
            }),
        };
        Checked {
            status: Some(status),
            outcome,
        }
    }
}

impl Answer {
    /// The string at `field` of the body (a JSON pointer: `/documents/0/id`).
    pub fn text(&self, field: &str) -> Result<String, String> {
        self.body
            .pointer(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("the answer has no {field}"))
    }
}

/// Why a request got no answer, without its URL (a presigned one is a secret).
fn no_answer(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    format!("no answer: the request {kind}")
}
