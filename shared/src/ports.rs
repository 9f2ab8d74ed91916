//! The ports every capability shares (time, randomness, mail, texts, pushes, the
//! bucket, the identity verifier) and `Store`, the union of the capabilities'
//! stores. Adapters for AWS live in [`crate::aws`]; in-memory fakes for unit
//! tests and benchmarks live in `fakes` (feature `fakes`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::accounts::{FirmStore, UserStore};
use crate::documents::{CaseStore, DocumentStore, NoticeStore};
use crate::documents::{DocumentName, MediaType};
use crate::domain::EmailAddress;
use crate::domain::{PhoneNumber, PushChallengeId};
use crate::mfa::MfaStore;
use crate::mfa::{DeviceToken, PushPlatform};
use crate::recovery::Recovery;
use crate::recovery::RecoveryStore;
use crate::sign_in::{CounterStore, LinkStore, SessionStore};
use crate::suppression::SuppressionStore;

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

/// The queue scheduled work is fanned out on (see [`crate::jobs`]).
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Puts every job on the queue, or fails; a dispatch that failed part-way is
    /// simply run again, each job being safe to run twice.
    async fn enqueue(&self, jobs: &[crate::jobs::Job]) -> anyhow::Result<()>;
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
    + SuppressionStore
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
        + SuppressionStore
{
}
