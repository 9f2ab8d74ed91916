//! The store contract suites (`portcullis::store_contract`) against the DynamoDB
//! store on the emulator: the same suites the in-memory fake passes.

use crate::helpers::spawn_app;

portcullis::store_contract_tests!(|app| spawn_app().await => (app.store, app.clock_now()));
