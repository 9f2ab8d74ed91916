//! The password figures: one Argon2id verification, and the daily expiry job over
//! a firm of many users against the emulator.

use std::time::{Duration, Instant};

use anyhow::Context;
use aws_config::SdkConfig;
use devserver::{jobs, stack};
use portcullis::accounts::expire_passwords::dispatch_password_expiry;
use portcullis::accounts::passwords;
use portcullis::accounts::{Firm, FirmSettings, Password, PasswordExpiry, PasswordState, User};
use portcullis::accounts::{FirmStore, UserStore};
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

/// The firms the expiry job's users are spread over: one job each.
const FIRMS: usize = 20;
/// `run-jobs` invocations at once (the template's `JobsMaxConcurrency` is 10).
const WORKERS: usize = 4;

/// One run of the expiry job, fanned out.
#[derive(Debug, Clone, Copy)]
pub struct ExpiryJob {
    pub users: usize,
    pub notices: usize,
    pub firms: usize,
    pub workers: usize,
    pub elapsed: Duration,
}

impl ExpiryJob {
    pub fn users_per_second(&self) -> f64 {
        self.users as f64 / self.elapsed.as_secs_f64()
    }
}

/// The expiry job over `users` firm users in [`FIRMS`] firms, every one of them
/// due a notice (the heaviest day: a claim and an email each), on a table of its
/// own: the dispatch puts a job a firm on the queue, and [`WORKERS`] `run-jobs`
/// take them off it at once.
pub async fn expiry_job(sdk: &SdkConfig, users: usize) -> anyhow::Result<ExpiryJob> {
    let resources = stack::resources("portcullis-bench-expiry");
    let provisioned = provision(sdk, &resources)
        .await
        .context("provisioning the expiry table")?;
    let env = stack::function_env(&resources, &provisioned, "http://127.0.0.1:3000");
    let config = stack::config(&env).context("the expiry job's configuration")?;
    let queue_url = config.jobs_queue_url.clone().context("a jobs queue")?;
    let svc = services(sdk, &config, std::sync::Arc::new(SystemClock)).await?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), resources.table.clone());

    let now = SystemClock.now();
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
    let mut people = Vec::with_capacity(users);
    let mut firms = Vec::with_capacity(FIRMS);
    for f in 0..FIRMS {
        let firm = Firm {
            id: FirmId::new(),
            name: format!("Bench {f} LLP"),
            created_at: now,
            settings: FirmSettings {
                require_strong_passwords: false,
                password_expiry: PasswordExpiry::from_days(90)?,
                require_mfa: false,
            },
        };
        store.create_firm(&firm).await?;
        firms.push(firm.id);
        for n in (f..users).step_by(FIRMS) {
            people.push(User {
                id: UserId::new(),
                firm_id: firm.id,
                email: EmailAddress::parse(&format!("lawyer{n}@bench.example.com"))?,
                name: format!("Lawyer {n}"),
                role: Role::Staff,
                language: Language::En,
                created_at: now,
                password: Some(password.clone()),
                credential_version: 0,
            });
        }
    }
    store
        .import_users(&people)
        .await
        .context("importing the firms' users")?;

    let started = Instant::now();
    let dispatched = dispatch_password_expiry(&svc)
        .await
        .context("dispatching the expiry job")?;
    let drained = jobs::drain(&aws_sdk_sqs::Client::new(sdk), &queue_url, &svc, WORKERS)
        .await
        .context("running the expiry jobs")?;
    let elapsed = started.elapsed();
    anyhow::ensure!(
        drained.failed.is_empty() && drained.jobs == dispatched.jobs,
        "{} of {} jobs failed",
        drained.failed.len(),
        dispatched.jobs
    );
    let mut notices = 0;
    for firm in firms {
        notices += store
            .users_of_firm(firm)
            .await?
            .iter()
            .filter(|user| {
                user.password
                    .as_ref()
                    .is_some_and(|p| p.notice_sent_for == Some(p.changed_at))
            })
            .count();
    }
    anyhow::ensure!(
        notices == users,
        "the job sent {notices} notices for {users} users"
    );
    Ok(ExpiryJob {
        users,
        notices,
        firms: dispatched.jobs,
        workers: WORKERS,
        elapsed,
    })
}
