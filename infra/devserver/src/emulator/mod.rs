//! The local AWS emulator: LocalStack (the default) or moto, each from its own
//! project-local virtual environment or already running at `AWS_ENDPOINT_URL`;
//! and what it can tell about the mail, SMS and pushes it was asked to send.

mod localstack;
mod moto;
mod outbox;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use aws_config::SdkConfig;
use serde::de::DeserializeOwned;

pub use outbox::{Outbox, SentEmail, SentPush, SentSms};

use crate::workspace_root;

/// How long a stopping emulator gets to stop its server and remove its state.
const STOP_GRACE: Duration = Duration::from_secs(20);

/// Which emulator: `EMULATOR=localstack` (the default) or `EMULATOR=moto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LocalStack,
    Moto,
}

impl Kind {
    /// The kind `EMULATOR` names; LocalStack when it is unset.
    pub fn from_env() -> anyhow::Result<Self> {
        match std::env::var("EMULATOR").as_deref() {
            Err(_) | Ok("" | "localstack") => Ok(Self::LocalStack),
            Ok("moto") => Ok(Self::Moto),
            Ok(other) => bail!("EMULATOR={other:?}: expected `localstack` or `moto`"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::LocalStack => "LocalStack",
            Self::Moto => "moto",
        }
    }

    /// The project's launcher, and the Python that runs it: the virtual
    /// environment's that `make` made (for moto, `PORTCULLIS_PYTHON` if set).
    fn launcher(self) -> (&'static str, PathBuf) {
        let venv = |name: &str| workspace_root().join(name).join("bin/python");
        match self {
            Self::LocalStack => ("infra/localstack/serve.py", venv(".venv-localstack")),
            Self::Moto => (
                "infra/moto/serve.py",
                std::env::var_os("PORTCULLIS_PYTHON")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| venv(".venv")),
            ),
        }
    }
}

/// Where an emulator answers, and what it is: enough to read its outbox.
#[derive(Debug, Clone)]
pub struct Address {
    pub kind: Kind,
    pub endpoint: String,
    /// LocalStack's outbox names pushes by endpoint, not by device token: what
    /// was learnt of them, shared by every clone of this address.
    device_tokens: Arc<localstack::DeviceTokens>,
}

impl Address {
    fn new(kind: Kind, endpoint: String) -> Self {
        Self {
            kind,
            endpoint,
            device_tokens: Arc::default(),
        }
    }

    /// Everything the emulator was asked to send, oldest first for each
    /// recipient (LocalStack keeps texts and pushes by recipient).
    pub async fn outbox(&self) -> anyhow::Result<Outbox> {
        match self.kind {
            Kind::LocalStack => localstack::outbox(&self.endpoint, &self.device_tokens).await,
            Kind::Moto => moto::outbox(&self.endpoint).await,
        }
    }
}

/// An emulator on 127.0.0.1 that this process started (it stops when this is
/// dropped, and also when this process ends: it exits when its standard input
/// closes), or one already running at `AWS_ENDPOINT_URL`, which is left alone.
pub struct Emulator {
    child: Option<Child>,
    address: Address,
}

impl Emulator {
    /// The emulator of the kind `EMULATOR` names: the one already running at
    /// `AWS_ENDPOINT_URL` if that is set (a LocalStack in Docker on 4566, say),
    /// which is left alone, else a new one on a free port.
    pub fn start() -> anyhow::Result<Self> {
        let kind = Kind::from_env()?;
        match external_endpoint() {
            Some(endpoint) => Ok(Self {
                child: None,
                address: Address::new(kind, endpoint.trim_end_matches('/').to_owned()),
            }),
            None => Self::start_kind(kind),
        }
    }

    /// A new emulator of `kind` on a free port.
    pub fn start_kind(kind: Kind) -> anyhow::Result<Self> {
        let (script, python) = kind.launcher();
        if !python.exists() {
            bail!(
                "{} not found: `make test` and `make dev` make it (for {})",
                python.display(),
                kind.name()
            );
        }
        let mut child = Command::new(&python)
            .arg(workspace_root().join(script))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {} with {}", kind.name(), python.display()))?;
        let stdout = child.stdout.take().context("emulator stdout")?;
        let mut first_line = String::new();
        BufReader::new(stdout).read_line(&mut first_line)?;
        let Some(port) = first_line.trim().strip_prefix("PORT ") else {
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr);
            }
            let _ = child.kill();
            let _ = child.wait();
            bail!("{} did not start: {stderr}", kind.name());
        };
        // What it says from now on (LocalStack's end of log, should it stop by
        // itself) goes to this process's stderr.
        if let Some(mut err) = child.stderr.take() {
            std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::stderr()));
        }
        Ok(Self {
            child: Some(child),
            address: Address::new(kind, format!("http://127.0.0.1:{port}")),
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.address.endpoint
    }

    pub fn kind(&self) -> Kind {
        self.address.kind
    }

    pub fn address(&self) -> &Address {
        &self.address
    }

    /// Everything the emulator was asked to send, oldest first.
    pub async fn outbox(&self) -> anyhow::Result<Outbox> {
        self.address.outbox().await
    }
}

impl Drop for Emulator {
    /// Closes the launcher's standard input, which stops the emulator and removes
    /// its state, and waits for that; kills it if it takes too long.
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        drop(child.stdin.take());
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            if !matches!(child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// `AWS_ENDPOINT_URL`, when it names an emulator that is already running.
pub fn external_endpoint() -> Option<String> {
    std::env::var("AWS_ENDPOINT_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A JSON answer of the emulator's, at `path`.
async fn get_json<T: DeserializeOwned>(endpoint: &str, path: &str) -> anyhow::Result<T> {
    reqwest::get(format!("{endpoint}{path}"))
        .await?
        .error_for_status()?
        .json()
        .await
        .with_context(|| format!("reading the emulator's {path}"))
}

/// SDK configuration for the emulator: its endpoint, a fixed region and dummy
/// credentials, so nothing on the machine (profiles, real keys) is ever used.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    portcullis_cli::dev_stack::emulator_sdk_config(endpoint).await
}
