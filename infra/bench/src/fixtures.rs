//! What the functions run against: the emulator with the template's resources, or
//! the in-memory fakes, each seeded with the demo client and a live session of
//! theirs, so every sample invocation takes its successful path.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_config::SdkConfig;
use devserver::emulator::{Emulator, sdk_config};
use devserver::stack;
use portcullis::Services;
use portcullis::aws::{load_server_keys, services};
use portcullis::clock::SystemClock;
use portcullis::domain::{
    AuditEvent, AuditKind, CaseId, DeviceCredentialPurpose, DeviceId, EmailAddress, PhoneNumber,
    Token, UserId,
};
use portcullis::fakes::FakeServices;
use portcullis::mfa::second_step::challenge;
use portcullis::mfa::{ConfirmedFactor, FactorConfirmation};
use portcullis::mfa::{DeviceToken, PushDevice, PushPlatform};
use portcullis::ports::Conditional;
use portcullis::sign_in::login_link::{sign_in_url, verify_login_link};
use portcullis::sign_in::session::new_session;
use portcullis_cli::admin::Admin;
use portcullis_cli::demo;
use portcullis_cli::provision::{Provisioned, Resources, provision};

use crate::events::Function;

/// The emulator is the benchmark's own, so fixed names cannot collide.
const STACK_NAME: &str = "portcullis-bench";

/// The signed-in client every sample event is about.
#[derive(Debug, Clone)]
pub struct Subject {
    pub user_id: UserId,
    pub email: String,
    pub session_token: String,
    /// What the authorizer hands the routes as `session_id`.
    pub session_digest: String,
    /// One of the client's cases.
    pub case_id: CaseId,
    /// The demo administrator, signed in, with a phone for SMS codes and one for
    /// push approval: what the MFA functions act for.
    pub firm_user: FirmSubject,
}

/// A signed-in firm user with second factors.
#[derive(Debug, Clone)]
pub struct FirmSubject {
    pub user_id: UserId,
    pub session_token: String,
    pub session_digest: String,
}

/// One seeded deployment: the services a handler gets, and the client to act as.
pub struct Deployment {
    pub services: Services,
    pub subject: Subject,
}

/// The emulator, with one deployment for the spawned functions and room for more.
pub struct EmulatorStack {
    /// Kept for its lifetime: the emulator stops when this is dropped.
    _emulator: Emulator,
    pub endpoint: String,
    sdk: SdkConfig,
    /// The application's environment variables, exactly as a spawned function gets them.
    pub app_env: BTreeMap<&'static str, String>,
    pub main: Deployment,
}

impl EmulatorStack {
    pub async fn start() -> anyhow::Result<Self> {
        let emulator = Emulator::start().context("starting the emulator")?;
        let endpoint = emulator.endpoint().to_owned();
        let sdk = sdk_config(&endpoint).await;
        let (app_env, main) = deploy(&sdk, STACK_NAME).await?;
        Ok(Self {
            _emulator: emulator,
            endpoint,
            sdk,
            app_env,
            main,
        })
    }

    /// A deployment of its own for `function`. The emulator slows down as a table
    /// grows (its transactions copy the whole table), so each function is measured
    /// from the same freshly seeded state rather than after the others' leftovers.
    pub async fn deploy_for(&self, function: Function) -> anyhow::Result<Deployment> {
        let (_, deployment) =
            deploy(&self.sdk, &format!("{STACK_NAME}-{}", function.binary())).await?;
        Ok(deployment)
    }

    pub fn sdk(&self) -> &SdkConfig {
        &self.sdk
    }

    /// One `GetSecretValue` round trip on a warm client: the emulator's share of
    /// every cold start, for reading the cold-start figures.
    pub async fn secret_round_trips(&self, count: usize) -> anyhow::Result<Vec<Duration>> {
        let client = aws_sdk_secretsmanager::Client::new(&self.sdk);
        let secret_id = &stack::resources(STACK_NAME).secret_id;
        let mut samples = Vec::with_capacity(count);
        for _ in 0..=count {
            let started = Instant::now();
            load_server_keys(&client, secret_id).await?;
            samples.push(started.elapsed());
        }
        // The first call opened the connection.
        samples.remove(0);
        Ok(samples)
    }
}

/// Provisions and seeds the resources named after `name`.
async fn deploy(
    sdk: &SdkConfig,
    name: &str,
) -> anyhow::Result<(BTreeMap<&'static str, String>, Deployment)> {
    let resources = stack::resources(name);
    let push = provision(sdk, &resources)
        .await
        .with_context(|| format!("provisioning {name} on the emulator"))?;
    let app_env = app_env(&resources, &push);
    let config = stack::config(&app_env).context("the benchmark's own configuration")?;
    // The real clock, as in Lambda: the spawned functions use it too, so the links
    // and sessions made here must be valid by it.
    let services = services(sdk, &config, Arc::new(SystemClock))
        .await
        .context("building the services on the emulator")?;
    let subject = seed(&services).await?;
    Ok((app_env, Deployment { services, subject }))
}

/// The environment of the functions, as the SAM template would set it, with the
/// enumeration floor and the rate limits out of the way: the floor is a deliberate
/// delay, and the limits would turn repeated requests into `429`s.
fn app_env(resources: &Resources, provisioned: &Provisioned) -> BTreeMap<&'static str, String> {
    let mut env = stack::function_env(resources, provisioned, "http://127.0.0.1:3000");
    let unlimited = u64::MAX.to_string();
    env.extend([
        ("LOGIN_LINK_RESPONSE_FLOOR_MS", "0".to_owned()),
        ("LOGIN_LINK_LIMIT_PER_EMAIL", unlimited.clone()),
        ("LOGIN_LINK_LIMIT_PER_IP", unlimited),
    ]);
    env
}

/// Fresh fakes, with the same client and the same settings as an emulator deployment.
pub async fn fakes() -> anyhow::Result<Deployment> {
    let mut services = FakeServices::default().services;
    let limits = &mut services.settings.login_link_limits;
    limits.per_email = u64::MAX;
    limits.per_ip = u64::MAX;
    services.settings.login_link_response_floor = Duration::ZERO;
    let subject = seed(&services).await?;
    Ok(Deployment { services, subject })
}

/// Seeds the demo data and signs its client in through a login link.
async fn seed(services: &Services) -> anyhow::Result<Subject> {
    let store = services.store.as_ref();
    let clock = services.clock.as_ref();
    demo::seed(&Admin { store, clock }, demo::DEFAULT_ADMIN_PASSWORD)
        .await
        .context("seeding the demo data")?;
    let email = EmailAddress::parse(demo::CLIENT_EMAIL)
        .map_err(|_| anyhow::anyhow!("the demo client's email does not parse"))?;
    let user_id = store
        .user_id_by_email(&email)
        .await?
        .context("the demo client was not created")?;
    let link = mint_login_link(services, user_id).await?;
    let signed_in = verify_login_link(services, &link, None)
        .await
        .context("signing the demo client in")?;
    let case_id = store
        .cases_of(user_id)
        .await?
        .first()
        .map(|case| case.id)
        .context("the demo client has no case")?;
    Ok(Subject {
        user_id,
        case_id,
        email: demo::CLIENT_EMAIL.to_owned(),
        session_token: signed_in.token.expose().to_owned(),
        session_digest: signed_in.session.digest.as_str().to_owned(),
        firm_user: firm_user_with_factors(services).await?,
    })
}

/// Signs the demo administrator in and gives them a confirmed phone for SMS
/// codes and a registered phone for push, written straight to the store.
async fn firm_user_with_factors(services: &Services) -> anyhow::Result<FirmSubject> {
    let store = services.store.as_ref();
    let email = EmailAddress::parse(demo::ADMIN_EMAIL)
        .map_err(|_| anyhow::anyhow!("the demo administrator's email does not parse"))?;
    let admin = match store.user_id_by_email(&email).await? {
        Some(id) => store.user(id).await?,
        None => None,
    }
    .context("the demo administrator was not created")?;
    let now = services.clock.now();
    let (token, session) = new_session(services, &admin, now);
    store.start_session(&session, &[]).await?;

    let phone = PhoneNumber::parse("+447700900123")
        .map_err(|_| anyhow::anyhow!("the benchmark's phone number does not parse"))?;
    store.begin_sms(admin.id, &phone, now).await?;
    let device_token = DeviceToken::parse(PushPlatform::Apns, &"ab".repeat(32))
        .map_err(|_| anyhow::anyhow!("the benchmark's device token does not parse"))?;
    let credential = Token::<DeviceCredentialPurpose>::generate(services.random.as_ref());
    let device = PushDevice {
        id: DeviceId::new(),
        platform: PushPlatform::Apns,
        name: "Bench phone".into(),
        endpoint_arn: services
            .push
            .register(PushPlatform::Apns, &device_token)
            .await?,
        credential_digest: services.keys.digest(&credential),
        created_at: now,
    };
    for (version, factor) in [ConfirmedFactor::Sms(phone), ConfirmedFactor::Push(device)]
        .into_iter()
        .enumerate()
    {
        let confirmation = FactorConfirmation {
            user: admin.id,
            // The demo seeding may have moved the credentials on already.
            expected_version: admin.credential_version + version as u64,
            factor,
            at: now,
            backup_code_digests: &[],
            keep_session: Some(&session.digest),
            audit: &AuditEvent::new(AuditKind::MfaEnabled, now, admin.id),
        };
        anyhow::ensure!(
            store.confirm_factor(&confirmation).await? == Conditional::Applied,
            "the benchmark's factors were refused by the store"
        );
    }
    Ok(FirmSubject {
        user_id: admin.id,
        session_token: token.expose().to_owned(),
        session_digest: session.digest.as_str().to_owned(),
    })
}

/// A fresh second step of a sign-in for `user` (as a correct password starts
/// one), and its `mfa_token`.
pub async fn mint_mfa_token(services: &Services, user: UserId) -> anyhow::Result<String> {
    let user = services
        .store
        .user(user)
        .await?
        .context("the firm user is gone")?;
    let state = services.store.mfa_state(user.id).await?;
    let started = challenge(services, &user, &state, services.clock.now()).await?;
    started["mfa_token"]
        .as_str()
        .map(str::to_owned)
        .context("a second step without its mfa_token")
}

/// Stores a fresh login link for `user` and returns its token, read from the URL
/// a notification would carry, so it needs no reading back from a mailbox.
pub async fn mint_login_link(services: &Services, user: UserId) -> anyhow::Result<String> {
    let user = services
        .store
        .user(user)
        .await?
        .context("the user to sign in is gone")?;
    let url = sign_in_url(services, &user, None)
        .await
        .context("storing a login link")?;
    url.rsplit_once("token=")
        .map(|(_, token)| token.to_owned())
        .context("a sign-in URL without its token")
}
