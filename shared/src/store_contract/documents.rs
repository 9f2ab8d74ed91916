//! The contract of [`DocumentStore`](crate::documents::DocumentStore).

use time::{Duration, OffsetDateTime};

use super::fixtures::{case, ok, upload, whole_seconds};
use crate::documents::Settlement;
use crate::documents::{Document, DocumentId, DocumentStatus, Upload, UploadId};
use crate::domain::{FirmId, UserId};
use crate::ports::Store;

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    create_and_read(store, now).await;
    pages(store, now).await;
    super::settlements::settle(store, now).await;
    super::settlements::settle_races(store, now).await;
    announcements(store, now).await;
}

pub(super) fn settlement(
    document: &Document,
    status: DocumentStatus,
    at: OffsetDateTime,
) -> Settlement {
    Settlement {
        case: document.case_id,
        document: document.id,
        upload: document.upload_id,
        status,
        version_id: Some(format!("v-{}", super::fixtures::unique())),
        at,
    }
}

async fn create_and_read(store: &dyn Store, now: OffsetDateTime) {
    let case = case(FirmId::new(), now);
    ok("create_case", store.create_case(&case, None).await);
    let (created, documents) = upload(case.id, UserId::new(), now, 2);
    ok(
        "create_upload",
        store.create_upload(&created, &documents).await,
    );
    assert_eq!(
        ok("upload", store.upload(case.id, created.id).await),
        Some(created.clone()),
        "create_upload: the upload reads back as written"
    );
    for document in &documents {
        assert_eq!(
            ok("document", store.document(case.id, document.id).await).as_ref(),
            Some(document),
            "create_upload: each document reads back as written"
        );
    }
    let quiet = Upload {
        message: None,
        ..upload(case.id, UserId::new(), now, 0).0
    };
    let (_, mut silent) = upload(case.id, UserId::new(), now, 1);
    silent[0].message = None;
    silent[0].upload_id = quiet.id;
    ok("create_upload", store.create_upload(&quiet, &silent).await);
    assert_eq!(
        ok("upload", store.upload(case.id, quiet.id).await),
        Some(quiet),
        "create_upload: an upload without a message reads back as written"
    );
    assert_eq!(
        ok("document", store.document(case.id, silent[0].id).await).as_ref(),
        Some(&silent[0]),
        "create_upload: a document without a message reads back as written"
    );
    assert_eq!(
        ok(
            "document",
            store.document(case.id, DocumentId::new_at(now)).await
        ),
        None,
        "document: an unknown id is None"
    );
    assert_eq!(
        ok("upload", store.upload(case.id, UploadId::new()).await),
        None,
        "upload: an unknown id is None"
    );

    let again = Upload {
        message: Some("Overwritten".into()),
        ..created.clone()
    };
    assert!(
        store.create_upload(&again, &[]).await.is_err(),
        "create_upload: an upload whose id exists is an error"
    );
    assert_eq!(
        ok("upload", store.upload(case.id, created.id).await),
        Some(created),
        "create_upload: a refused upload leaves the existing one"
    );
}

async fn pages(store: &dyn Store, now: OffsetDateTime) {
    let case = case(FirmId::new(), now);
    ok("create_case", store.create_case(&case, None).await);
    let (created, documents) = upload(case.id, UserId::new(), now, 5);
    ok(
        "create_upload",
        store.create_upload(&created, &documents).await,
    );
    let other = super::fixtures::case(FirmId::new(), now);
    let (elsewhere, theirs) = upload(other.id, UserId::new(), now, 1);
    ok(
        "create_upload",
        store.create_upload(&elsewhere, &theirs).await,
    );
    let newest_first: Vec<Document> = documents.iter().rev().cloned().collect();

    let all = ok("documents_of", store.documents_of(case.id, None, 10).await);
    assert_eq!(
        all.documents, newest_first,
        "documents_of: every document of the case, newest first"
    );
    assert!(!all.more, "documents_of: no more when all fit");
    let first = ok("documents_of", store.documents_of(case.id, None, 2).await);
    assert_eq!(
        first.documents,
        newest_first[..2],
        "documents_of: the first page is the newest"
    );
    assert!(first.more, "documents_of: more when older ones follow");
    let second = ok(
        "documents_of",
        store
            .documents_of(case.id, Some(first.documents[1].id), 2)
            .await,
    );
    assert_eq!(
        second.documents,
        newest_first[2..4],
        "documents_of: the next page starts after `before`"
    );
    assert!(second.more, "documents_of: more on a middle page");
    let last = ok(
        "documents_of",
        store
            .documents_of(case.id, Some(second.documents[1].id), 2)
            .await,
    );
    assert_eq!(
        last.documents,
        newest_first[4..],
        "documents_of: the last page"
    );
    assert!(!last.more, "documents_of: no more on the last page");
    let exact = ok("documents_of", store.documents_of(case.id, None, 5).await);
    assert!(
        !exact.more && exact.documents.len() == 5,
        "documents_of: no more when the page is exactly full"
    );
    let empty = ok(
        "documents_of",
        store
            .documents_of(super::fixtures::case(FirmId::new(), now).id, None, 3)
            .await,
    );
    assert!(
        empty.documents.is_empty() && !empty.more,
        "documents_of: an empty page for a case without documents"
    );
}

async fn announcements(store: &dyn Store, now: OffsetDateTime) {
    let case = case(FirmId::new(), now);
    ok("create_case", store.create_case(&case, None).await);
    let cutoff = now;
    let (old, old_documents) = upload(case.id, UserId::new(), cutoff - Duration::SECOND, 1);
    let (older, older_documents) = upload(case.id, UserId::new(), cutoff - Duration::HOUR, 1);
    let (fresh, fresh_documents) = upload(case.id, UserId::new(), cutoff, 1);
    for (upload, documents) in [
        (&old, &old_documents),
        (&older, &older_documents),
        (&fresh, &fresh_documents),
    ] {
        ok(
            "create_upload",
            store.create_upload(upload, documents).await,
        );
    }
    let ours = |uploads: Vec<Upload>| -> Vec<UploadId> {
        uploads
            .into_iter()
            .filter(|u| u.case_id == case.id)
            .map(|u| u.id)
            .collect()
    };
    let listed = ok("unannounced_before", store.unannounced_before(cutoff).await);
    assert!(
        listed.contains(&old) && listed.contains(&older),
        "unannounced_before: uploads made before the cutoff are listed, as written"
    );
    assert_eq!(
        ours(listed),
        vec![older.id, old.id],
        "unannounced_before: oldest first, none made at or after the cutoff"
    );
    ok(
        "mark_announced",
        store.mark_announced(case.id, old.id).await,
    );
    assert_eq!(
        ours(ok(
            "unannounced_before",
            store.unannounced_before(cutoff + Duration::HOUR).await
        )),
        vec![older.id, fresh.id],
        "mark_announced: an announced upload is no longer listed"
    );
    assert_eq!(
        ok("upload", store.upload(case.id, old.id).await),
        Some(old),
        "mark_announced: the upload itself stays"
    );
}
