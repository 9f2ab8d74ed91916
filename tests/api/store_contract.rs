//! The store contract suites (`portcullis::store_contract`) against the DynamoDB
//! store on the emulator: the same suites the in-memory fake passes.

use portcullis::store_contract;

use crate::helpers::spawn_app;

macro_rules! contract {
    ($($name:ident => $suite:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let app = spawn_app().await;
                store_contract::$suite::check(&app.store, app.clock_now()).await;
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
