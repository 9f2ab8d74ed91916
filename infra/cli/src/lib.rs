//! The operator CLI's library: provisioning against an endpoint, and creating the
//! first firm, users, cases and memberships. The dev server and the tests use the
//! same functions.

pub mod admin;
pub mod demo;
pub mod dev_stack;
pub mod provision;
pub mod recovery;
