//! The password figures: one Argon2id verification, and the daily expiry job over
//! a firm of many users against the emulator.

use std::time::{Duration, Instant};

use anyhow::Context;
use aws_config::SdkConfig;
use devserver::stack;
use portcullis::accounts::FirmStore;
use portcullis::accounts::expire_passwords::expire_passwords;
use portcullis::accounts::passwords;
use portcullis::accounts::{Firm, FirmSettings, Password, PasswordExpiry, PasswordState, User};
use portcullis::aws::{DynamoStore, services};
use portcullis::clock::SystemClock;
use portcullis::domain::{EmailAddress, FirmId, Language, Role, UserId};
use portcullis::ports::{Clock, OsRandom};
use portcullis_cli::provision::provision;

use crate::stats::Summary;

/// Argon2id verifications (m = 19 MiB, t = 2, p = 1) of a right password.
pub fn argon2_verify(samples: usize) -> anyhow::Result<Summary> {
    let password = Password::parse("violet tractor mandolin sleet".into())?;
    let hash = passwords::hash(&password, &OsRandom)?;
    let timings: Vec<Duration> = (0..samples)
        .map(|_| {
            let started = Instant::now();
            let verified = passwords::verify(&password, &hash);
            let elapsed = started.elapsed();
            verified
                .then_some(elapsed)
                .context("the password did not verify")
        })
        .collect::<anyhow::Result<_>>()?;
    Summary::of(&timings).context("no verification was measured")
}

/// One run of the expiry job.
#[derive(Debug, Clone, Copy)]
pub struct ExpiryJob {
    pub users: usize,
    pub notices: usize,
    pub elapsed: Duration,
}

impl ExpiryJob {
    pub fn users_per_second(&self) -> f64 {
        self.users as f64 / self.elapsed.as_secs_f64()
    }
}

/// The expiry job over one firm of `users` firm users, every one of them due a
/// notice (the heaviest day: a claim and an email each), on a table of its own.
pub async fn expiry_job(sdk: &SdkConfig, users: usize) -> anyhow::Result<ExpiryJob> {
    let resources = stack::resources("portcullis-bench-expiry");
    let push = provision(sdk, &resources)
        .await
        .context("provisioning the expiry table")?;
    let env = stack::function_env(&resources, &push, "http://127.0.0.1:3000");
    let config = stack::config(&env).context("the expiry job's configuration")?;
    let svc = services(sdk, &config, std::sync::Arc::new(SystemClock)).await?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), resources.table.clone());

    let now = SystemClock.now();
    let firm = Firm {
        id: FirmId::new(),
        name: "Bench LLP".into(),
        created_at: now,
        settings: FirmSettings {
            require_strong_passwords: false,
            password_expiry: PasswordExpiry::from_days(90)?,
            require_mfa: false,
        },
    };
    store.create_firm(&firm).await?;
    let hash = passwords::hash(
        &Password::parse("violet tractor mandolin sleet".into())?,
        &OsRandom,
    )?;
    let password = PasswordState {
        hash,
        changed_at: now - time::Duration::days(80),
        must_change: false,
        notice_sent_for: None,
    };
    let people: Vec<User> = (0..users)
        .map(|n| {
            Ok(User {
                id: UserId::new(),
                firm_id: firm.id,
                email: EmailAddress::parse(&format!("lawyer{n}@bench.example.com"))?,
                name: format!("Lawyer {n}"),
                role: Role::Staff,
                language: Language::En,
                created_at: now,
                password: Some(password.clone()),
                credential_version: 0,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    store
        .import_users(&people)
        .await
        .context("importing the firm's users")?;

    let started = Instant::now();
    let run = expire_passwords(&svc)
        .await
        .context("running the expiry job")?;
    let elapsed = started.elapsed();
    anyhow::ensure!(
        run.notices_sent == users,
        "the job sent {} notices for {users} users",
        run.notices_sent
    );
    Ok(ExpiryJob {
        users: run.users_checked,
        notices: run.notices_sent,
        elapsed,
    })
}
