//! The operator CLI's library: its commands, provisioning against an endpoint,
//! creating the first firm, users, cases and memberships, deleting a firm, and the
//! smoke test of a deployment. The dev server and the tests use the same functions.

pub mod admin;
pub mod commands;
pub mod demo;
pub mod deployed_stack;
pub mod dev_stack;
pub mod firm_deletion;
pub mod provision;
pub mod recovery;
pub mod smoke;
pub mod target;
