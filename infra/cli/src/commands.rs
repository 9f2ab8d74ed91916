//! The CLI's commands and options, and running one: `main.rs` parses the command
//! line and hands over the process's environment; the tests run commands the same
//! way with an environment of their own.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use aws_config::ConfigLoader;
use clap::{Parser, Subcommand};
use portcullis::aws::{DynamoStore, S3Bucket, SnsPush, s3_client, services};
use portcullis::clock::SystemClock;
use portcullis::config::PushApplications;
use portcullis::domain::{CaseId, EmailAddress, FirmId, Language, Role, UserId};
use portcullis::http::bodies::rfc3339;
use portcullis::suppression::SuppressionStore;

use crate::admin::{Admin, NewUser};
use crate::firm_deletion::{Deployment, delete_firm};
use crate::provision::{Resources, provision};
use crate::target::{Named, Target};

#[derive(Parser)]
#[command(
    name = "portcullis",
    about = "Operate a Portcullis deployment",
    after_help = "Where each setting comes from, first found first: a flag, then the \
                  environment (TABLE_NAME, DOCUMENTS_BUCKET, SERVER_KEY_SECRET_ID, \
                  SENDER_EMAIL, PORTAL_URL…), then the Outputs of the stack --stack \
                  names, then the stack `make dev` runs (.dev/stack.json, read only \
                  when neither --endpoint-url, AWS_ENDPOINT_URL nor --stack is given)."
)]
pub struct Cli {
    /// AWS endpoint to talk to instead of AWS (an emulator).
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    /// A deployed CloudFormation stack whose Outputs (TableName,
    /// DocumentsBucketName, ServerKeySecretArn, ApiUrl, SenderEmail, PortalUrl…)
    /// give the settings a flag or the environment does not.
    #[arg(long, global = true, value_name = "NAME")]
    stack: Option<String>,
    /// The DynamoDB table (default: the stack's output TableName, else the dev
    /// stack's, else `portcullis`).
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
    /// Delete a firm and everything of it: its users, their sessions, factors,
    /// phones and audit trails, its cases with their members, documents and
    /// every version of their files (DOCUMENTS_BUCKET), its recoveries.
    DeleteFirm {
        /// The firm's id (there is no default, and no "all").
        #[arg(long)]
        firm: String,
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
    /// Mail an address again that bounced for good or complained (once its owner
    /// has fixed the mailbox, or asked for the portal's mail).
    Unsuppress {
        #[arg(long)]
        email: String,
    },
    /// Seed the demo firm, users and cases (the administrator's password from
    /// DEV_ADMIN_PASSWORD, or the default).
    DemoData,
    /// Run the main flows against the API in a test firm made for it (with an
    /// administrator and a random password), then delete the firm, whatever
    /// failed; one line per step, and a non-zero exit naming a failed step.
    Smoke {
        /// The API's base URL (default: the stack's output ApiUrl, else the API
        /// of the running `make dev`).
        #[arg(long)]
        url: Option<String>,
    },
    /// Account recovery for a firm user who lost every second factor.
    Recovery {
        #[command(subcommand)]
        action: RecoveryCommand,
    },
}

#[derive(Subcommand)]
enum RecoveryCommand {
    /// Open a recovery and email the user a 72-hour link; prints the recovery id
    /// and when the link expires. Reads the functions' settings (TABLE_NAME,
    /// SERVER_KEY_SECRET_ID, SENDER_EMAIL, PORTAL_URL, DOCUMENTS_BUCKET,
    /// IDENTITY_VERIFIER…) as the deployed functions have them.
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

/// What a command runs in: the process's environment, the usual AWS settings,
/// and where `make dev` writes its stack.
pub struct Host<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub aws: ConfigLoader,
    pub dev_stack: &'a Path,
}

/// Runs the command `cli` names, writing what it prints to `out`.
pub async fn run(cli: Cli, host: Host<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let endpoint = cli
        .endpoint_url
        .clone()
        .or_else(|| (host.env)("AWS_ENDPOINT_URL"));
    let named = Named {
        endpoint: endpoint.as_deref(),
        stack: cli.stack.as_deref(),
    };
    let target = Target::find(named, host.aws, host.dev_stack).await?;
    if let Some(stack) = &target.dev {
        eprintln!(
            "(the stack `make dev` runs, its emulator at {})",
            stack.endpoint
        );
    }
    let env = host.env;
    let sdk = target.sdk.clone();
    let table = target.setting_or(cli.table.clone(), "TABLE_NAME", "portcullis")?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table.clone());
    let admin = Admin {
        store: &store,
        clock: &SystemClock,
    };
    let documents = || -> anyhow::Result<S3Bucket> {
        let bucket = target.required(env("DOCUMENTS_BUCKET"), "DOCUMENTS_BUCKET")?;
        Ok(S3Bucket::new(s3_client(&sdk), bucket))
    };
    // Unregistering a phone needs no platform application.
    let push = SnsPush::new(aws_sdk_sns::Client::new(&sdk), PushApplications::default());

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
            writeln!(out, "provisioned")?;
        }
        Command::CreateFirm { name } => writeln!(out, "{}", admin.create_firm(&name).await?)?,
        Command::DeleteFirm { firm } => {
            let firm = FirmId::parse(&firm).context("--firm is not a firm id")?;
            let bucket = documents()?;
            let at = Deployment {
                store: &store,
                bucket: &bucket,
                push: &push,
            };
            writeln!(out, "{}", delete_firm(&at, firm).await?)?;
        }
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
            writeln!(out, "{}", admin.create_user(user).await?)?;
        }
        Command::SetPassword { email } => {
            let password = match env("PORTCULLIS_PASSWORD") {
                Some(password) => password,
                None => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            admin.set_password(&email, password).await?;
            writeln!(out, "password set")?;
        }
        Command::CreateCase { firm, title } => {
            let firm = FirmId::parse(&firm).context("--firm is not a firm id")?;
            writeln!(out, "{}", admin.create_case(firm, &title).await?)?;
        }
        Command::AddMember { case, user } => {
            let case = CaseId::parse(&case).context("--case is not a case id")?;
            let user = UserId::parse(&user).context("--user is not a user id")?;
            admin.add_member(case, user).await?;
        }
        Command::Unsuppress { email } => {
            let address = EmailAddress::parse(&email).context("--email is not an email address")?;
            match store.suppression(&address).await? {
                Some(suppression) => {
                    store.lift_suppression(&address).await?;
                    writeln!(
                        out,
                        "{email} is mailed again (suppressed since {} for a {})",
                        rfc3339(suppression.since),
                        suppression.reason.as_str()
                    )?;
                }
                None => writeln!(out, "{email} was not suppressed")?,
            }
        }
        Command::DemoData => {
            crate::demo::seed(&admin, &crate::demo::admin_password()).await?;
            writeln!(out, "demo data seeded")?;
        }
        Command::Smoke { url } => {
            let url = target.api_url(url)?;
            let bucket = documents()?;
            let at = Deployment {
                store: &store,
                bucket: &bucket,
                push: &push,
            };
            writeln!(out, "smoke test of {url}")?;
            let report = crate::smoke::smoke_test(&url, &admin, &at, out).await?;
            if let Some(step) = report.failed() {
                bail!("the smoke test failed at step {:?}", step.name);
            }
            writeln!(out, "smoke test passed")?;
        }
        Command::Recovery { action } => {
            let config = target.config(env)?;
            let svc = services(&sdk, &config, std::sync::Arc::new(SystemClock)).await?;
            match action {
                RecoveryCommand::Start { email } => {
                    let recovery = crate::recovery::start_by_email(&svc, &email).await?;
                    writeln!(out, "{} {}", recovery.id, rfc3339(recovery.expires_at))?;
                }
                RecoveryCommand::Decide {
                    recovery_id,
                    approve,
                    note,
                    ..
                } => {
                    crate::recovery::decide(&svc, &recovery_id, approve, note.as_deref()).await?;
                    writeln!(out, "decided")?;
                }
            }
        }
    }
    Ok(())
}
