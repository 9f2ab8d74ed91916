//! `portcullis`: the operator CLI.
//!
//! The AWS endpoint, region and credentials come from the usual places
//! (`AWS_ENDPOINT_URL`, `AWS_REGION`, profiles…), or `--endpoint-url` for an
//! emulator. With neither, while `make dev` runs, its stack (`.dev/stack.json`:
//! the emulator and the functions' settings) is used.

use std::path::Path;

use anyhow::Context;
use clap::{Parser, Subcommand};
use portcullis::aws::{DynamoStore, services};
use portcullis::clock::SystemClock;
use portcullis::config::Config;
use portcullis::domain::{CaseId, FirmId, Language, Role, UserId};
use portcullis::http::bodies::rfc3339;
use portcullis_cli::admin::{Admin, NewUser};
use portcullis_cli::dev_stack::{self, Target};
use portcullis_cli::provision::{Resources, provision};

#[derive(Parser)]
#[command(name = "portcullis", about = "Operate a Portcullis deployment")]
struct Cli {
    /// AWS endpoint to talk to instead of AWS (an emulator).
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    /// The DynamoDB table (default: the dev stack's, else `portcullis`).
    #[arg(long, global = true, env = "TABLE_NAME")]
    table: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the table, bucket, secret and SES identity (for an emulator).
    Provision {
        #[arg(long, default_value = "portcullis-documents")]
        bucket: String,
        #[arg(
            long,
            env = "SERVER_KEY_SECRET_ID",
            default_value = "portcullis/server-key"
        )]
        secret: String,
        #[arg(long, default_value = "portal.example.com")]
        sender_domain: String,
    },
    /// Create a firm; prints its id.
    CreateFirm {
        #[arg(long)]
        name: String,
    },
    /// Create a firm user or client; prints their id.
    CreateUser {
        #[arg(long)]
        firm: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// client, staff or admin
        #[arg(long)]
        role: String,
        /// en, fr or es
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Set a firm user's password, read from PORTCULLIS_PASSWORD or else from the
    /// first line of standard input (never from the command line, which other users
    /// of the machine can see).
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Create a case; prints its id.
    CreateCase {
        #[arg(long)]
        firm: String,
        #[arg(long)]
        title: String,
    },
    /// Make a user a member of a case.
    AddMember {
        #[arg(long)]
        case: String,
        #[arg(long)]
        user: String,
    },
    /// Seed the demo firm, users and cases (the administrator's password from
    /// DEV_ADMIN_PASSWORD, or the default).
    DemoData,
    /// Account recovery for a firm user who lost every second factor.
    Recovery {
        #[command(subcommand)]
        action: RecoveryCommand,
    },
}

#[derive(Subcommand)]
enum RecoveryCommand {
    /// Open a recovery and email the user a 72-hour link; prints the recovery id
    /// and when the link expires. Reads the functions' environment (TABLE_NAME,
    /// SERVER_KEY_SECRET_ID, SENDER_EMAIL, PORTAL_URL, DOCUMENTS_BUCKET,
    /// IDENTITY_VERIFIER…), as the deployed functions have it.
    Start { email: String },
    /// Approve (removing every second factor) or refuse a recovery an operator
    /// opened, once the user's identity has been checked.
    Decide {
        recovery_id: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long)]
        note: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    portcullis::telemetry::init_pretty();
    let cli = Cli::parse();
    let endpoint = cli
        .endpoint_url
        .clone()
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
    let target = Target::find(endpoint.as_deref(), Path::new(dev_stack::DEFAULT_PATH)).await?;
    if let Some(stack) = &target.dev {
        eprintln!(
            "(the stack `make dev` runs, its emulator at {})",
            stack.endpoint
        );
    }
    let sdk = target.sdk.clone();
    let setting = |name: &str| target.setting(std::env::var(name).ok(), name);
    let table = cli
        .table
        .clone()
        .or_else(|| setting("TABLE_NAME"))
        .unwrap_or_else(|| "portcullis".to_owned());
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table.clone());
    let admin = Admin {
        store: &store,
        clock: &SystemClock,
    };

    match cli.command {
        Command::Provision {
            bucket,
            secret,
            sender_domain,
        } => {
            provision(
                &sdk,
                &Resources {
                    table,
                    bucket,
                    secret_id: secret,
                    sender_domain,
                    push_applications: None,
                    portal_origin: None,
                    mail_configuration_set: None,
                    jobs_queue: None,
                },
            )
            .await?;
            println!("provisioned");
        }
        Command::CreateFirm { name } => println!("{}", admin.create_firm(&name).await?),
        Command::CreateUser {
            firm,
            email,
            name,
            role,
            language,
        } => {
            let user = NewUser {
                firm: FirmId::parse(&firm).context("--firm is not a firm id")?,
                email: &email,
                name: &name,
                role: Role::parse(&role).context("--role must be client, staff or admin")?,
                language: Language::parse(&language)?,
            };
            println!("{}", admin.create_user(user).await?);
        }
        Command::SetPassword { email } => {
            let password = match std::env::var("PORTCULLIS_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            admin.set_password(&email, password).await?;
            println!("password set");
        }
        Command::CreateCase { firm, title } => {
            let firm = FirmId::parse(&firm).context("--firm is not a firm id")?;
            println!("{}", admin.create_case(firm, &title).await?);
        }
        Command::AddMember { case, user } => {
            let case = CaseId::parse(&case).context("--case is not a case id")?;
            let user = UserId::parse(&user).context("--user is not a user id")?;
            admin.add_member(case, user).await?;
        }
        Command::DemoData => {
            portcullis_cli::demo::seed(&admin, &portcullis_cli::demo::admin_password()).await?;
            println!("demo data seeded");
        }
        Command::Recovery { action } => {
            let config = Config::from_lookup(setting)?;
            let svc = services(&sdk, &config, std::sync::Arc::new(SystemClock)).await?;
            match action {
                RecoveryCommand::Start { email } => {
                    let recovery = portcullis_cli::recovery::start_by_email(&svc, &email).await?;
                    println!("{} {}", recovery.id, rfc3339(recovery.expires_at));
                }
                RecoveryCommand::Decide {
                    recovery_id,
                    approve,
                    note,
                    ..
                } => {
                    portcullis_cli::recovery::decide(&svc, &recovery_id, approve, note.as_deref())
                        .await?;
                    println!("decided");
                }
            }
        }
    }
    Ok(())
}
