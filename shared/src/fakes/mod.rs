//! In-memory fakes of the ports, for unit tests and the handler benchmark. The
//! integration tests never use these: they run the AWS adapters against the
//! emulator.

mod documents;
mod mfa;
mod recovery;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::Services;
use crate::clock::ManualClock;
use crate::config::{DocumentLimits, RateLimits, SessionPolicy, Settings};
use crate::crypto::ServerKey;
use crate::domain::{
    AuditEvent, Case, CaseId, Document, DocumentId, EmailAddress, Firm, FirmId, FirmSettings,
    Language, LinkKind, OneTimeLink, Session, TokenDigest, TrustedDevice, Upload, UploadId, User,
    UserId,
};
use crate::domain::{DeviceToken, PhoneNumber, PushPlatform};
use crate::ports::{
    Conditional, CounterStore, FirmStore, LinkStore, Mailer, OsRandom, OutgoingEmail,
    PasswordChange, PushMessage, PushSender, SessionStore, SmsSender, UserStore,
};

#[derive(Debug, Default)]
struct Tables {
    firms: HashMap<FirmId, Firm>,
    users: HashMap<UserId, User>,
    emails: HashMap<EmailAddress, UserId>,
    cases: HashMap<CaseId, Case>,
    members: Vec<(CaseId, UserId)>,
    /// Clients of a firm other than the one that brought them.
    clients_of_firms: HashSet<(FirmId, UserId)>,
    uploads: HashMap<(CaseId, UploadId), Upload>,
    announced: HashSet<(CaseId, UploadId)>,
    /// When each notice was claimed, and when it was sent.
    notices: HashMap<String, (OffsetDateTime, Option<OffsetDateTime>)>,
    documents: BTreeMap<(CaseId, DocumentId), Document>,
    links: HashMap<(&'static str, TokenDigest), OneTimeLink>,
    sessions: HashMap<TokenDigest, Session>,
    trusted_devices: HashMap<TokenDigest, TrustedDevice>,
    /// Slots taken, by counter key.
    counters: HashMap<String, u64>,
    audit: Vec<AuditEvent>,
    totp: HashMap<UserId, crate::domain::TotpFactor>,
    sms: HashMap<UserId, crate::domain::SmsFactor>,
    sent_codes: HashMap<String, crate::domain::SentCode>,
    backup_codes: HashMap<UserId, Vec<String>>,
    challenges: HashMap<TokenDigest, crate::domain::MfaChallenge>,
    push_devices: HashMap<UserId, Vec<crate::domain::PushDevice>>,
    pushes: HashMap<crate::domain::PushChallengeId, crate::domain::PushChallenge>,
    recoveries: HashMap<crate::domain::RecoveryId, crate::domain::Recovery>,
    /// Unspent recovery links.
    recovery_links: HashMap<TokenDigest, crate::domain::RecoveryId>,
}

impl Tables {
    fn at_version(&self, user: UserId, version: u64) -> bool {
        self.users
            .get(&user)
            .is_some_and(|user| user.credential_version == version)
    }

    fn credential_change(&mut self, user: UserId) {
        if let Some(user) = self.users.get_mut(&user) {
            user.credential_version += 1;
        }
    }

    fn remove_factors(&mut self, user: UserId, methods: &[crate::domain::MfaMethod]) {
        use crate::domain::MfaMethod;
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
    tables: Mutex<Tables>,
    calls: Mutex<Vec<&'static std::panic::Location<'static>>>,
}

pub use documents::MemoryBucket;

impl MemoryStore {
    /// The tables, locked: every operation takes them once.
    #[track_caller]
    fn tables(&self) -> MutexGuard<'_, Tables> {
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

#[async_trait]
impl UserStore for MemoryStore {
    async fn user_id_by_email(&self, email: &EmailAddress) -> anyhow::Result<Option<UserId>> {
        Ok(self.tables().emails.get(email).copied())
    }

    async fn user(&self, id: UserId) -> anyhow::Result<Option<User>> {
        Ok(self.tables().users.get(&id).cloned())
    }

    async fn create_user(&self, user: &User, audit: &AuditEvent) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.emails.contains_key(&user.email) || t.users.contains_key(&user.id) {
            return Ok(Conditional::Refused);
        }
        t.emails.insert(user.email.clone(), user.id);
        t.users.insert(user.id, user.clone());
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn set_language(
        &self,
        id: UserId,
        language: Language,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let Some(user) = t.users.get_mut(&id) else {
            return Ok(Conditional::Refused);
        };
        user.language = language;
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn force_password_change(
        &self,
        id: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.users.get_mut(&id).and_then(|user| user.password.as_mut()) {
            Some(password) => password.must_change = true,
            None => return Ok(Conditional::Refused),
        }
        t.credential_change(id);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn claim_expiry_notice(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.users.get_mut(&id).and_then(|user| user.password.as_mut()) {
            Some(password)
                if password.changed_at == password_changed_at
                    && password.notice_sent_for != Some(password_changed_at) =>
            {
                password.notice_sent_for = Some(password_changed_at);
                Ok(Conditional::Applied)
            }
            _ => Ok(Conditional::Refused),
        }
    }

    async fn release_expiry_notice(&self, id: UserId) -> anyhow::Result<()> {
        if let Some(password) = self
            .tables()
            .users
            .get_mut(&id)
            .and_then(|user| user.password.as_mut())
        {
            password.notice_sent_for = None;
        }
        Ok(())
    }

    async fn users_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<User>> {
        Ok(self
            .tables()
            .users
            .values()
            .filter(|user| user.firm_id == firm)
            .cloned()
            .collect())
    }

    async fn replace_password(&self, change: &PasswordChange<'_>) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let Some(user) = t.users.get_mut(&change.user) else {
            return Ok(Conditional::Refused);
        };
        if change.expected.is_some() && user.password.as_ref().map(|p| &p.hash) != change.expected
            || user.credential_version != change.expected_version
        {
            return Ok(Conditional::Refused);
        }
        if let Some((kind, token, now)) = change.spends {
            match t.links.get_mut(&(kind.as_str(), token.clone())) {
                Some(link) if link.is_redeemable_at(now) => link.used_at = Some(now),
                _ => return Ok(Conditional::Refused),
            }
        }
        let Some(user) = t.users.get_mut(&change.user) else {
            return Ok(Conditional::Refused);
        };
        user.password = Some(change.new.clone());
        user.credential_version += 1;
        t.sessions.retain(|digest, session| {
            session.user_id != change.user || Some(digest) == change.keep_session
        });
        t.audit.push(change.audit.clone());
        Ok(Conditional::Applied)
    }
}

#[async_trait]
impl FirmStore for MemoryStore {
    async fn create_firm(&self, firm: &Firm) -> anyhow::Result<()> {
        let mut t = self.tables();
        if t.firms.contains_key(&firm.id) {
            anyhow::bail!("firm {} exists already", firm.id);
        }
        t.firms.insert(firm.id, firm.clone());
        Ok(())
    }

    async fn firm(&self, id: FirmId) -> anyhow::Result<Option<Firm>> {
        Ok(self.tables().firms.get(&id).cloned())
    }

    async fn firms(&self) -> anyhow::Result<Vec<Firm>> {
        Ok(self.tables().firms.values().cloned().collect())
    }

    async fn add_client(
        &self,
        firm: FirmId,
        client: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if !t.clients_of_firms.insert((firm, client)) {
            return Ok(Conditional::Refused);
        }
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn is_client_of(&self, firm: FirmId, user: UserId) -> anyhow::Result<bool> {
        Ok(self.tables().clients_of_firms.contains(&(firm, user)))
    }

    async fn set_firm_settings(
        &self,
        id: FirmId,
        settings: &FirmSettings,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let Some(firm) = t.firms.get_mut(&id) else {
            return Ok(Conditional::Refused);
        };
        firm.settings = *settings;
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }
}

#[async_trait]
impl LinkStore for MemoryStore {
    async fn put_link(
        &self,
        kind: LinkKind,
        link: &OneTimeLink,
        audit: &AuditEvent,
    ) -> anyhow::Result<()> {
        let mut t = self.tables();
        let key = (kind.as_str(), link.digest.clone());
        if t.links.contains_key(&key) {
            anyhow::bail!("a link with this digest exists already");
        }
        t.links.insert(key, link.clone());
        t.audit.push(audit.clone());
        Ok(())
    }

    async fn link(
        &self,
        kind: LinkKind,
        digest: &TokenDigest,
    ) -> anyhow::Result<Option<OneTimeLink>> {
        Ok(self
            .tables()
            .links
            .get(&(kind.as_str(), digest.clone()))
            .cloned())
    }

    async fn redeem_login_link(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
        session: &Session,
        audit: &[AuditEvent],
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.links.get_mut(&(LinkKind::Login.as_str(), digest.clone())) {
            Some(link) if link.is_redeemable_at(now) => link.used_at = Some(now),
            _ => return Ok(Conditional::Refused),
        }
        t.sessions.insert(session.digest.clone(), session.clone());
        t.audit.extend_from_slice(audit);
        Ok(Conditional::Applied)
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn put_trusted_device(&self, device: &TrustedDevice) -> anyhow::Result<()> {
        self.tables()
            .trusted_devices
            .insert(device.digest.clone(), device.clone());
        Ok(())
    }

    async fn trusted_device(&self, digest: &TokenDigest) -> anyhow::Result<Option<TrustedDevice>> {
        Ok(self.tables().trusted_devices.get(digest).cloned())
    }

    async fn session(&self, digest: &TokenDigest) -> anyhow::Result<Option<Session>> {
        Ok(self.tables().sessions.get(digest).cloned())
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        Ok(match self.tables().sessions.get_mut(digest) {
            Some(session) => {
                session.last_seen_at = now;
                Conditional::Applied
            }
            None => Conditional::Refused,
        })
    }

    async fn start_session(&self, session: &Session, audit: &[AuditEvent]) -> anyhow::Result<()> {
        let mut t = self.tables();
        if t.sessions.contains_key(&session.digest) {
            anyhow::bail!("a session with this digest exists already");
        }
        t.sessions.insert(session.digest.clone(), session.clone());
        t.audit.extend_from_slice(audit);
        Ok(())
    }

    async fn revoke_session(&self, digest: &TokenDigest, audit: &AuditEvent) -> anyhow::Result<()> {
        let mut t = self.tables();
        t.sessions.remove(digest);
        t.audit.push(audit.clone());
        Ok(())
    }
}

#[async_trait]
impl CounterStore for MemoryStore {
    async fn take_slot(
        &self,
        key: &str,
        max: u64,
        _expires_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let taken = t.counters.entry(key.to_owned()).or_default();
        if *taken >= max {
            return Ok(Conditional::Refused);
        }
        *taken += 1;
        Ok(Conditional::Applied)
    }

    async fn give_back_slot(&self, key: &str) -> anyhow::Result<()> {
        if let Some(taken) = self.tables().counters.get_mut(key) {
            *taken = taken.saturating_sub(1);
        }
        Ok(())
    }

    async fn slots_taken(&self, key: &str) -> anyhow::Result<u64> {
        Ok(self.tables().counters.get(key).copied().unwrap_or_default())
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

/// Services on the fakes, with a manual clock and no response floor.
pub struct FakeServices {
    pub services: Services,
    pub store: Arc<MemoryStore>,
    pub mailer: Arc<MemoryMailer>,
    pub sms: Arc<MemorySms>,
    pub push: Arc<MemoryPush>,
    pub clock: Arc<ManualClock>,
}

impl Default for FakeServices {
    fn default() -> Self {
        let store = Arc::new(MemoryStore::default());
        let mailer = Arc::new(MemoryMailer::default());
        let sms = Arc::new(MemorySms::default());
        let push = Arc::new(MemoryPush::default());
        let clock = Arc::new(ManualClock::starting_now());
        let services = Services {
            store: store.clone(),
            bucket: Arc::new(MemoryBucket),
            mailer: mailer.clone(),
            sms: sms.clone(),
            push: push.clone(),
            verifier: Arc::new(crate::verifiers::ManualReview {
                portal_url: "http://127.0.0.1:3000".into(),
            }),
            clock: clock.clone(),
            random: Arc::new(OsRandom),
            key: ServerKey::new(vec![42; 32]).expect("a 32-byte key is long enough"),
            settings: test_settings(),
        };
        Self {
            services,
            store,
            mailer,
            sms,
            push,
            clock,
        }
    }
}

/// Settings for tests: the production defaults, with no response floor.
pub fn test_settings() -> Settings {
    Settings {
        portal_url: "http://127.0.0.1:3000".into(),
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
