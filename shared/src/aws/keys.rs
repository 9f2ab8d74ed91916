//! The keys of the items every capability shares on the one table (users,
//! firms, cases, links, sessions), and the items written alongside many changes
//! (audit entries, sessions).

/// Attribute and index names, shared with provisioning and the SAM template.
pub mod schema {
    pub const PK: &str = "pk";
    pub const SK: &str = "sk";
    pub const GSI1: &str = "gsi1";
    pub const GSI1_PK: &str = "gsi1pk";
    pub const GSI1_SK: &str = "gsi1sk";
    pub const TTL: &str = "ttl";
}

use aws_sdk_dynamodb::types::AttributeValue;
use time::format_description::well_known::Rfc3339;

use self::schema::{GSI1_PK, GSI1_SK, PK, SK, TTL};
use crate::aws::items::{Item, epoch, item, n, s};
use crate::domain::{AuditEvent, CaseId, FirmId, TokenDigest, UserId};
use crate::sign_in::{LinkKind, Session};

pub(crate) fn user_pk(id: UserId) -> String {
    format!("USER#{id}")
}

pub(crate) fn firm_pk(id: FirmId) -> String {
    format!("FIRM#{id}")
}

pub(crate) fn case_pk(id: CaseId) -> String {
    format!("CASE#{id}")
}

pub(crate) fn link_pk(kind: LinkKind, digest: &TokenDigest) -> String {
    format!("{}#{digest}", kind.as_str())
}

pub(crate) fn session_pk(digest: &TokenDigest) -> String {
    format!("SESSION#{digest}")
}

pub(crate) fn audit_item(event: &AuditEvent) -> Item {
    let at = event.at.format(&Rfc3339).unwrap_or_default();
    let mut audit = item([
        (PK, s(user_pk(event.subject))),
        (SK, s(format!("{at}#{}", uuid::Uuid::new_v4()))),
        ("kind", s(event.kind.as_str())),
        ("at", epoch(event.at)),
    ]);
    if let Some(actor) = event.actor {
        audit.insert("actor".into(), s(actor.to_string()));
    }
    if let Some(ip) = &event.source_ip {
        audit.insert("source_ip".into(), s(ip.as_str()));
    }
    if let Some(detail) = &event.detail {
        audit.insert("detail".into(), s(detail.as_str()));
    }
    audit
}

pub(crate) fn session_item(session: &Session) -> Item {
    item([
        (PK, s(session_pk(&session.digest))),
        (SK, s("SESSION")),
        (GSI1_PK, s(user_pk(session.user_id))),
        (GSI1_SK, s(session_pk(&session.digest))),
        ("user_id", s(session.user_id.to_string())),
        ("role", s(session.role.as_str())),
        ("created_at", epoch(session.created_at)),
        ("expires_at", epoch(session.expires_at)),
        ("last_seen_at", epoch(session.last_seen_at)),
        (
            "idle_timeout_seconds",
            n(session.idle_timeout.whole_seconds()),
        ),
        (
            "enrollment_only",
            AttributeValue::Bool(session.enrollment_only),
        ),
        ("credential_version", n(session.credential_version)),
        (TTL, epoch(session.expires_at)),
    ])
}
