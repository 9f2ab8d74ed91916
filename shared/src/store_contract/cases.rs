//! The contract of [`CaseStore`](crate::documents::CaseStore).

use futures::future::join_all;
use time::{Duration, OffsetDateTime};

use super::fixtures::{applied, audit, case, ok, whole_seconds};
use crate::documents::Case;
use crate::domain::{AuditKind, CaseId, FirmId, UserId};
use crate::ports::{Conditional, Store};

pub async fn check(store: &dyn Store, clock_now: OffsetDateTime) {
    let now = whole_seconds(clock_now);
    create_and_read(store, now).await;
    members(store, now).await;
    member_races(store, now).await;
}

fn sorted(mut cases: Vec<Case>) -> Vec<Case> {
    cases.sort_by_key(|case| case.id);
    cases
}

async fn create_and_read(store: &dyn Store, now: OffsetDateTime) {
    let firm = FirmId::new();
    let plain = case(firm, now);
    ok("create_case", store.create_case(&plain, None).await);
    assert_eq!(
        ok("case", store.case(plain.id).await),
        Some(plain.clone()),
        "create_case: the case reads back as written"
    );
    assert!(
        ok("members_of", store.members_of(plain.id).await).is_empty(),
        "create_case: without a responsible user, no member"
    );
    assert_eq!(
        ok("case", store.case(CaseId::new()).await),
        None,
        "case: an unknown id is None"
    );

    let owner = UserId::new();
    let owned = Case {
        updated_at: now + Duration::HOUR,
        ..case(firm, now)
    };
    let event = audit(AuditKind::CaseShared, now, owner);
    ok(
        "create_case",
        store.create_case(&owned, Some((owner, &event))).await,
    );
    assert_eq!(
        ok("case", store.case(owned.id).await),
        Some(owned.clone()),
        "create_case: updated_at reads back as written"
    );
    assert!(
        ok("is_member", store.is_member(owned.id, owner).await),
        "create_case: the responsible user is a member"
    );
    assert_eq!(
        ok("members_of", store.members_of(owned.id).await),
        vec![owner],
        "create_case: the responsible user is the only member"
    );
    assert_eq!(
        ok("cases_of", store.cases_of(owner).await),
        vec![owned.clone()],
        "create_case: the case is among the responsible user's"
    );

    let elsewhere = case(FirmId::new(), now);
    ok("create_case", store.create_case(&elsewhere, None).await);
    assert_eq!(
        sorted(ok("cases_of_firm", store.cases_of_firm(firm).await)),
        sorted(vec![plain.clone(), owned]),
        "cases_of_firm: every case of the firm and no other"
    );
    assert!(
        ok("cases_of_firm", store.cases_of_firm(FirmId::new()).await).is_empty(),
        "cases_of_firm: none for an unknown firm"
    );

    let again = Case {
        title: "Overwritten".into(),
        ..plain.clone()
    };
    assert!(
        store.create_case(&again, None).await.is_err(),
        "create_case: a case whose id exists is an error"
    );
    assert_eq!(
        ok("case", store.case(plain.id).await),
        Some(plain),
        "create_case: a refused case leaves the existing one"
    );
}

async fn members(store: &dyn Store, now: OffsetDateTime) {
    let firm = FirmId::new();
    let (first, second) = (case(firm, now), case(firm, now));
    ok("create_case", store.create_case(&first, None).await);
    ok("create_case", store.create_case(&second, None).await);
    let user = UserId::new();
    assert!(
        !ok("is_member", store.is_member(first.id, user).await),
        "is_member: false before add_case_member"
    );
    assert!(
        ok("cases_of", store.cases_of(user).await).is_empty(),
        "cases_of: none before add_case_member"
    );
    let event = audit(AuditKind::CaseShared, now, user);
    for added in [&first, &second] {
        assert_eq!(
            ok(
                "add_case_member",
                store.add_case_member(added.id, user, &event).await
            ),
            Conditional::Applied,
            "add_case_member: Applied the first time"
        );
    }
    assert!(
        ok("is_member", store.is_member(first.id, user).await),
        "add_case_member: is_member is true after"
    );
    assert_eq!(
        sorted(ok("cases_of", store.cases_of(user).await)),
        sorted(vec![first.clone(), second.clone()]),
        "cases_of: every case the user is a member of"
    );
    assert_eq!(
        ok(
            "add_case_member",
            store.add_case_member(first.id, user, &event).await
        ),
        Conditional::Refused,
        "add_case_member: Refused when a member already"
    );
    assert_eq!(
        ok("members_of", store.members_of(first.id).await),
        vec![user],
        "add_case_member: a Refused add lists the member once"
    );
    let other = UserId::new();
    ok(
        "add_case_member",
        store
            .add_case_member(first.id, other, &audit(AuditKind::CaseShared, now, other))
            .await,
    );
    let mut listed = ok("members_of", store.members_of(first.id).await);
    listed.sort();
    let mut expected = vec![user, other];
    expected.sort();
    assert_eq!(listed, expected, "members_of: every member of the case");
    assert!(
        !ok("is_member", store.is_member(second.id, other).await),
        "is_member: only of the case they were added to"
    );
}

async fn member_races(store: &dyn Store, now: OffsetDateTime) {
    let shared = case(FirmId::new(), now);
    ok("create_case", store.create_case(&shared, None).await);
    let user = UserId::new();
    let event = audit(AuditKind::CaseShared, now, user);
    let outcomes = join_all((0..6).map(|_| store.add_case_member(shared.id, user, &event))).await;
    assert_eq!(
        applied("add_case_member race", outcomes),
        1,
        "add_case_member: of 6 concurrent adds, exactly one is Applied"
    );
    assert_eq!(
        ok("members_of", store.members_of(shared.id).await),
        vec![user],
        "add_case_member race: the member is listed once"
    );
}
