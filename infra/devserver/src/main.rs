//! `make dev`: the whole suite on this machine. Starts the emulator, provisions it,
//! seeds the demo data, and serves every route of the SAM template on
//! 127.0.0.1:$PORT (default 3000) until Ctrl-C.

use std::sync::Arc;

use anyhow::Context;
use devserver::emulator::{Emulator, sdk_config};
use devserver::gateway::Gateway;
use devserver::{http_handlers, routes, server, template_path};
use portcullis::aws::{DynamoStore, services};
use portcullis::clock::SystemClock;
use portcullis::config::Config;
use portcullis_cli::admin::Admin;
use portcullis_cli::demo;
use portcullis_cli::provision::{Resources, provision};
use tokio::net::TcpListener;

const TABLE: &str = "portcullis";
const BUCKET: &str = "portcullis-documents";
const SECRET: &str = "portcullis/server-key";
const SENDER: &str = "no-reply@portal.example.com";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    portcullis::telemetry::init_pretty();
    let port: u16 = std::env::var("PORT")
        .ok()
        .map(|p| p.parse().context("PORT must be a port number"))
        .transpose()?
        .unwrap_or(3000);
    let base = format!("http://127.0.0.1:{port}");
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| {
            format!("cannot listen on 127.0.0.1:{port} (set PORT to use another port)")
        })?;

    let emulator = Emulator::start()?;
    let sdk = sdk_config(emulator.endpoint()).await;
    provision(
        &sdk,
        &Resources {
            table: TABLE.into(),
            bucket: BUCKET.into(),
            secret_id: SECRET.into(),
            sender_domain: "portal.example.com".into(),
        },
    )
    .await?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), TABLE.into());
    demo::seed(&Admin {
        store: &store,
        clock: &SystemClock,
    })
    .await?;

    let config = Config::from_lookup(|name| match name {
        "TABLE_NAME" => Some(TABLE.into()),
        "SERVER_KEY_SECRET_ID" => Some(SECRET.into()),
        "SENDER_EMAIL" => Some(SENDER.into()),
        "PORTAL_URL" => Some(base.clone()),
        other => std::env::var(other).ok(),
    })?;
    let services = services(&sdk, &config, Arc::new(SystemClock)).await?;
    let gateway = Gateway::new(routes::load(&template_path())?, http_handlers(), services)?;

    println!("\nPortcullis is running at {base}\n");
    for route in gateway.routes() {
        let access = if route.public { "public" } else { "session" };
        println!(
            "  {:<6} {base}{:<28} {access:<8} -> {}",
            route.method.as_str(),
            route.path,
            route.binary
        );
    }
    println!("\n  Dev inbox (emails and SMS):  {base}/_dev/inbox   (JSON: {base}/_dev/outbox)");
    println!("  Emulator:                    {}", emulator.endpoint());
    println!("\nDemo accounts ({}):", demo::FIRM_NAME);
    println!(
        "  client  {}  ({}, cases: {})",
        demo::CLIENT_EMAIL,
        demo::CLIENT_NAME,
        demo::CASE_TITLES.join(", ")
    );
    println!("  admin   {}  ({})", demo::ADMIN_EMAIL, demo::ADMIN_NAME);
    println!("\nTry it:");
    println!(
        "  curl -s -X POST {base}/auth/login-link -H 'content-type: application/json' -d '{{\"email\":\"{}\"}}'",
        demo::CLIENT_EMAIL
    );
    println!("  then open {base}/_dev/inbox and click the link.\n\nPress Ctrl-C to stop.");

    let router = server::router(gateway, emulator.endpoint().to_owned());
    server::serve(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    drop(emulator);
    println!("stopped");
    Ok(())
}
