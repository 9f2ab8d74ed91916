//! The test harness: one emulator per test binary, and per test its own table,
//! bucket, secret and server on a free port, with a clock the test controls.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration as StdDuration;

use aws_credential_types::Credentials;
use aws_sdk_dynamodb::types::AttributeValue;
use clap::Parser;
use devserver::emulator::{Emulator, Kind, Outbox, SentEmail, external_endpoint, sdk_config};
use devserver::gateway::Gateway;
use devserver::jobs::{self, Drained};
use devserver::portal::Portal;
use devserver::{http_handlers, routes, server, stack, template_path};
use futures::future::BoxFuture;
use portcullis::Services;
use portcullis::aws::{DynamoStore, s3_client, services};
use portcullis::clock::ManualClock;
use portcullis::config::Config;
use portcullis::domain::{CaseId, FirmId, Language, Role, UserId};
use portcullis::http::API_PATH_PREFIX;
use portcullis::jobs::{Dispatched, JobRun};
use portcullis_cli::admin::{Admin, NewUser};
use portcullis_cli::commands::{Cli, Host, run};
use portcullis_cli::provision::provision;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// The password [`TestApp::seed_firm_user`] gives.
pub const FIRM_PASSWORD: &str = "lantern orbit quietly";

/// Every login-link answer waits this long in the tests (production: 600 ms).
pub const RESPONSE_FLOOR: StdDuration = StdDuration::from_millis(100);

/// Emulators the tests of this binary share, each app on one of them in turn, by
/// kind. moto serves one request at a time and its outbox is a dump of all it
/// holds, so several small ones take the tests' load on every core, each with a
/// fraction of the state. LocalStack serves requests in parallel (but DynamoDB's
/// and SESv2's, serialised in its moto engine) and takes longer to start. One that
/// was already running (`AWS_ENDPOINT_URL`) is the only one.
fn pool_size(kind: Kind) -> usize {
    match kind {
        Kind::LocalStack => 2,
        Kind::Moto => 4,
    }
}

fn emulator() -> &'static Emulator {
    static POOL: OnceLock<Vec<Emulator>> = OnceLock::new();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let pool = POOL.get_or_init(|| {
        let kind = Kind::from_env().expect("EMULATOR names an emulator");
        let size = match external_endpoint() {
            Some(_) => 1,
            None => pool_size(kind),
        };
        std::thread::scope(|scope| {
            let starting: Vec<_> = (0..size).map(|_| scope.spawn(Emulator::start)).collect();
            starting
                .into_iter()
                .map(|start| {
                    start
                        .join()
                        .expect("starting an emulator")
                        .expect("the emulator must start")
                })
                .collect()
        })
    });
    &pool[NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % pool.len()]
}

/// A stand-in build of the portal (an `index.html` and one asset), so these tests
/// check how the origin serves a build without needing npm; the real build is
/// tested in a browser by `portal/`'s own tests.
pub fn portal_fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api/fixtures/portal")
}

pub struct TestApp {
    /// The portal's origin, which emailed links point under; the API is under
    /// `/api` there ([`TestApp::url`]).
    pub address: String,
    /// The emulator this app's table, bucket and mail live on.
    pub emulator: &'static Emulator,
    /// What the scheduled functions get: the same services, for invoking them as
    /// their schedule would.
    pub services: Services,
    pub api: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub dynamo: aws_sdk_dynamodb::Client,
    pub table: String,
    pub store: DynamoStore,
    pub sdk: aws_config::SdkConfig,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    /// The functions' configuration, secret and all.
    pub config: Config,
}

/// A client of the demo kind: a firm, the client, and two cases they belong to.
pub struct TestClient {
    pub id: UserId,
    pub email: String,
    pub firm: FirmId,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts an app whose configuration has these extra environment variables.
pub async fn spawn_app_with(overrides: &[(&'static str, &str)]) -> TestApp {
    spawn_app_on(emulator(), overrides).await
}

/// An app on an emulator whose S3 checks presigned URLs' signatures: the tests'
/// emulator when it is LocalStack, else (on moto, which accepts any signature) a
/// LocalStack of these tests' own, started at first use.
pub async fn spawn_app_on_signing_s3() -> TestApp {
    static SIGNING: OnceLock<Emulator> = OnceLock::new();
    let shared = emulator();
    let emulator = if shared.kind() == Kind::LocalStack {
        shared
    } else {
        SIGNING
            .get_or_init(|| Emulator::start_kind(Kind::LocalStack).expect("LocalStack must start"))
    };
    spawn_app_on(emulator, &[]).await
}

async fn spawn_app_on(emulator: &'static Emulator, overrides: &[(&'static str, &str)]) -> TestApp {
    let endpoint = emulator.endpoint();
    let resources = stack::resources(&format!("portcullis-{}", uuid::Uuid::new_v4().simple()));
    let sdk = sdk_config(endpoint).await;
    let provisioned = provision(&sdk, &resources).await.expect("provisioning");

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = format!("http://{}", listener.local_addr().expect("an address"));
    let mut env = stack::function_env(&resources, &provisioned, &address);
    env.insert(
        "LOGIN_LINK_RESPONSE_FLOOR_MS",
        RESPONSE_FLOOR.as_millis().to_string(),
    );
    // Password sign-ins are in almost every test: their floor has a test of its own.
    env.insert("PASSWORD_RESPONSE_FLOOR_MS", "0".to_owned());
    env.extend(
        overrides
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned())),
    );
    let config = stack::config(&env).expect("a valid configuration");
    let clock = Arc::new(ManualClock::starting_now());
    serve(emulator, sdk, config, clock, listener, address).await
}

/// An app serving `config`'s deployment on `listener`, with services built as a
/// function's cold start builds them.
async fn serve(
    emulator: &'static Emulator,
    sdk: aws_config::SdkConfig,
    config: Config,
    clock: Arc<ManualClock>,
    listener: TcpListener,
    address: String,
) -> TestApp {
    let services = services(&sdk, &config, clock.clone())
        .await
        .expect("services");
    let jobs = services.clone();
    let routes = routes::load(&template_path()).expect("the template's routes");
    let gateway = Gateway::new(routes, http_handlers(), services).expect("a gateway");
    let portal = Portal::new(portal_fixture(), emulator.endpoint()).expect("the portal's headers");
    let dev = server::Dev {
        emulator: emulator.address().clone(),
        clock: None,
        store: None,
    };
    let router = server::router(gateway, dev, portal);
    tokio::spawn(server::serve(listener, router, std::future::pending()));

    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    TestApp {
        address,
        emulator,
        services: jobs,
        api: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client"),
        clock,
        store: DynamoStore::new(dynamo.clone(), config.table_name.clone()),
        dynamo,
        table: config.table_name.clone(),
        s3: s3_client(&sdk),
        sdk,
        bucket: config.documents_bucket.clone(),
        config,
    }
}

impl TestApp {
    /// The same deployment as a function sees it after a cold start: its services
    /// built again (the server keys read again) and served on a port of its own,
    /// with the same clock. Its emailed links still point at this app.
    pub async fn cold_started(&self) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = format!("http://{}", listener.local_addr().expect("an address"));
        serve(
            self.emulator,
            self.sdk.clone(),
            self.config.clone(),
            self.clock.clone(),
            listener,
            address,
        )
        .await
    }
}

/// A fresh address, so tests sharing the emulator never read each other's mail.
pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// A schedule's function: its handler, as its `lib.rs` gives it.
pub type Dispatcher = fn(&Services, Value) -> BoxFuture<'_, anyhow::Result<Dispatched>>;

impl TestApp {
    /// Runs a schedule's function as its EventBridge schedule would (with its
    /// sample event), then every job it put on the jobs queue as `run-jobs` would,
    /// two batches at once; what the jobs did. No job may fail.
    pub async fn run_schedule(&self, dispatcher: Dispatcher, function: &str) -> Vec<JobRun> {
        let event = workspace_event(&format!("{function}/schedule.json"));
        let dispatched = dispatcher(&self.services, event)
            .await
            .expect("the schedule's function runs");
        let drained = self.drain_jobs().await;
        assert_eq!(
            drained.jobs, dispatched.jobs,
            "every job dispatched ran once"
        );
        drained.runs
    }

    /// Runs every job on the queue as `run-jobs` would; none may fail.
    pub async fn drain_jobs(&self) -> Drained {
        let queue_url = self.config.jobs_queue_url.as_deref().expect("a jobs queue");
        let drained = jobs::drain(
            &aws_sdk_sqs::Client::new(&self.sdk),
            queue_url,
            &self.services,
            2,
        )
        .await
        .expect("the jobs queue drains");
        assert!(
            drained.failed.is_empty(),
            "failed jobs: {:?}",
            drained.failed
        );
        drained
    }
}

impl TestApp {
    /// What the operator CLI runs, against this app's table.
    pub fn operator(&self) -> Admin<'_> {
        Admin {
            store: &self.store,
            clock: self.clock.as_ref(),
        }
    }

    /// A firm with a client in two cases, and a firm administrator.
    pub async fn seed_client(&self) -> TestClient {
        self.seed_user(Role::Client).await
    }

    pub async fn seed_user(&self, role: Role) -> TestClient {
        let firm = self
            .operator()
            .create_firm("Example LLP")
            .await
            .expect("a firm");
        self.seed_user_in_firm(firm, role).await
    }

    /// A firm user of the same firm as `colleague`, with the password [`FIRM_PASSWORD`].
    pub async fn seed_firm_user_in(&self, colleague: &TestClient, role: Role) -> TestClient {
        let user = self.seed_user_in_firm(colleague.firm, role).await;
        self.operator()
            .set_password(&user.email, FIRM_PASSWORD.to_owned())
            .await
            .expect("a password");
        user
    }

    /// A client of the same firm as `colleague`, in two cases.
    pub async fn seed_client_in(&self, colleague: &TestClient) -> TestClient {
        self.seed_user_in_firm(colleague.firm, Role::Client).await
    }

    async fn seed_user_in_firm(&self, firm: FirmId, role: Role) -> TestClient {
        let admin = self.operator();
        let email = unique_email(role.as_str());
        let id = admin
            .create_user(NewUser {
                firm,
                email: &email,
                name: "Casey Client",
                role,
                language: Language::En,
            })
            .await
            .expect("a user");
        for title in ["Estate of Doe", "Doe v. Roe"] {
            let case = admin.create_case(firm, title).await.expect("a case");
            admin.add_member(case, id).await.expect("a membership");
        }
        TestClient { id, email, firm }
    }

    /// The ids of the cases `user` is a member of, by title.
    pub async fn case_ids_of(&self, user: UserId) -> Vec<CaseId> {
        use portcullis::documents::CaseStore;
        let mut cases = self.store.cases_of(user).await.expect("cases");
        cases.sort_by(|a, b| a.title.cmp(&b.title));
        cases.into_iter().map(|case| case.id).collect()
    }

    /// The user as stored.
    pub async fn store_user(&self, id: UserId) -> portcullis::accounts::User {
        use portcullis::accounts::UserStore;
        self.store
            .user(id)
            .await
            .expect("a read")
            .expect("the user")
    }

    /// Makes `user` a member of `case`, as the operator CLI does.
    pub async fn add_member(&self, case: CaseId, user: UserId) {
        self.operator()
            .add_member(case, user)
            .await
            .expect("a membership");
    }

    pub async fn get(&self, path: &str, session: &str) -> Response {
        self.api
            .get(self.url(path))
            .bearer_auth(session)
            .send()
            .await
            .expect("a response")
    }

    /// A POST of `body` to send later (see [`burst`]), as `session` when given.
    pub fn post_request(
        &self,
        path: &str,
        session: Option<&str>,
        body: &Value,
    ) -> reqwest::RequestBuilder {
        let request = self.api.post(self.url(path)).json(body);
        match session {
            Some(session) => request.bearer_auth(session),
            None => request,
        }
    }

    pub async fn post_as(&self, path: &str, session: &str, body: &Value) -> Response {
        self.api
            .post(self.url(path))
            .bearer_auth(session)
            .json(body)
            .send()
            .await
            .expect("a response")
    }

    pub async fn put_as(&self, path: &str, session: &str) -> Response {
        self.api
            .put(self.url(path))
            .bearer_auth(session)
            .send()
            .await
            .expect("a response")
    }

    pub fn clock_now(&self) -> time::OffsetDateTime {
        use portcullis::ports::Clock;
        self.clock.now()
    }

    /// A firm user with the password [`FIRM_PASSWORD`].
    pub async fn seed_firm_user(&self, role: Role) -> TestClient {
        let user = self.seed_user(role).await;
        self.operator()
            .set_password(&user.email, FIRM_PASSWORD.to_owned())
            .await
            .expect("a password");
        user
    }

    /// Signs a firm user in with their password; returns the session token.
    pub async fn password_sign_in(&self, email: &str) -> String {
        let response = self
            .post_json(
                "/auth/password",
                &json!({ "email": email, "password": FIRM_PASSWORD }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("JSON");
        body["session_token"]
            .as_str()
            .expect("a session token")
            .to_owned()
    }

    /// What `POST /auth/password` answers a firm user with [`FIRM_PASSWORD`]: a
    /// session, or the second step, or enrolment.
    pub async fn password_answer(&self, email: &str) -> Value {
        self.post_json(
            "/auth/password",
            &json!({ "email": email, "password": FIRM_PASSWORD }),
        )
        .await
        .json()
        .await
        .expect("JSON")
    }

    /// An administrator sets their firm's password policy through the API.
    pub async fn set_password_policy(
        &self,
        admin_session: &str,
        require_strong: bool,
        expiry_days: u16,
    ) {
        let response = self
            .api
            .put(self.url("/firm/settings"))
            .bearer_auth(admin_session)
            .json(&json!({"require_strong_passwords": require_strong, "password_expiry_days": expiry_days}))
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), StatusCode::OK);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{API_PATH_PREFIX}{path}", self.address)
    }

    /// A page or file of the portal's origin (not the API): `/auth/verify?token=…`.
    pub fn page_url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.api
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("a response")
    }

    pub async fn post_raw(&self, path: &str, body: &'static str) -> Response {
        self.api
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("a response")
    }

    pub async fn request_link(&self, email: &str) -> Response {
        self.post_json("/auth/login-link", &json!({ "email": email }))
            .await
    }

    pub async fn verify(&self, token: &str) -> Response {
        self.post_json("/auth/login-link/verify", &json!({ "token": token }))
            .await
    }

    pub async fn get_me(&self, session_token: &str) -> Response {
        self.api
            .get(self.url("/me"))
            .bearer_auth(session_token)
            .send()
            .await
            .expect("a response")
    }

    /// Everything the emulator sent to `email`, oldest first.
    pub async fn emails_to(&self, email: &str) -> Vec<SentEmail> {
        let outbox: Outbox = self.emulator.outbox().await.expect("the outbox");
        outbox
            .emails
            .into_iter()
            .filter(|sent| sent.to.iter().any(|to| to == email))
            .collect()
    }

    /// Every text message the emulator sent to `phone`, oldest first.
    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        let outbox: Outbox = self.emulator.outbox().await.expect("the outbox");
        outbox
            .sms
            .into_iter()
            .filter(|sent| sent.to == phone)
            .map(|sent| sent.message)
            .collect()
    }

    /// Every push the emulator published to the phone with `device_token`, oldest
    /// first, as published (one payload per platform).
    pub async fn pushes_to(&self, device_token: &str) -> Vec<Value> {
        let outbox: Outbox = self.emulator.outbox().await.expect("the outbox");
        outbox
            .pushes
            .into_iter()
            .filter(|sent| sent.device_token == device_token)
            .map(|sent| serde_json::from_str(&sent.message).expect("a JSON message"))
            .collect()
    }

    /// Requests a link for `email` and returns the token from the email it sent.
    pub async fn link_token_for(&self, email: &str) -> String {
        let before = self.emails_to(email).await.len();
        assert_eq!(
            self.request_link(email).await.status(),
            StatusCode::ACCEPTED
        );
        let emails = self.emails_to(email).await;
        assert_eq!(emails.len(), before + 1, "one new email to {email}");
        token_in(&emails[before].body, &self.address)
    }

    /// Signs `email` in through its login link; returns the session token.
    pub async fn sign_in(&self, email: &str) -> String {
        let token = self.link_token_for(email).await;
        let response = self.verify(&token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("JSON");
        body["session_token"]
            .as_str()
            .expect("a session token")
            .to_owned()
    }

    /// Every item in the table, as text.
    pub async fn table_dump(&self) -> String {
        format!("{:?}", self.table_items().await)
    }

    /// Every item in the table.
    pub async fn table_items(&self) -> Vec<HashMap<String, AttributeValue>> {
        self.dynamo
            .scan()
            .table_name(&self.table)
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .map(|item| item.expect("a scanned item"))
            .collect()
    }

    /// Runs the operator CLI against this app's emulator, table and bucket, as
    /// `portcullis --endpoint-url … --table … ARGS` with DOCUMENTS_BUCKET set; what
    /// it printed.
    pub async fn cli(&self, args: &[&str]) -> anyhow::Result<String> {
        let mut all = vec![
            "--endpoint-url",
            self.emulator.endpoint(),
            "--table",
            &self.table,
        ];
        all.extend(args);
        run_cli(&all, &[("DOCUMENTS_BUCKET", &self.bucket)], None).await
    }

    /// Every version and delete marker in the bucket under `prefix`.
    pub async fn object_versions(&self, prefix: &str) -> usize {
        let listed = self
            .s3
            .list_object_versions()
            .bucket(&self.bucket)
            .prefix(prefix)
            .send()
            .await
            .expect("ListObjectVersions");
        listed.versions().len() + listed.delete_markers().len()
    }

    /// The audit kinds recorded about `user`, oldest first.
    pub async fn audit_kinds(&self, user: UserId) -> Vec<String> {
        let output = self
            .dynamo
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(format!("USER#{user}")))
            .send()
            .await
            .expect("Query");
        output
            .items()
            .iter()
            .filter_map(|item| item.get("kind")?.as_s().ok().cloned())
            .collect()
    }
}

/// Runs the operator CLI as `portcullis ARGS` with only `env` for its environment,
/// the emulators' placeholder credentials as its AWS settings, and the dev stack
/// written at `dev_stack` (none when `None`); what it printed.
pub async fn run_cli(
    args: &[&str],
    env: &[(&str, &str)],
    dev_stack: Option<&std::path::Path>,
) -> anyhow::Result<String> {
    let (ran, printed) = run_cli_printing(args, env, dev_stack).await;
    ran.map(|()| printed)
}

/// [`run_cli`]'s outcome, and what it printed whether it failed or not.
pub async fn run_cli_printing(
    args: &[&str],
    env: &[(&str, &str)],
    dev_stack: Option<&std::path::Path>,
) -> (anyhow::Result<()>, String) {
    let cli = match Cli::try_parse_from(std::iter::once("portcullis").chain(args.iter().copied())) {
        Ok(cli) => cli,
        Err(err) => return (Err(err.into()), String::new()),
    };
    let env: HashMap<String, String> = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let lookup = move |name: &str| env.get(name).cloned();
    let nowhere = std::env::temp_dir().join(format!("no-dev-stack-{}", uuid::Uuid::new_v4()));
    let host = Host {
        env: &lookup,
        aws: aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "emulator")),
        dev_stack: dev_stack.unwrap_or(&nowhere),
    };
    let mut out = Vec::new();
    let ran = run(cli, host, &mut out).await;
    (ran, String::from_utf8_lossy(&out).into_owned())
}

/// The login-link token in an email body: the link is `{portal}/auth/verify?token=…`.
pub fn token_in(body: &str, portal: &str) -> String {
    link_token_in(body, portal, "/auth/verify")
}

/// The token of the `{portal}{path}?token=…` link in an email body.
pub fn link_token_in(body: &str, portal: &str, path: &str) -> String {
    let marker = format!("{portal}{path}?token=");
    let start = body.find(&marker).expect("a link in the email") + marker.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

pub async fn error_code(response: Response) -> String {
    let body: Value = response.json().await.expect("a JSON error body");
    body["error"]["code"]
        .as_str()
        .expect("an error code")
        .to_owned()
}

/// A sample event from `events/`, as the function's trigger would send it.
pub fn workspace_event(path: &str) -> Value {
    let text = std::fs::read_to_string(devserver::workspace_root().join("events").join(path))
        .expect("a sample event");
    serde_json::from_str(&text).expect("JSON")
}

/// What one answer of a burst was: its status and error code (empty on success).
pub type Answer = (StatusCode, String);

/// Sends `requests` all at once, as a burst from parallel Lambda instances would
/// arrive; their answers.
pub async fn burst(requests: impl IntoIterator<Item = reqwest::RequestBuilder>) -> Vec<Answer> {
    let responses =
        futures::future::join_all(requests.into_iter().map(|request| request.send())).await;
    let mut answers = Vec::new();
    for response in responses {
        let response = response.expect("a response");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        let code = body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        answers.push((status, code));
    }
    answers
}

/// How many of `answers` had this status and error code.
pub fn count(answers: &[Answer], status: StatusCode, code: &str) -> usize {
    answers
        .iter()
        .filter(|(s, c)| *s == status && c == code)
        .count()
}
