//! Contract suites for the store ports: one per trait, written once, run against
//! every implementation (the in-memory fake below, the DynamoDB store in the
//! integration tests). Each `check` runs every behaviour of its trait on fresh
//! random ids, and panics naming the behaviour that differs.

pub mod cases;
mod challenge_spends;
mod challenges;
pub mod counters;
pub mod documents;
pub mod firms;
pub mod fixtures;
pub mod links;
pub mod mfa;
mod mfa_codes;
mod mfa_devices;
pub mod notices;
mod passwords;
pub mod recovery;
mod recovery_outcomes;
pub mod sessions;
mod settlements;
pub mod users;

#[cfg(all(test, feature = "fakes"))]
mod on_the_fake {
    use time::OffsetDateTime;

    use crate::fakes::MemoryStore;

    macro_rules! contract {
        ($($name:ident => $suite:ident),* $(,)?) => {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$suite::check(&MemoryStore::default(), OffsetDateTime::now_utc()).await;
                }
            )*
        };
    }

    contract! {
        users_store_contract => users,
        firms_store_contract => firms,
        cases_store_contract => cases,
        documents_store_contract => documents,
        notices_store_contract => notices,
        mfa_store_contract => mfa,
        recovery_store_contract => recovery,
        links_store_contract => links,
        sessions_store_contract => sessions,
        counters_store_contract => counters,
    }
}
