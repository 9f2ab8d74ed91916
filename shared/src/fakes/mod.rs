//! In-memory fakes of the ports, for unit tests and the handler benchmark. The
//! integration tests never use these: they run the AWS adapters against the
//! emulator.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::Services;
use crate::accounts::{Firm, User};
use crate::clock::ManualClock;
use crate::config::Settings;
use crate::crypto::{ServerKey, ServerKeys};
use crate::documents::transfer::DocumentLimits;
use crate::documents::{Case, Document, DocumentId, Upload, UploadId};
use crate::domain::PhoneNumber;
use crate::domain::{AuditEvent, CaseId, EmailAddress, FirmId, TokenDigest, UserId};
use crate::mfa::{DeviceToken, PushPlatform};
use crate::ports::{JobQueue, Mailer, OsRandom, OutgoingEmail, PushMessage, PushSender, SmsSender};
use crate::sign_in::limits::RateLimits;
use crate::sign_in::session::SessionPolicy;
use crate::sign_in::{OneTimeLink, Session, TrustedDevice};
use crate::suppression::SuppressingMailer;

#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub(crate) firms: HashMap<FirmId, Firm>,
    pub(crate) users: HashMap<UserId, User>,
    pub(crate) emails: HashMap<EmailAddress, UserId>,
    pub(crate) cases: HashMap<CaseId, Case>,
    pub(crate) members: Vec<(CaseId, UserId)>,
    /// Clients of a firm other than the one that brought them.
    pub(crate) clients_of_firms: HashSet<(FirmId, UserId)>,
    pub(crate) uploads: HashMap<(CaseId, UploadId), Upload>,
    pub(crate) announced: HashSet<(CaseId, UploadId)>,
    /// When each notice was claimed, and when it was sent.
    pub(crate) notices: HashMap<String, (OffsetDateTime, Option<OffsetDateTime>)>,
    pub(crate) documents: BTreeMap<(CaseId, DocumentId), Document>,
    pub(crate) links: HashMap<(&'static str, TokenDigest), OneTimeLink>,
    pub(crate) sessions: HashMap<TokenDigest, Session>,
    pub(crate) trusted_devices: HashMap<TokenDigest, TrustedDevice>,
    /// Slots taken, by counter key.
    pub(crate) counters: HashMap<String, u64>,
    pub(crate) audit: Vec<AuditEvent>,
    pub(crate) totp: HashMap<UserId, crate::mfa::TotpFactor>,
    pub(crate) sms: HashMap<UserId, crate::mfa::SmsFactor>,
    pub(crate) sent_codes: HashMap<String, crate::mfa::SentCode>,
    pub(crate) backup_codes: HashMap<UserId, Vec<String>>,
    pub(crate) challenges: HashMap<TokenDigest, crate::mfa::MfaChallenge>,
    pub(crate) push_devices: HashMap<UserId, Vec<crate::mfa::PushDevice>>,
    pub(crate) pushes: HashMap<crate::domain::PushChallengeId, crate::mfa::PushChallenge>,
    pub(crate) recoveries: HashMap<crate::domain::RecoveryId, crate::recovery::Recovery>,
    /// Unspent recovery links.
    pub(crate) recovery_links: HashMap<TokenDigest, crate::domain::RecoveryId>,
    pub(crate) suppressions: HashMap<EmailAddress, crate::suppression::Suppression>,
}

impl Tables {
    pub(crate) fn at_version(&self, user: UserId, version: u64) -> bool {
        self.users
            .get(&user)
            .is_some_and(|user| user.credential_version == version)
    }

    pub(crate) fn credential_change(&mut self, user: UserId) {
        if let Some(user) = self.users.get_mut(&user) {
            user.credential_version += 1;
        }
    }

    pub(crate) fn remove_factors(&mut self, user: UserId, methods: &[crate::mfa::MfaMethod]) {
        use crate::mfa::MfaMethod;
        for method in methods {
            match method {
                MfaMethod::Totp => {
                    self.totp.remove(&user);
                }
                MfaMethod::BackupCode => {
                    self.backup_codes.remove(&user);
                }
                MfaMethod::Sms => {
                    self.sms.remove(&user);
                }
                MfaMethod::Push => {
                    self.push_devices.remove(&user);
                }
            }
        }
    }
}

/// The whole store behind one lock, which makes every operation atomic. It keeps
/// where each operation was called from, so a test can compare the store work
/// two requests did.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub(crate) tables: Mutex<Tables>,
    pub(crate) calls: Mutex<Vec<&'static std::panic::Location<'static>>>,
}

pub use crate::documents::memory::MemoryBucket;

impl MemoryStore {
    /// The tables, locked: every operation takes them once.
    #[track_caller]
    pub(crate) fn tables(&self) -> MutexGuard<'_, Tables> {
        self.calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(std::panic::Location::caller());
        self.tables
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The operations done so far (by where in the store each is written), and
    /// forgets them.
    pub fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .map(|at| format!("{}:{}", at.file(), at.line()))
            .collect()
    }

    pub fn audit_trail(&self) -> Vec<AuditEvent> {
        self.tables().audit.clone()
    }
}

/// Keeps what it is asked to send.
#[derive(Debug, Default)]
pub struct MemoryMailer(Mutex<Vec<OutgoingEmail>>);

impl MemoryMailer {
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait]
impl Mailer for MemoryMailer {
    async fn send(&self, email: &OutgoingEmail) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(email.clone());
        Ok(())
    }
}

/// Keeps the text messages it is asked to send.
#[derive(Debug, Default)]
pub struct MemorySms(Mutex<Vec<(PhoneNumber, String)>>);

impl MemorySms {
    pub fn sent(&self) -> Vec<(PhoneNumber, String)> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait]
impl SmsSender for MemorySms {
    async fn send_sms(&self, to: &PhoneNumber, text: &str) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((to.clone(), text.to_owned()));
        Ok(())
    }
}

/// Registers every device and keeps the pushes it is asked to send.
#[derive(Debug, Default)]
pub struct MemoryPush(Mutex<Vec<(String, PushMessage)>>);

impl MemoryPush {
    pub fn sent(&self) -> Vec<(String, PushMessage)> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait]
impl PushSender for MemoryPush {
    fn supports(&self, _platform: PushPlatform) -> bool {
        true
    }

    async fn register(
        &self,
        platform: PushPlatform,
        _token: &DeviceToken,
    ) -> anyhow::Result<String> {
        Ok(format!(
            "memory:{}:{}",
            platform.as_str(),
            uuid::Uuid::new_v4()
        ))
    }

    async fn push(&self, endpoint: &str, message: &PushMessage) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((endpoint.to_owned(), message.clone()));
        Ok(())
    }

    async fn unregister(&self, _endpoint: &str) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Keeps the jobs put on it, for a test to run.
#[derive(Debug, Default)]
pub struct MemoryJobs(Mutex<Vec<crate::jobs::Job>>);

impl MemoryJobs {
    /// The jobs queued so far, taken off the queue.
    pub fn take(&self) -> Vec<crate::jobs::Job> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[async_trait]
impl JobQueue for MemoryJobs {
    async fn enqueue(&self, jobs: &[crate::jobs::Job]) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(jobs);
        Ok(())
    }
}

/// Services on the fakes, with a manual clock and no response floor.
pub struct FakeServices {
    pub services: Services,
    pub store: Arc<MemoryStore>,
    pub mailer: Arc<MemoryMailer>,
    pub sms: Arc<MemorySms>,
    pub push: Arc<MemoryPush>,
    pub jobs: Arc<MemoryJobs>,
    pub clock: Arc<ManualClock>,
}

impl Default for FakeServices {
    fn default() -> Self {
        let store = Arc::new(MemoryStore::default());
        let mailer = Arc::new(MemoryMailer::default());
        let sms = Arc::new(MemorySms::default());
        let push = Arc::new(MemoryPush::default());
        let jobs = Arc::new(MemoryJobs::default());
        let clock = Arc::new(ManualClock::starting_now());
        let services = Services {
            store: store.clone(),
            bucket: Arc::new(MemoryBucket),
            mailer: Arc::new(SuppressingMailer::new(mailer.clone(), store.clone())),
            sms: sms.clone(),
            push: push.clone(),
            jobs: jobs.clone(),
            verifier: Arc::new(crate::recovery::verifiers::ManualReview {
                portal_url: "http://127.0.0.1:3000".into(),
            }),
            clock: clock.clone(),
            random: Arc::new(OsRandom),
            keys: ServerKeys::new(
                ServerKey::new(vec![42; 32]).expect("a 32-byte key is long enough"),
                None,
            ),
            settings: test_settings(),
        };
        Self {
            services,
            store,
            mailer,
            sms,
            push,
            jobs,
            clock,
        }
    }
}

/// Settings for tests: the production defaults, with no response floor.
pub fn test_settings() -> Settings {
    Settings {
        portal_url: "http://127.0.0.1:3000".into(),
        cdn_origin_secret: None,
        sender: EmailAddress::parse("no-reply@portal.example.com").expect("a valid address"),
        login_link_ttl: time::Duration::HOUR,
        session: SessionPolicy::default(),
        login_link_limits: RateLimits {
            per_email: 5,
            per_ip: 50,
            window: time::Duration::minutes(15),
        },
        password_failure_limits: RateLimits {
            per_email: 10,
            per_ip: 100,
            window: time::Duration::minutes(15),
        },
        password_failures_per_device: 10,
        password_response_floor: std::time::Duration::ZERO,
        login_link_response_floor: std::time::Duration::ZERO,
        documents: DocumentLimits::default(),
    }
}
