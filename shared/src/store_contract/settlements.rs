//! The contract of [`DocumentStore::settle_document`](crate::documents::DocumentStore::settle_document).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::documents::settlement;
use super::fixtures::{applied, case, ok, upload};
use crate::documents::Settlement;
use crate::documents::{Document, DocumentId, DocumentStatus};
use crate::domain::{FirmId, UserId};
use crate::ports::{Conditional, Store};

pub(super) async fn settle(store: &dyn Store, now: OffsetDateTime) {
    let case = case(FirmId::new(), now);
    ok("create_case", store.create_case(&case, None).await);
    let (created, documents) = upload(case.id, UserId::new(), now, 2);
    ok(
        "create_upload",
        store.create_upload(&created, &documents).await,
    );
    let at = now + Duration::MINUTE;

    let rejected = settlement(&documents[0], DocumentStatus::Rejected, at);
    assert_eq!(
        ok("settle_document", store.settle_document(&rejected).await),
        Conditional::Applied,
        "settle_document: Applied for a pending document"
    );
    let read =
        ok("document", store.document(case.id, documents[0].id).await).expect("the document");
    assert_eq!(
        read,
        Document {
            status: DocumentStatus::Rejected,
            settled_at: Some(at),
            version_id: rejected.version_id.clone(),
            ..documents[0].clone()
        },
        "settle_document: the outcome reads back on the document"
    );
    let counted = ok("upload", store.upload(case.id, created.id).await).expect("the upload");
    assert_eq!(
        (counted.settled, counted.available),
        (1, 0),
        "settle_document: a rejection counts settled, not available"
    );
    assert_eq!(
        ok("case", store.case(case.id).await).map(|c| c.updated_at),
        Some(now),
        "settle_document: a rejection leaves the case's updated_at"
    );

    let later = at + Duration::MINUTE;
    let available = Settlement {
        version_id: None,
        ..settlement(&documents[1], DocumentStatus::Available, later)
    };
    assert_eq!(
        ok("settle_document", store.settle_document(&available).await),
        Conditional::Applied,
        "settle_document: Applied for another pending document"
    );
    let read =
        ok("document", store.document(case.id, documents[1].id).await).expect("the document");
    assert_eq!(
        (read.status, read.settled_at, read.version_id),
        (DocumentStatus::Available, Some(later), None),
        "settle_document: an available document without a version reads back"
    );
    let counted = ok("upload", store.upload(case.id, created.id).await).expect("the upload");
    assert_eq!(
        (counted.settled, counted.available),
        (2, 1),
        "settle_document: an available document counts settled and available"
    );
    assert!(
        counted.is_settled(),
        "settle_document: the upload is settled once every document is"
    );
    assert_eq!(
        ok("case", store.case(case.id).await).map(|c| c.updated_at),
        Some(later),
        "settle_document: an available document marks the case updated"
    );

    let replay = settlement(
        &documents[0],
        DocumentStatus::Available,
        later + Duration::MINUTE,
    );
    assert_eq!(
        ok("settle_document", store.settle_document(&replay).await),
        Conditional::Refused,
        "settle_document: Refused for a settled document"
    );
    let read =
        ok("document", store.document(case.id, documents[0].id).await).expect("the document");
    assert_eq!(
        (read.status, read.settled_at),
        (DocumentStatus::Rejected, Some(at)),
        "settle_document: a Refused settlement changes nothing on the document"
    );
    let counted = ok("upload", store.upload(case.id, created.id).await).expect("the upload");
    assert_eq!(
        (counted.settled, counted.available),
        (2, 1),
        "settle_document: a Refused settlement counts nothing"
    );
    assert_eq!(
        ok("case", store.case(case.id).await).map(|c| c.updated_at),
        Some(later),
        "settle_document: a Refused settlement leaves the case"
    );

    let unknown = Settlement {
        document: DocumentId::new_at(now),
        ..settlement(&documents[0], DocumentStatus::Available, later)
    };
    assert_eq!(
        ok("settle_document", store.settle_document(&unknown).await),
        Conditional::Refused,
        "settle_document: Refused for an unknown document"
    );
    let counted = ok("upload", store.upload(case.id, created.id).await).expect("the upload");
    assert_eq!(
        counted.settled, 2,
        "settle_document: an unknown document counts nothing"
    );
}

pub(super) async fn settle_races(store: &dyn Store, now: OffsetDateTime) {
    let case = case(FirmId::new(), now);
    ok("create_case", store.create_case(&case, None).await);
    let (created, documents) = upload(case.id, UserId::new(), now, 1);
    ok(
        "create_upload",
        store.create_upload(&created, &documents).await,
    );
    let settlements: Vec<Settlement> = (0..6)
        .map(|i| {
            let status = if i % 2 == 0 {
                DocumentStatus::Available
            } else {
                DocumentStatus::Rejected
            };
            settlement(&documents[0], status, now + Duration::seconds(i))
        })
        .collect();
    let outcomes = join_all(settlements.iter().map(|s| store.settle_document(s))).await;
    assert_eq!(
        applied("settle_document race", outcomes),
        1,
        "settle_document: of 6 concurrent duplicate events, exactly one is Applied"
    );
    let counted = ok("upload", store.upload(case.id, created.id).await).expect("the upload");
    assert_eq!(
        counted.settled, 1,
        "settle_document race: the upload counts the document once"
    );
    let read =
        ok("document", store.document(case.id, documents[0].id).await).expect("the document");
    let winner = settlements
        .iter()
        .find(|s| s.version_id == read.version_id)
        .expect("settle_document race: the document carries one event's version");
    assert_eq!(
        (read.status, read.settled_at),
        (winner.status, Some(winner.at)),
        "settle_document race: the document has the winner's outcome"
    );
    assert_eq!(
        counted.available,
        u32::from(winner.status == DocumentStatus::Available),
        "settle_document race: available counts the winner's outcome"
    );
}
