//! `make dev`: the whole suite on this machine. Starts the emulator, provisions it,
//! seeds the demo data, and serves every route of the SAM template on
//! 127.0.0.1:$PORT (default 3000) until Ctrl-C.

use std::sync::Arc;

use anyhow::Context;
use devserver::emulator::{Emulator, sdk_config};
use devserver::gateway::Gateway;
use devserver::notifications::deliver_uploads;
use devserver::portal::Portal;
use devserver::{http_handlers, routes, server, stack, template_path};
use portcullis::aws::{DynamoStore, services};
use portcullis::clock::ShiftedClock;
use portcullis::config::Config;
use portcullis::http::API_PATH_PREFIX;
use portcullis_cli::admin::Admin;
use portcullis_cli::demo;
use portcullis_cli::dev_stack::{self, DevStack};
use portcullis_cli::provision::{Resources, provision};
use tokio::net::TcpListener;

/// The dev stack's resources: table `portcullis`, bucket `portcullis-documents`,
/// secret `portcullis/server-key`.
const STACK: &str = "portcullis";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    portcullis::telemetry::init_pretty();
    let port: u16 = std::env::var("PORT")
        .ok()
        .map(|p| p.parse().context("PORT must be a port number"))
        .transpose()?
        .unwrap_or(3000);
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| {
            format!("cannot listen on 127.0.0.1:{port} (set PORT to use another port)")
        })?;
    // PORT=0 takes a free port (the browser tests do).
    let base = format!("http://{}", listener.local_addr()?);
    let api = format!("{base}{API_PATH_PREFIX}");
    let dist = std::env::var_os("PORTAL_DIST").map_or_else(Portal::default_dist, Into::into);

    let emulator = Emulator::start()?;
    let clock = Arc::new(ShiftedClock::default());
    let sdk = sdk_config(emulator.endpoint()).await;
    let resources = Resources {
        portal_origin: Some(base.clone()),
        ..stack::resources(STACK)
    };
    let push = provision(&sdk, &resources).await?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), resources.table.clone());
    let admin_password = demo::admin_password();
    demo::seed(
        &Admin {
            store: &store,
            clock: clock.as_ref(),
        },
        &admin_password,
    )
    .await?;

    // The template's environment for local resources; settings such as the rate
    // limits can still be given in the shell's environment.
    let env = stack::function_env(&resources, &push, &base);
    let config =
        Config::from_lookup(|name| env.get(name).cloned().or_else(|| std::env::var(name).ok()))?;
    let services = services(&sdk, &config, clock.clone()).await?;
    // For the operator CLI (`make cli`), while this server runs.
    let stack_file = match std::env::var("DEV_STACK_FILE") {
        Ok(path) if path.is_empty() => None,
        Ok(path) => Some(path.into()),
        Err(_) => Some(devserver::workspace_root().join(dev_stack::DEFAULT_PATH)),
    };
    let _written = match stack_file {
        Some(path) => {
            DevStack {
                endpoint: emulator.endpoint().to_owned(),
                env: env
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
                api_url: Some(api.clone()),
            }
            .write(&path)?;
            Some(dev_stack::Written(path))
        }
        None => None,
    };
    let deliveries = deliver_uploads(&sdk, &resources.bucket, services.clone()).await?;
    let gateway = Gateway::new(routes::load(&template_path())?, http_handlers(), services)?;

    let portal = Portal::new(dist, emulator.endpoint())?;
    if !portal.dist().join("index.html").exists() {
        eprintln!(
            "warning: no portal build in {}: run `make dev`, or `npm --prefix portal run build`",
            portal.dist().display()
        );
    }

    println!("\nPortcullis is running at {base}\n");
    println!("  The portal:  {base}/   (sign in as the demo client below)\n");
    for route in gateway.routes() {
        let access = if route.public { "public" } else { "session" };
        println!(
            "  {:<6} {api}{:<28} {access:<8} -> {}",
            route.method.as_str(),
            route.path,
            route.binary
        );
    }
    println!("\n  Dev inbox (emails and SMS):  {base}/_dev/inbox   (JSON: {base}/_dev/outbox)");
    println!(
        "  Emulator:                    {} at {}",
        emulator.kind().name(),
        emulator.endpoint()
    );
    println!("\nDemo accounts ({}):", demo::FIRM_NAME);
    println!(
        "  client  {}  ({}, cases: {})",
        demo::CLIENT_EMAIL,
        demo::CLIENT_NAME,
        demo::CASE_TITLES.join(", ")
    );
    println!(
        "  admin   {}  ({}, password {admin_password:?} from DEV_ADMIN_PASSWORD or the default)",
        demo::ADMIN_EMAIL,
        demo::ADMIN_NAME
    );
    println!("\nTry it:");
    println!(
        "  curl -s -X POST {api}/auth/login-link -H 'content-type: application/json' -d '{{\"email\":\"{}\"}}'",
        demo::CLIENT_EMAIL
    );
    println!("  then open {base}/_dev/inbox and click the link (or sign in at {base}/).");
    println!(
        "\nSend a document as the client (README, \"Send a document by hand\"): POST the file's\n\
         name, type and size to {api}/cases/{{caseId}}/documents, PUT the bytes to the\n\
         returned URL with curl, and the firm's email appears in {base}/_dev/inbox."
    );
    println!(
        "\nThe operator CLI finds this stack by itself while it runs:\n  \
         make cli ARGS='create-firm --name \"Another LLP\"'   (make cli ARGS=--help lists the commands)\n  \
         make smoke   (the main flows against this API, in a test firm it deletes)"
    );
    println!("\nPress Ctrl-C to stop.");

    let dev = server::Dev {
        emulator: emulator.address().clone(),
        clock: Some(clock),
        store: Some(Arc::new(store)),
    };
    let router = server::router(gateway, dev, portal);
    server::serve(listener, router, stop_signal()).await?;
    deliveries.abort();
    drop(emulator);
    println!("stopped");
    Ok(())
}

/// Ctrl-C, or SIGTERM from whoever started the server (the browser tests stop it
/// so), after which the emulator is stopped too.
async fn stop_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
