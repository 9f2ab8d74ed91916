//! Fresh domain values for the contract suites: every id, email, digest and key is
//! random, so the suites can run again and again against one shared table.

use time::OffsetDateTime;

use crate::domain::{
    AuditEvent, AuditKind, CaseId, EmailAddress, FirmId, Language, Role, TokenDigest, UserId,
};

use crate::documents::{
    Case, Document, DocumentId, DocumentName, DocumentStatus, MediaType, Upload, UploadId, Uploader,
};

use crate::accounts::{Firm, FirmSettings, PasswordHash, PasswordState, User};

use crate::ports::{Conditional, Store};
use crate::sign_in::{OneTimeLink, Session, TrustedDevice};

/// The store keeps whole seconds: every time in the suites is one.
pub fn whole_seconds(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(0).expect("zero nanoseconds is valid")
}

pub fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub fn digest() -> TokenDigest {
    TokenDigest::from_stored(&format!("{}{}", unique(), unique())).expect("64 hex digits")
}

pub fn email() -> EmailAddress {
    EmailAddress::parse(&format!("contract-{}@example.com", unique())).expect("a valid address")
}

pub fn audit(kind: AuditKind, at: OffsetDateTime, subject: UserId) -> AuditEvent {
    AuditEvent::new(kind, at, subject)
}

pub fn firm(now: OffsetDateTime) -> Firm {
    Firm {
        id: FirmId::new(),
        name: format!("Contract firm {}", unique()),
        created_at: now,
        settings: FirmSettings::default(),
    }
}

pub fn password(at: OffsetDateTime) -> PasswordState {
    PasswordState {
        hash: PasswordHash::from_stored(format!("$argon2id$v=19$contract${}", unique())),
        changed_at: at,
        must_change: false,
        notice_sent_for: None,
    }
}

/// A firm user with a password.
pub fn staff(firm: FirmId, now: OffsetDateTime) -> User {
    User {
        id: UserId::new(),
        firm_id: firm,
        email: email(),
        name: "Contract Staff".into(),
        role: Role::Staff,
        language: Language::En,
        created_at: now,
        password: Some(password(now)),
        credential_version: 0,
    }
}

/// A client: no password.
pub fn client(firm: FirmId, now: OffsetDateTime) -> User {
    User {
        role: Role::Client,
        password: None,
        name: "Contract Client".into(),
        ..staff(firm, now)
    }
}

/// Stores a new firm user (of a new firm) and hands it back.
pub async fn stored_staff(store: &dyn Store, now: OffsetDateTime) -> User {
    let user = staff(FirmId::new(), now);
    let created = store
        .create_user(&user, &audit(AuditKind::UserCreated, now, user.id))
        .await
        .expect("create_user");
    assert_eq!(
        created,
        Conditional::Applied,
        "fixture: a fresh user is created"
    );
    user
}

pub fn session(user: UserId, now: OffsetDateTime) -> Session {
    Session {
        digest: digest(),
        user_id: user,
        role: Role::Staff,
        created_at: now,
        expires_at: now + time::Duration::hours(8),
        last_seen_at: now,
        idle_timeout: time::Duration::minutes(30),
        enrollment_only: false,
        credential_version: 0,
    }
}

/// Starts a new session of the user and hands it back.
pub async fn started_session(store: &dyn Store, user: UserId, now: OffsetDateTime) -> Session {
    let session = session(user, now);
    store
        .start_session(&session, &[audit(AuditKind::SignedIn, now, user)])
        .await
        .expect("start_session");
    session
}

pub fn link(user: UserId, now: OffsetDateTime) -> OneTimeLink {
    OneTimeLink {
        digest: digest(),
        user_id: user,
        created_at: now,
        expires_at: now + time::Duration::HOUR,
        used_at: None,
        credential_version: 0,
    }
}

pub fn trusted_device(user: UserId, now: OffsetDateTime) -> TrustedDevice {
    TrustedDevice {
        digest: digest(),
        user_id: user,
        created_at: now,
        expires_at: now + TrustedDevice::LIFETIME,
        credential_version: 0,
    }
}

pub fn case(firm: FirmId, now: OffsetDateTime) -> Case {
    Case {
        id: CaseId::new(),
        firm_id: firm,
        title: format!("Contract case {}", unique()),
        created_at: now,
        updated_at: now,
    }
}

pub fn uploader(id: UserId) -> Uploader {
    Uploader {
        id,
        name: "Contract Client".into(),
        role: Role::Client,
    }
}

pub fn document(case: CaseId, upload: UploadId, by: UserId, at: OffsetDateTime) -> Document {
    Document {
        id: DocumentId::new_at(at),
        case_id: case,
        upload_id: upload,
        file_name: DocumentName::parse(&format!("{}.pdf", unique())).expect("a file name"),
        content_type: MediaType::parse("application/pdf").expect("an allowed type"),
        size_bytes: 1234,
        status: DocumentStatus::Pending,
        uploaded_by: uploader(by),
        message: Some("Here it is".into()),
        created_at: at,
        settled_at: None,
        version_id: None,
    }
}

/// An upload of `count` pending documents, made `at` (one second apart, oldest first).
pub fn upload(
    case: CaseId,
    by: UserId,
    at: OffsetDateTime,
    count: usize,
) -> (Upload, Vec<Document>) {
    let id = UploadId::new();
    let documents: Vec<Document> = (0..count)
        .map(|i| document(case, id, by, at + time::Duration::seconds(i as i64)))
        .collect();
    let upload = Upload {
        id,
        case_id: case,
        uploaded_by: uploader(by),
        message: Some("Here it is".into()),
        created_at: at,
        documents: documents.iter().map(|document| document.id).collect(),
        settled: 0,
        available: 0,
    };
    (upload, documents)
}

/// How many of the outcomes are `Applied`; panics on an error.
pub fn applied(what: &str, outcomes: Vec<anyhow::Result<Conditional>>) -> usize {
    outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|err| panic!("{what}: {err:#}")))
        .filter(|outcome| *outcome == Conditional::Applied)
        .count()
}

/// Unwraps a store call, naming the behaviour when it failed.
pub fn ok<T>(what: &str, result: anyhow::Result<T>) -> T {
    result.unwrap_or_else(|err| panic!("{what}: the store failed: {err:#}"))
}
