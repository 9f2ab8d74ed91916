//! `portcullis`: the operator CLI (its commands in `portcullis_cli::commands`).
//!
//! The AWS endpoint, region and credentials come from the usual places
//! (`AWS_ENDPOINT_URL`, `AWS_REGION`, profiles…), or `--endpoint-url` for an
//! emulator; `--stack NAME` takes the settings from a deployed stack's outputs.
//! With neither an endpoint nor a stack, while `make dev` runs, its stack
//! (`.dev/stack.json`: the emulator and the functions' settings) is used.

use std::path::Path;

use aws_config::BehaviorVersion;
use clap::Parser;
use portcullis_cli::commands::{Cli, Host, run};
use portcullis_cli::dev_stack;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    portcullis::telemetry::init_pretty();
    let host = Host {
        env: &|name| std::env::var(name).ok(),
        aws: aws_config::defaults(BehaviorVersion::latest()),
        dev_stack: Path::new(dev_stack::DEFAULT_PATH),
    };
    run(Cli::parse(), host, &mut std::io::stdout()).await
}
