use anyhow::{Context, bail};
use aws_sdk_secretsmanager::Client;

use crate::crypto::ServerKey;

/// Reads the server HMAC key from Secrets Manager. The secret is the key text
/// itself (the template generates 64 random characters).
#[tracing::instrument(skip(client))]
pub async fn load_server_key(client: &Client, secret_id: &str) -> anyhow::Result<ServerKey> {
    let output = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .context("GetSecretValue")?;
    let Some(text) = output.secret_string() else {
        bail!("the server key secret has no string value");
    };
    Ok(ServerKey::new(text.as_bytes().to_vec())?)
}
