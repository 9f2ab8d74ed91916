//! A fake Secrets Manager that knows one operation, `GetSecretValue`, in the
//! service's JSON protocol (`POST /` with `X-Amz-Target`), answering from secrets
//! given up front: what a function's cold start asks AWS for, and nothing more.
//! Any other call is refused as an unknown operation, so a function that makes
//! one fails instead of passing unnoticed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

const GET_SECRET_VALUE: &str = "secretsmanager.GetSecretValue";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

pub struct SecretsManager {
    endpoint: String,
}

struct Secret {
    arn: String,
    name: String,
    text: String,
    created: f64,
}

impl SecretsManager {
    /// Serves `secrets`, each a name and its string value.
    pub async fn start<N, T>(secrets: impl IntoIterator<Item = (N, T)>) -> anyhow::Result<Self>
    where
        N: Into<String>,
        T: Into<String>,
    {
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |since| since.as_secs_f64());
        let secrets: BTreeMap<String, Secret> = secrets
            .into_iter()
            .map(|(name, text)| {
                let name = name.into();
                let secret = Secret {
                    // A real ARN ends in six random characters after the name.
                    arn: format!(
                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-AbCdEf"
                    ),
                    name: name.clone(),
                    text: text.into(),
                    created,
                };
                (name, secret)
            })
            .collect();
        let router = Router::new()
            .route("/", post(call))
            .with_state(Arc::new(secrets));
        let address = crate::serve(router, "the fake Secrets Manager").await?;
        Ok(Self {
            endpoint: format!("http://{address}"),
        })
    }

    /// The URL to give a function as `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

async fn call(
    State(secrets): State<Arc<BTreeMap<String, Secret>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok());
    if target != Some(GET_SECRET_VALUE) {
        return error(
            "UnknownOperationException",
            &format!("the fake Secrets Manager serves only {GET_SECRET_VALUE}"),
        );
    }
    let Some(id) = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|input| input["SecretId"].as_str().map(str::to_owned))
    else {
        return error("ValidationException", "SecretId is required");
    };
    // As Secrets Manager does, the secret is found by its name or its ARN.
    let Some(secret) = secrets
        .get(&id)
        .or_else(|| secrets.values().find(|secret| secret.arn == id))
    else {
        return error(
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.",
        );
    };
    answer(
        StatusCode::OK,
        &json!({
            "ARN": secret.arn,
            "Name": secret.name,
            "SecretString": secret.text,
            "VersionId": "00000000-0000-4000-8000-000000000001",
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": secret.created,
        }),
    )
}

fn error(kind: &str, message: &str) -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        &json!({ "__type": kind, "message": message }),
    )
}

fn answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        body.to_string(),
    )
        .into_response()
}
