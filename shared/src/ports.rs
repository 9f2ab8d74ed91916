//! The ports the domain talks through. Adapters for AWS live in [`crate::aws`];
//! in-memory fakes for unit tests and benchmarks live in `fakes` (feature `fakes`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::{
    AuditEvent, Case, CaseId, Document, DocumentId, DocumentName, DocumentStatus, EmailAddress,
    Firm, FirmId, FirmSettings, Language, LinkKind, MediaType, MfaChallenge, MfaMethod, MfaState,
    OneTimeLink, PasswordHash, PasswordState, SentCode, Session, TokenDigest, TrustedDevice,
    Upload, UploadId, User, UserId,
};
use crate::domain::{
    DeviceToken, PhoneNumber, PushChallenge, PushChallengeId, PushDevice, PushPlatform, PushStatus,
    Recovery, RecoveryId, VerificationOutcome,
};

/// The current time. Injected so expiry boundaries are testable without sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// A cryptographically secure source of random bytes.
pub trait Random: Send + Sync {
    fn fill(&self, buf: &mut [u8]);
}

/// The operating system's CSPRNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        // Without the OS CSPRNG no secret can be made safely; there is nothing to
        // fall back to, so the invocation fails loudly instead.
        getrandom::fill(buf).expect("the operating system's random source failed");
    }
}

/// A rendered email, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl std::fmt::Debug for OutgoingEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Bodies carry sign-in links: never print them.
        f.debug_struct("OutgoingEmail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> anyhow::Result<()>;
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send_sms(&self, to: &PhoneNumber, text: &str) -> anyhow::Result<()>;
}

/// Where a locked-out user proves who they are: a hosted identity-verification
/// provider, or an administrator reviewing the case by hand.
#[async_trait]
pub trait IdentityVerifier: Send + Sync {
    /// The name recorded on each case, and the `{provider}` of its callbacks.
    fn provider(&self) -> &'static str;
    /// Where the user goes to prove who they are.
    fn verification_url(&self, recovery: &Recovery) -> String;
    /// The key this verifier's callbacks are signed with (HMAC-SHA256); `None`
    /// for one that sends none, whose callbacks are all refused.
    async fn callback_key(&self) -> anyhow::Result<Option<Vec<u8>>>;
}

/// A push asking a registered phone to approve a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushMessage {
    pub challenge_id: PushChallengeId,
    /// What the phone shows: the question, in the user's language.
    pub alert: String,
    /// The numbers to pick from; one is the number the browser shows.
    pub choices: [u8; 3],
    /// Where the sign-in comes from: the browser's address and user agent.
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub expires_at: OffsetDateTime,
}

/// Phones reached through a push platform (APNs, FCM).
#[async_trait]
pub trait PushSender: Send + Sync {
    /// Whether devices of `platform` can be registered here.
    fn supports(&self, platform: PushPlatform) -> bool;
    /// Registers the device with its platform; the address to push to.
    async fn register(&self, platform: PushPlatform, token: &DeviceToken)
    -> anyhow::Result<String>;
    async fn push(&self, endpoint: &str, message: &PushMessage) -> anyhow::Result<()>;
    /// Forgets a device's address.
    async fn unregister(&self, endpoint: &str) -> anyhow::Result<()>;
}

/// The outcome of a conditional write that can lose a race or find its
/// precondition gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conditional {
    Applied,
    Refused,
}

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn user_id_by_email(&self, email: &EmailAddress) -> anyhow::Result<Option<UserId>>;
    async fn user(&self, id: UserId) -> anyhow::Result<Option<User>>;
    /// Creates the user and claims their email address in one transaction;
    /// `Refused` when the address belongs to someone already.
    async fn create_user(&self, user: &User, audit: &AuditEvent) -> anyhow::Result<Conditional>;
    async fn set_language(
        &self,
        id: UserId,
        language: Language,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Records that the expiry notice for the password set at `password_changed_at`
    /// is being sent; `Refused` when it was already, or the password changed since.
    async fn claim_expiry_notice(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Undoes a claim whose email could not be sent, so the next run tries again.
    async fn release_expiry_notice(&self, id: UserId) -> anyhow::Result<()>;
    /// Makes the user's next sign-in replace their password (a change of
    /// credentials); `Refused` when the user has no password (or is gone).
    async fn force_password_change(
        &self,
        id: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Every user of the firm (clients included), in pages from the index.
    async fn users_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<User>>;
    /// Replaces a password and ends the user's other sessions, with its audit
    /// entry, in one transaction. `Refused` when the user is gone, when their
    /// credentials changed since the caller read them, or, with `expected`, when
    /// the password is no longer the one the caller checked.
    async fn replace_password(&self, change: &PasswordChange<'_>) -> anyhow::Result<Conditional>;
}

/// A new password for a user, as [`UserStore::replace_password`] applies it.
#[derive(Debug)]
pub struct PasswordChange<'a> {
    pub user: UserId,
    pub new: &'a PasswordState,
    /// The hash the caller verified the current password against, if any.
    pub expected: Option<&'a PasswordHash>,
    /// The user's credential version the caller read.
    pub expected_version: u64,
    /// The session that stays signed in (the one making the change), if any.
    pub keep_session: Option<&'a TokenDigest>,
    /// A one-time link spent by this change, on condition that it is unused and
    /// unexpired at the given time.
    pub spends: Option<(LinkKind, &'a TokenDigest, OffsetDateTime)>,
    pub audit: &'a AuditEvent,
}

#[async_trait]
pub trait FirmStore: Send + Sync {
    async fn create_firm(&self, firm: &Firm) -> anyhow::Result<()>;
    async fn firm(&self, id: FirmId) -> anyhow::Result<Option<Firm>>;
    /// Every firm, from the index (for the scheduled jobs).
    async fn firms(&self) -> anyhow::Result<Vec<Firm>>;
    /// Records that `client`, who came to the portal through another firm, is a
    /// client of `firm` too, with its audit entry; `Refused` when they were one
    /// already (and nothing is written).
    async fn add_client(
        &self,
        firm: FirmId,
        client: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Whether `user` was made a client of `firm` by [`FirmStore::add_client`].
    async fn is_client_of(&self, firm: FirmId, user: UserId) -> anyhow::Result<bool>;
    /// Replaces the firm's settings; `Refused` when there is no such firm.
    async fn set_firm_settings(
        &self,
        id: FirmId,
        settings: &FirmSettings,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Creates the case and, when given, makes that user responsible for it (with
    /// the audit entry of that), all at once.
    async fn create_case(
        &self,
        case: &Case,
        responsible: Option<(UserId, &AuditEvent)>,
    ) -> anyhow::Result<()>;
    async fn case(&self, id: CaseId) -> anyhow::Result<Option<Case>>;
    /// Every case of the firm, from the index.
    async fn cases_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<Case>>;
    /// The cases the user is a member of.
    async fn cases_of(&self, user: UserId) -> anyhow::Result<Vec<Case>>;
    async fn is_member(&self, case: CaseId, user: UserId) -> anyhow::Result<bool>;
    /// The members of the case: its clients and the firm users responsible for it.
    async fn members_of(&self, case: CaseId) -> anyhow::Result<Vec<UserId>>;
    /// Makes the user a member, with its audit entry; `Refused` when they were one
    /// already (and nothing is written).
    async fn add_case_member(
        &self,
        case: CaseId,
        user: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
}

/// One page of a case's documents, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentPage {
    pub documents: Vec<Document>,
    /// Whether older documents follow the last one of this page.
    pub more: bool,
}

/// What checking an uploaded object decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub case: CaseId,
    pub document: DocumentId,
    pub upload: UploadId,
    /// `Available` or `Rejected`.
    pub status: DocumentStatus,
    pub version_id: Option<String>,
    pub at: OffsetDateTime,
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Stores an upload and its pending documents together.
    async fn create_upload(&self, upload: &Upload, documents: &[Document]) -> anyhow::Result<()>;
    async fn document(&self, case: CaseId, id: DocumentId) -> anyhow::Result<Option<Document>>;
    /// Up to `limit` documents of the case, newest first, older than `before` when
    /// given.
    async fn documents_of(
        &self,
        case: CaseId,
        before: Option<DocumentId>,
        limit: usize,
    ) -> anyhow::Result<DocumentPage>;
    /// Records the outcome on the document and counts it on its upload (and, for an
    /// available document, marks the case updated), all at once, on condition that
    /// the document is still pending: of duplicate events, one is `Applied`.
    async fn settle_document(&self, settlement: &Settlement) -> anyhow::Result<Conditional>;
    async fn upload(&self, case: CaseId, id: UploadId) -> anyhow::Result<Option<Upload>>;
    /// Every upload created before `before` whose announcement is not done:
    /// files never sent, S3 events lost, emails that failed.
    async fn unannounced_before(&self, before: OffsetDateTime) -> anyhow::Result<Vec<Upload>>;
    /// The upload's announcement is done (or there is nothing to announce).
    async fn mark_announced(&self, case: CaseId, id: UploadId) -> anyhow::Result<()>;
}

/// Where a claim on a notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeClaim {
    /// This caller may send it now.
    Claimed,
    /// It went out already.
    Sent,
    /// Another caller claimed it less than a lease ago and may be sending it.
    Held,
}

/// Notifications that must go out once: claimed as a lease before sending, marked
/// sent after, so a retry resends only what did not go out, and a claim whose
/// holder died can be taken again once its lease has passed.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    async fn claim_notice(
        &self,
        id: &str,
        now: OffsetDateTime,
        lease: time::Duration,
    ) -> anyhow::Result<NoticeClaim>;
    async fn notice_sent(&self, id: &str, at: OffsetDateTime) -> anyhow::Result<()>;
    /// Gives up a claim whose notice could not be sent, so a retry sends it.
    async fn release_notice(&self, id: &str) -> anyhow::Result<()>;
}

/// Turning on a pending factor (an authenticator app, with the step of the code
/// that proved it; or a phone): the backup codes to store (the first time MFA is
/// turned on), the session that stays signed in while every other one ends, and
/// the audit entry.
#[derive(Debug)]
pub struct FactorConfirmation<'a> {
    pub user: UserId,
    /// The credential version the caller read the user's factors at: of
    /// concurrent confirmations, one applies, and the others read again.
    pub expected_version: u64,
    pub factor: ConfirmedFactor,
    pub at: OffsetDateTime,
    pub backup_code_digests: &'a [String],
    /// The session that made the change, which stays; `None` ends every session.
    pub keep_session: Option<&'a TokenDigest>,
    pub audit: &'a AuditEvent,
}

#[async_trait]
pub trait MfaStore: Send + Sync {
    async fn mfa_state(&self, user: UserId) -> anyhow::Result<MfaState>;
    /// Stores a new, unconfirmed authenticator secret; `Refused` when the user
    /// has a confirmed one (it must be removed first).
    async fn begin_totp(
        &self,
        user: UserId,
        sealed_secret: &str,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Confirms the pending factor, stores the backup codes, moves the credential
    /// version on and ends the user's other sessions, all at once; `Refused` when
    /// there is no pending one, the version is no longer the one expected, or (a
    /// phone) the user has [`crate::domain::MAX_PUSH_DEVICES`] already.
    async fn confirm_factor(
        &self,
        confirmation: &FactorConfirmation<'_>,
    ) -> anyhow::Result<Conditional>;
    /// Stores a new, unconfirmed phone; `Refused` when the user has a confirmed
    /// one (it must be removed first).
    async fn begin_sms(
        &self,
        user: UserId,
        phone: &PhoneNumber,
        at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Stores the code just drawn under `scope` (one per enrolment or sign-in
    /// attempt), replacing an older one; `Refused` when the one there was sent
    /// after `cooldown_since` (too soon for another).
    async fn put_sent_code(
        &self,
        scope: &str,
        code: &SentCode,
        cooldown_since: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    async fn sent_code(&self, scope: &str) -> anyhow::Result<Option<SentCode>>;
    /// Spends the code, on condition that it is still `digest` and unexpired at
    /// `now`: of concurrent uses, at most one is `Applied`.
    async fn spend_sent_code(
        &self,
        scope: &str,
        digest: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    async fn put_mfa_challenge(&self, challenge: &MfaChallenge) -> anyhow::Result<()>;
    async fn mfa_challenge(&self, digest: &TokenDigest) -> anyhow::Result<Option<MfaChallenge>>;
    /// Ends the challenge, spends what passed it and starts the session, with its
    /// audit entries, at once, on condition that the challenge is unexpired at
    /// `now`, the user's credentials are still at `credential_version`, and what
    /// is spent is unspent: of concurrent uses of one code (or challenge), at most
    /// one is `Applied`.
    async fn pass_mfa_challenge(&self, pass: &ChallengePass<'_>) -> anyhow::Result<Conditional>;
    async fn has_backup_code(&self, user: UserId, digest: &str) -> anyhow::Result<bool>;
    /// Replaces the user's backup codes with these (the old ones void), moves the
    /// credential version on and ends every other session, at once; `Refused`
    /// when the version is no longer `expected_version`.
    async fn replace_backup_codes(
        &self,
        user: UserId,
        expected_version: u64,
        digests: &[String],
        keep_session: &TokenDigest,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Removes second factors of the kinds `methods` (every phone, every backup
    /// code), moves the credential version on and ends every other session, at
    /// once; `Refused` when the version is no longer `expected_version`.
    async fn remove_mfa_methods(
        &self,
        user: UserId,
        expected_version: u64,
        methods: &[MfaMethod],
        keep_session: Option<&TokenDigest>,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    async fn put_push_challenge(&self, challenge: &PushChallenge) -> anyhow::Result<()>;
    async fn push_challenge(&self, id: PushChallengeId) -> anyhow::Result<Option<PushChallenge>>;
    /// Records the phone's answer, on condition that the push is still pending
    /// and unexpired at `now`: of two answers, at most one is `Applied`.
    async fn answer_push_challenge(
        &self,
        id: PushChallengeId,
        answer: PushStatus,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
}

/// Which pending factor a confirmation turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmedFactor {
    /// The authenticator app, with the time step of the code that proved it.
    Totp { step: u64 },
    /// The pending phone for SMS codes, on condition that it is still this number.
    Sms(PhoneNumber),
    /// A phone for push approval, registered with its platform already.
    Push(PushDevice),
}

/// Account-recovery cases and their links.
#[async_trait]
pub trait RecoveryStore: Send + Sync {
    /// Stores a new case, its link and the audit entry, and closes the cases it
    /// supersedes (still open or pending; their links die), at once. `Refused`
    /// when one of those moved on meanwhile.
    async fn put_recovery(
        &self,
        recovery: &Recovery,
        supersedes: &[Recovery],
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    async fn recovery(&self, id: RecoveryId) -> anyhow::Result<Option<Recovery>>;
    /// The case whose link has this digest, while the link is unspent.
    async fn recovery_by_link(&self, digest: &TokenDigest) -> anyhow::Result<Option<Recovery>>;
    /// The firm's cases, newest first, at most `limit`.
    async fn firm_recoveries(&self, firm: FirmId, limit: usize) -> anyhow::Result<Vec<Recovery>>;
    /// Spends the link and moves the case to pending verification, on condition
    /// that it is open and unexpired at `now`: of two submissions, at most one
    /// is `Applied`.
    async fn submit_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
    /// Records the identity check's result on condition that the case is pending
    /// verification; a pass also removes `remove`, moves the user's credential
    /// version on (on condition that it is still `expected_version`) and ends
    /// every session of the user, all at once. A replayed result is `Refused` and changes nothing.
    async fn settle_recovery(
        &self,
        settlement: &RecoverySettlement<'_>,
    ) -> anyhow::Result<Conditional>;
    /// A page of open cases whose link expired before `now`, oldest first, and
    /// where the next page starts.
    async fn expired_open_recoveries(
        &self,
        now: OffsetDateTime,
        after: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<(Vec<RecoveryId>, Option<String>)>;
    /// Marks an open case whose link expired before `now` as expired; `Refused`
    /// when it is no longer open (the job ran already, or the link was used).
    async fn expire_recovery(
        &self,
        id: RecoveryId,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional>;
}

/// The result of an identity check, as [`RecoveryStore::settle_recovery`] applies it.
#[derive(Debug)]
pub struct RecoverySettlement<'a> {
    pub recovery: &'a Recovery,
    pub outcome: VerificationOutcome,
    /// The administrator who decided; `None` for a provider's callback.
    pub decided_by: Option<UserId>,
    pub decided_at: OffsetDateTime,
    pub note: Option<&'a str>,
    /// The second factors to remove on a pass, as read at `expected_version`.
    pub remove: &'a [MfaMethod],
    pub expected_version: u64,
    pub audit: &'a AuditEvent,
}

/// Passing the second step of a sign-in, as [`MfaStore::pass_mfa_challenge`] applies it.
#[derive(Debug)]
pub struct ChallengePass<'a> {
    pub challenge: &'a TokenDigest,
    pub now: OffsetDateTime,
    pub user: UserId,
    pub credential_version: u64,
    pub spends: Passed<'a>,
    pub session: &'a Session,
    pub audit: &'a [AuditEvent],
}

/// What passed the second step, spent with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed<'a> {
    /// A code of the authenticator app of this time step: accepted on condition
    /// that no code of it or a later step was (a replay).
    TotpStep(u64),
    /// The texted code of `scope`, by digest, on condition it is still the live one.
    SmsCode { scope: &'a str, digest: &'a str },
    /// A backup code, by digest, on condition that it is unspent.
    BackupCode(&'a str),
    /// An approved push: nothing more to spend.
    Push,
}

/// An object as the bucket holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub size_bytes: u64,
    pub content_type: Option<String>,
    pub version_id: Option<String>,
}

/// The documents bucket: clients and firm users move bytes with presigned URLs,
/// never through a function.
#[async_trait]
pub trait DocumentBucket: Send + Sync {
    /// A URL to PUT exactly this content type and length to `key`, valid for `ttl`
    /// from `start`.
    async fn presign_upload(
        &self,
        key: &str,
        content_type: &MediaType,
        size_bytes: u64,
        start: OffsetDateTime,
        ttl: time::Duration,
    ) -> anyhow::Result<String>;
    /// A URL to GET that version of `key` as an attachment named `file_name`.
    async fn presign_download(
        &self,
        key: &str,
        version_id: Option<&str>,
        file_name: &DocumentName,
        start: OffsetDateTime,
        ttl: time::Duration,
    ) -> anyhow::Result<String>;
    /// The object (that version, else the latest); `None` when there is none.
    async fn head(
        &self,
        key: &str,
        version_id: Option<&str>,
    ) -> anyhow::Result<Option<StoredObject>>;
    /// Deletes that version of the object for good (else the latest).
    async fn delete(&self, key: &str, version_id: Option<&str>) -> anyhow::Result<()>;
}

#[async_trait]
pub trait LinkStore: Send + Sync {
    async fn put_link(
        &self,
        kind: LinkKind,
        link: &OneTimeLink,
        audit: &AuditEvent,
    ) -> anyhow::Result<()>;
    async fn link(
        &self,
        kind: LinkKind,
        digest: &TokenDigest,
    ) -> anyhow::Result<Option<OneTimeLink>>;
    /// Marks the link used and starts the session in one transaction, on condition
    /// that the link is unused and unexpired at `now`: of concurrent redemptions, at
    /// most one is `Applied`.
    async fn redeem_login_link(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
        session: &Session,
        audit: &[AuditEvent],
    ) -> anyhow::Result<Conditional>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn put_trusted_device(&self, device: &TrustedDevice) -> anyhow::Result<()>;
    async fn trusted_device(&self, digest: &TokenDigest) -> anyhow::Result<Option<TrustedDevice>>;
    async fn session(&self, digest: &TokenDigest) -> anyhow::Result<Option<Session>>;
    /// Records activity; `Refused` when the session was revoked meanwhile.
    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Stores a new session with the audit entries of its sign-in.
    async fn start_session(&self, session: &Session, audit: &[AuditEvent]) -> anyhow::Result<()>;
    async fn revoke_session(&self, digest: &TokenDigest, audit: &AuditEvent) -> anyhow::Result<()>;
}

/// Counters of attempts that a limit bounds (see [`crate::flows::limits`]).
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Takes one of the `max` slots of the counter `key`, on condition that fewer
    /// than `max` are taken: of any number of concurrent takers, at most `max`
    /// are `Applied`. The counter is kept at least until `expires_at`.
    async fn take_slot(
        &self,
        key: &str,
        max: u64,
        expires_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional>;
    /// Gives one taken slot back: an attempt that turned out not to count.
    async fn give_back_slot(&self, key: &str) -> anyhow::Result<()>;
    /// How many slots of the counter `key` are taken.
    async fn slots_taken(&self, key: &str) -> anyhow::Result<u64>;
}

/// Everything the domain stores, as one object to wire. Audit entries are not a
/// port of their own: each is written in the same transaction as the change it
/// records, so the trail cannot miss a change nor record one that did not happen.
pub trait Store:
    UserStore
    + FirmStore
    + CaseStore
    + DocumentStore
    + NoticeStore
    + MfaStore
    + RecoveryStore
    + LinkStore
    + SessionStore
    + CounterStore
{
}

impl<T> Store for T where
    T: UserStore
        + FirmStore
        + CaseStore
        + DocumentStore
        + NoticeStore
        + MfaStore
        + RecoveryStore
        + LinkStore
        + SessionStore
        + CounterStore
{
}
