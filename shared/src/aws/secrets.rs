use anyhow::{Context, bail};
use aws_sdk_secretsmanager::Client;

use crate::crypto::ServerKey;

/// Reads the server HMAC key from Secrets Manager. The secret is the key text
/// itself (the template generates 64 random characters).
#[tracing::instrument(skip(client))]
pub async fn load_server_key(client: &Client, secret_id: &str) -> anyhow::Result<ServerKey> {
    Ok(ServerKey::new(
        load_secret_text(client, secret_id).await?.into_bytes(),
    )?)
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
