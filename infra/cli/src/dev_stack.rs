//! The stack `make dev` runs, as the operator CLI finds it: the dev server writes
//! its emulator's address and the functions' environment to `.dev/stack.json`
//! while it runs (and removes it when it stops), so `make cli ARGS="…"` needs no
//! setting typed by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use serde::{Deserialize, Serialize};

/// Where the dev server writes it, relative to the repository's root (where
/// `make` runs).
pub const DEFAULT_PATH: &str = ".dev/stack.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevStack {
    /// The emulator's endpoint.
    pub endpoint: String,
    /// The environment the dev server gives its functions (`TABLE_NAME`,
    /// `SERVER_KEY_SECRET_ID`, `SENDER_EMAIL`, `PORTAL_URL`…).
    pub env: BTreeMap<String, String>,
    /// The base URL of its API (the portal's origin, then `/api`), for `make smoke`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}

impl DevStack {
    /// Writes it to `path` (its folder made if need be).
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// The stack written at `path`, or `None` when no dev server runs there.
    pub fn read(path: &Path) -> anyhow::Result<Option<Self>> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                Ok(Some(serde_json::from_str(&text).with_context(|| {
                    format!("{} is not a dev stack", path.display())
                })?))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// The SDK's configuration for the emulator.
    pub async fn sdk_config(&self) -> SdkConfig {
        emulator_sdk_config(&self.endpoint).await
    }

    /// A setting of the functions' environment.
    pub fn setting(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }
}

/// Removes the file when dropped: the dev server holds one while it serves.
pub struct Written(pub PathBuf);

impl Drop for Written {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The SDK's configuration for an emulator at `endpoint`: its region, and the
/// placeholder credentials emulators take.
pub async fn emulator_sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(portcullis::aws::http_client())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
        .load()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_stack_reads_back_and_is_gone_once_its_server_stops() {
        let folder = std::env::temp_dir().join(format!("portcullis-dev-{}", std::process::id()));
        let path = folder.join("stack.json");
        let stack = DevStack {
            endpoint: "http://127.0.0.1:4566".into(),
            env: BTreeMap::from([("TABLE_NAME".to_owned(), "portcullis".to_owned())]),
            api_url: Some("http://127.0.0.1:3000/api".into()),
        };
        {
            stack.write(&path).unwrap();
            let _written = Written(path.clone());
            assert_eq!(DevStack::read(&path).unwrap(), Some(stack.clone()));
        }
        assert_eq!(DevStack::read(&path).unwrap(), None);
        let _ = std::fs::remove_dir(&folder);
    }
}
