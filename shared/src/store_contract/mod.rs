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

/// One `#[tokio::test]` per suite, each on the store `$store` at the time `$now`,
/// after `let $binding = $setup;` (which may `.await`): the one list of suites,
/// for the in-memory store here and the DynamoDB store in the integration tests.
#[macro_export]
macro_rules! store_contract_tests {
    (|$binding:ident| $setup:expr => ($store:expr, $now:expr)) => {
        $crate::store_contract_tests!(@each $binding, $setup, $store, $now;
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
        );
    };
    (@each $binding:ident, $setup:expr, $store:expr, $now:expr; $($name:ident => $suite:ident,)*) => {
        $(
            #[tokio::test]
            async fn $name() {
                let $binding = $setup;
                $crate::store_contract::$suite::check(&$store, $now).await;
            }
        )*
    };
}

#[cfg(all(test, feature = "fakes"))]
mod on_the_fake {
    use time::OffsetDateTime;

    use crate::fakes::MemoryStore;

    crate::store_contract_tests!(|store| MemoryStore::default() => (store, OffsetDateTime::now_utc()));
}
