//! The ports and settings a handler works with, built once per cold start.

use std::sync::Arc;

use crate::config::Settings;
use crate::crypto::ServerKeys;
use crate::ports::{
    Clock, DocumentBucket, IdentityVerifier, JobQueue, Mailer, PushSender, Random, SmsSender, Store,
};

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub bucket: Arc<dyn DocumentBucket>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub push: Arc<dyn PushSender>,
    pub jobs: Arc<dyn JobQueue>,
    pub verifier: Arc<dyn IdentityVerifier>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub keys: ServerKeys,
    pub settings: Settings,
}
