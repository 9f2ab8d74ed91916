//! `make bench`: per function, the cold start (against a fake Lambda Runtime API),
//! the warm handler latency (on in-memory fakes, and end to end against the
//! emulator) and the stripped binary size, next to a hello-world `lambda_http`
//! baseline built the same way. Prints the report as Markdown and writes it to
//! `target/bench/report.md`.
//!
//! A missed target is reported, not an error: the exit status is non-zero only
//! when something could not be measured.

mod cold_start;
mod events;
mod fixtures;
mod passwords;
mod report;
mod size;
mod stats;
mod warm;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use lambda_runtime_fake::RuntimeApi;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing_subscriber::filter::LevelFilter;

use crate::cold_start::{ColdStart, Launcher, lambda_env};
use crate::events::Function;
use crate::fixtures::{Deployment, EmulatorStack};
use crate::report::{ColdSummary, Measured, Report};
use crate::stats::Summary;

/// Emulator round trips timed for the reference figure.
const ROUND_TRIPS: usize = 200;
/// Argon2id verifications timed.
const ARGON2_SAMPLES: usize = 30;
/// The firm size the expiry job runs over.
const EXPIRY_USERS: usize = 10_000;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<ExitCode> {
    install_tracing();
    // The function binaries are the bench binary's siblings: the same target
    // directory and profile, wherever CARGO_TARGET_DIR put them.
    let exe = std::env::current_exe().context("locating the bench binary")?;
    let bin_dir = exe.parent().context("the bench binary has no directory")?;
    let out_dir = bin_dir.join("../bench");
    let log_dir = out_dir.join("logs");
    // Logs of earlier runs would be mistaken for this run's.
    if log_dir.exists() {
        std::fs::remove_dir_all(&log_dir)
            .with_context(|| format!("clearing {}", log_dir.display()))?;
    }
    std::fs::create_dir_all(&log_dir).with_context(|| format!("creating {}", log_dir.display()))?;

    // The peer takes turns with the suite, so a slow moment lands on both.
    let everything: Vec<Function> = std::iter::once(Function::HelloLambda)
        .chain(Function::SUITE)
        .chain(Function::PEERS)
        .collect();

    progress("starting the emulator and seeding it");
    let stack = EmulatorStack::start().await?;
    let runtime = RuntimeApi::start().await?;

    progress(&format!(
        "cold starts: {} spawns of each binary",
        cold_start::SPAWNS + 1
    ));
    let mut cold = Launcher {
        bin_dir,
        peer: cold_start::node_peer(&devserver::workspace_root()),
        log_dir: &log_dir,
        runtime: &runtime,
        env: lambda_env(&runtime, &stack.endpoint, &stack.app_env),
        services: &stack.main.services,
        subject: &stack.main.subject,
    }
    .measure(&everything)
    .await;

    progress("warm handlers against the emulator");
    let mut on_emulator = warm_all(warm::EMULATOR, async |function| {
        stack.deploy_for(function).await
    })
    .await;
    let secret_round_trip = stack
        .secret_round_trips(ROUND_TRIPS)
        .await
        .and_then(|samples| Summary::of(&samples).context("no round trip was measured"));
    progress(&format!(
        "the password-expiry job over {EXPIRY_USERS} firm users"
    ));
    let expiry_job = passwords::expiry_job(stack.sdk(), EXPIRY_USERS).await;
    // The emulator's process would compete for the CPU with the fakes' figures.
    drop(stack);

    progress("Argon2id verifications");
    let argon2_verify = passwords::argon2_verify(ARGON2_SAMPLES);

    progress("warm handlers on the fakes");
    let mut on_fakes = warm_all(warm::FAKES, async |_| fixtures::fakes().await).await;

    let mut measured = |function: Function, warm: bool| Measured {
        function,
        cold: take(&mut cold, function)
            .and_then(|samples: Vec<ColdStart>| ColdSummary::of(&samples)),
        fakes: warm.then(|| take(&mut on_fakes, function)),
        emulator: warm.then(|| take(&mut on_emulator, function)),
        size: Some(size(&bin_dir.join(function.binary()), function)),
    };
    let report = Report {
        context: context(bin_dir),
        baseline: measured(Function::HelloLambda, false),
        functions: Function::SUITE.iter().map(|&f| measured(f, true)).collect(),
        peers: Function::PEERS
            .iter()
            .map(|&f| Measured {
                function: f,
                cold: take(&mut cold, f).and_then(|samples| ColdSummary::of(&samples)),
                fakes: None,
                emulator: None,
                size: None,
            })
            .collect(),
        secret_round_trip,
        argon2_verify,
        expiry_job,
    };

    let markdown = report.markdown();
    println!("{markdown}");
    let path = out_dir.join("report.md");
    std::fs::write(&path, &markdown).with_context(|| format!("writing {}", path.display()))?;
    progress(&format!("report written to {}", display(&path)));

    let unmeasured = report.unmeasured();
    if unmeasured.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for missing in &unmeasured {
            eprintln!("bench: not measured: {missing}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// The same logging a function runs with in Lambda (JSON at `info`), so the spans
/// the handlers open cost what they cost there; the lines themselves are dropped.
fn install_tracing() {
    tracing_subscriber::fmt()
        .json()
        .with_max_level(LevelFilter::INFO)
        .with_current_span(false)
        .without_time()
        .with_target(false)
        .with_writer(std::io::sink)
        .init();
}

/// Each function's warm latency, on a deployment of its own from `deploy`.
async fn warm_all(
    plan: warm::Plan,
    deploy: impl AsyncFn(Function) -> anyhow::Result<Deployment>,
) -> BTreeMap<&'static str, anyhow::Result<Summary>> {
    let mut results = BTreeMap::new();
    for function in Function::SUITE {
        let summary = match deploy(function).await {
            Ok(deployment) => {
                warm::measure(function, &deployment.services, &deployment.subject, plan).await
            }
            Err(err) => Err(err),
        };
        let summary =
            summary.and_then(|samples| Summary::of(&samples).context("no call was measured"));
        results.insert(function.binary(), summary);
    }
    results
}

fn take<T>(
    results: &mut BTreeMap<&'static str, anyhow::Result<T>>,
    function: Function,
) -> anyhow::Result<T> {
    results
        .remove(function.binary())
        .unwrap_or_else(|| Err(anyhow::anyhow!("not run")))
}

fn size(path: &Path, function: Function) -> anyhow::Result<u64> {
    if !path.exists() {
        let package = match function {
            Function::HelloLambda => "bench",
            other => other.binary(),
        };
        anyhow::bail!(
            "{} not found: build it with `cargo build --release -p {package}`",
            path.display()
        );
    }
    size::stripped_size(path)
}

fn context(bin_dir: &Path) -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|now| now.format(&Rfc3339).ok())
        .unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let profile = if cfg!(debug_assertions) {
        "**debug build of the bench: figures are not representative; run `make bench`**".to_owned()
    } else {
        format!("release profile: {}", release_profile())
    };
    format!(
        "{now} · {} {} · {cpus} CPUs · binaries from `{}` · {profile}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        display(bin_dir),
    )
}

/// The workspace's `[profile.release]` settings, as the binaries were built with
/// them (read when the bench was built, which `make bench` does in the same run).
fn release_profile() -> String {
    include_str!("../../../Cargo.toml")
        .lines()
        .skip_while(|line| line.trim() != "[profile.release]")
        .skip(1)
        .take_while(|line| !line.trim().starts_with('['))
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A path without the `..` the target directory was reached through.
fn display(path: &Path) -> String {
    path.canonicalize()
        .unwrap_or_else(|_| PathBuf::from(path))
        .display()
        .to_string()
}

fn progress(message: &str) {
    eprintln!("bench: {message}…");
}
