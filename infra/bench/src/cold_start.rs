//! Cold starts: each function's release binary is spawned as Lambda would spawn
//! it, against the fake runtime API, for one invocation, then killed.
//!
//! Two instants are taken, both from the moment just before the spawn: the first
//! `GET …/invocation/next` (the function's init: process start, configuration, the
//! AWS clients and the server key from Secrets Manager), and the posted response
//! (init plus the first invocation, whose calls go to the emulator).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lambda_runtime_fake::{Outcome, RuntimeApi};
use portcullis::Services;
use serde_json::Value;
use tokio::process::Command;

use crate::events::Function;
use crate::fixtures::Subject;

/// Measured spawns per function, after one that warms the page cache and the
/// emulator and is not counted.
pub const SPAWNS: usize = 15;
/// Longer than any sane cold start; a function still silent by then is broken.
const TIMEOUT: Duration = Duration::from_secs(20);

/// One cold start.
#[derive(Debug, Clone, Copy)]
pub struct ColdStart {
    pub to_next: Duration,
    pub to_response: Duration,
    /// The process's peak resident set once it had answered (`VmHWM`).
    pub peak_rss_bytes: u64,
}

/// Where the binaries are and what they are given.
pub struct Launcher<'a> {
    pub bin_dir: &'a Path,
    /// The Node.js peer: `node` and the directory of its `src/bootstrap.mjs`.
    pub peer: Option<(PathBuf, PathBuf)>,
    pub log_dir: &'a Path,
    pub runtime: &'a RuntimeApi,
    pub env: BTreeMap<&'static str, String>,
    /// The emulator's services, to mint the tokens the events carry.
    pub services: &'a Services,
    pub subject: &'a Subject,
}

/// The environment Lambda gives a function, plus the application's own
/// configuration and the emulator as its AWS endpoint.
pub fn lambda_env(
    runtime: &RuntimeApi,
    emulator: &str,
    app_env: &BTreeMap<&'static str, String>,
) -> BTreeMap<&'static str, String> {
    let mut env = app_env.clone();
    env.extend([
        ("AWS_LAMBDA_RUNTIME_API", runtime.address().to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        (
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "/aws/lambda/portcullis-bench".to_owned(),
        ),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench".to_owned()),
        ("AWS_ENDPOINT_URL", emulator.to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
    ]);
    env
}

impl Launcher<'_> {
    /// How `function` is started: its release binary, or `node` with the peer's
    /// bootstrap; and what its environment has beyond Lambda's (the peer's handler).
    fn command(&self, function: Function) -> anyhow::Result<Spawn> {
        match function.node_handler() {
            None => {
                let binary = self.bin_dir.join(function.binary());
                Ok(Spawn {
                    command: Command::new(&binary),
                    label: binary.display().to_string(),
                    env: Vec::new(),
                })
            }
            Some(handler) => {
                let (node, dir) = self.peer.as_ref().context(
                    "node or the peer's packages are missing: `npm ci --prefix infra/bench/node-peer`",
                )?;
                let mut command = Command::new(node);
                command.arg(dir.join("src/bootstrap.mjs"));
                let env = vec![
                    ("PEER_HANDLER", handler),
                    // As Lambda's Node.js 20 runtime starts it at 256 MB.
                    ("NODE_OPTIONS", "--max-old-space-size=230"),
                ];
                Ok(Spawn {
                    command,
                    label: format!("node ({handler})"),
                    env,
                })
            }
        }
    }

    /// Spawns every function `SPAWNS` times (plus one uncounted round), taking
    /// turns, so a slow moment of the machine is shared out rather than landing on
    /// one function. A function that fails is dropped from later rounds.
    pub async fn measure(
        &self,
        functions: &[Function],
    ) -> BTreeMap<&'static str, anyhow::Result<Vec<ColdStart>>> {
        let mut results: BTreeMap<&'static str, anyhow::Result<Vec<ColdStart>>> = functions
            .iter()
            .map(|function| (function.binary(), Ok(Vec::with_capacity(SPAWNS))))
            .collect();
        for round in 0..=SPAWNS {
            for &function in functions {
                let Some(Ok(samples)) = results.get_mut(function.binary()) else {
                    continue;
                };
                match self.once(function, round).await {
                    Ok(sample) if round > 0 => samples.push(sample),
                    Ok(_) => {}
                    Err(err) => {
                        let err =
                            err.context(format!("cold start {round} of {}", function.binary()));
                        results.insert(function.binary(), Err(err));
                    }
                }
            }
        }
        results
    }

    async fn once(&self, function: Function, round: usize) -> anyhow::Result<ColdStart> {
        let event = function.event(self.services, self.subject).await?;
        let request_id = format!("bench-{}-{round}", function.binary());
        let invocation =
            self.runtime
                .expect(function.binary(), request_id, event.to_string().into());
        let log_path = self.log_dir.join(format!("{}.log", function.binary()));
        let log = File::options()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("opening {}", log_path.display()))?;

        let Spawn {
            mut command,
            label: binary,
            env: own_env,
        } = self.command(function)?;
        command
            // Nothing from the benchmark's own environment (profiles, real keys)
            // reaches the function: it gets what Lambda would give it.
            .env_clear()
            .envs(&self.env)
            .envs(own_env)
            .env("AWS_LAMBDA_FUNCTION_NAME", function.binary())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        let spawned = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("spawning {binary}"))?;

        let mut finished = invocation.finished;
        let outcome = tokio::select! {
            finished = &mut finished => finished.context("the runtime API went away")?,
            status = child.wait() => bail!(
                "{} exited ({}) before answering; see {}",
                function.binary(),
                status.map_or_else(|err| err.to_string(), |s| s.to_string()),
                log_path.display()
            ),
            () = tokio::time::sleep(TIMEOUT) => bail!(
                "{} did not answer within {TIMEOUT:?}; see {}",
                function.binary(),
                log_path.display()
            ),
        };
        let peak_rss_bytes = child
            .id()
            .map_or(Ok(0), peak_rss)
            .with_context(|| format!("reading the peak memory of {}", function.binary()))?;
        // Killing also reaps it, so no process outlives its measurement.
        child
            .kill()
            .await
            .with_context(|| format!("stopping {}", function.binary()))?;

        let answer = match outcome.outcome {
            Outcome::Response(body) => body,
            Outcome::InvocationError(body) => bail!(
                "the invocation failed: {}; see {}",
                String::from_utf8_lossy(&body),
                log_path.display()
            ),
            Outcome::InitError(body) => bail!(
                "the function failed to initialise: {}; see {}",
                String::from_utf8_lossy(&body),
                log_path.display()
            ),
        };
        let answer: Value = serde_json::from_slice(&answer).context("the answer is not JSON")?;
        function.check_answer(&answer, self.subject)?;
        let next = invocation
            .next
            .await
            .context("answered without having asked for the event")?;
        Ok(ColdStart {
            to_next: next.instant.saturating_duration_since(spawned),
            to_response: outcome.at.instant.saturating_duration_since(spawned),
            peak_rss_bytes,
        })
    }
}

/// How one function is started: the command, its name for messages, and what its
/// environment has beyond Lambda's.
struct Spawn {
    command: Command,
    label: String,
    env: Vec<(&'static str, &'static str)>,
}

/// A live process's peak resident set so far, from `/proc/<pid>/status`.
fn peak_rss(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM line")?;
    Ok(kib * 1024)
}

/// `node` on the `PATH`, and the peer's directory, when its packages are installed.
pub fn node_peer(workspace: &Path) -> Option<(PathBuf, PathBuf)> {
    let dir = workspace.join("infra/bench/node-peer");
    if !dir.join("node_modules/@aws-sdk/client-dynamodb").is_dir() {
        return None;
    }
    let node = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())?;
    Some((node, dir))
}
