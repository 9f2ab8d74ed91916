use anyhow::{Context, bail};
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;

use crate::crypto::{ServerKey, ServerKeys};

/// The staging label Secrets Manager moves a secret's last value to when a new
/// one is put: the key being rotated out.
const PREVIOUS: &str = "AWSPREVIOUS";

/// Reads the server HMAC keys from Secrets Manager: the secret's current value
/// (the template generates 64 random characters) and, while a rotation is under
/// way, its `AWSPREVIOUS` value, both at once.
#[tracing::instrument(skip(client))]
pub async fn load_server_keys(client: &Client, secret_id: &str) -> anyhow::Result<ServerKeys> {
    let (current, previous) = tokio::try_join!(
        load_secret_text(client, secret_id),
        load_previous_text(client, secret_id),
    )?;
    let previous = previous
        .map(|text| ServerKey::new(text.into_bytes()))
        .transpose()
        .context("the previous server key")?;
    Ok(ServerKeys::new(
        ServerKey::new(current.into_bytes())?,
        previous,
    ))
}

/// The secret's `AWSPREVIOUS` value; `None` when it has none (never rotated, or the
/// rotation finished with the label removed).
async fn load_previous_text(client: &Client, secret_id: &str) -> anyhow::Result<Option<String>> {
    let answer = client
        .get_secret_value()
        .secret_id(secret_id)
        .version_stage(PREVIOUS)
        .send()
        .await;
    match answer {
        Ok(output) => match output.secret_string() {
            Some(text) => Ok(Some(text.to_owned())),
            None => bail!("the secret {secret_id} has no string value at {PREVIOUS}"),
        },
        Err(error) if error.code() == Some("ResourceNotFoundException") => Ok(None),
        Err(error) => Err(error).context("GetSecretValue AWSPREVIOUS"),
    }
}

/// The text of a Secrets Manager secret.
pub async fn load_secret_text(client: &Client, secret_id: &str) -> anyhow::Result<String> {
    let output = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .context("GetSecretValue")?;
    match output.secret_string() {
        Some(text) => Ok(text.to_owned()),
        None => bail!("the secret {secret_id} has no string value"),
    }
}
