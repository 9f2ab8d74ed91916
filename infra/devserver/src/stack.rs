//! One local deployment: the names of its resources and the environment the SAM
//! template would give its functions. The dev server, the tests and the benchmark
//! all describe their stacks through this.

use std::collections::BTreeMap;

use portcullis::config::{Config, ConfigError};
use portcullis_cli::provision::{Provisioned, Resources};

/// The SES identity the local sender address is on.
pub const SENDER_DOMAIN: &str = "portal.example.com";

/// Resources named after `name`: the table, `{name}-documents`, `{name}/server-key`,
/// the mail configuration set `{name}-mail`, the jobs queue `{name}-jobs`
/// and the push platform applications `{name}-apns` and `{name}-fcm`.
pub fn resources(name: &str) -> Resources {
    Resources {
        table: name.to_owned(),
        bucket: format!("{name}-documents"),
        secret_id: format!("{name}/server-key"),
        sender_domain: SENDER_DOMAIN.to_owned(),
        push_applications: Some(name.to_owned()),
        portal_origin: None,
        mail_configuration_set: Some(format!("{name}-mail")),
        jobs_queue: Some(format!("{name}-jobs")),
    }
}

/// The environment variables the functions get from the template, pointed at
/// `resources`, the push platform applications and jobs queue provisioning made,
/// and a portal at `portal_url`.
pub fn function_env(
    resources: &Resources,
    provisioned: &Provisioned,
    portal_url: &str,
) -> BTreeMap<&'static str, String> {
    let push = &provisioned.push;
    let mut env = BTreeMap::from([
        ("TABLE_NAME", resources.table.clone()),
        ("SERVER_KEY_SECRET_ID", resources.secret_id.clone()),
        (
            "SENDER_EMAIL",
            format!("no-reply@{}", resources.sender_domain),
        ),
        ("PORTAL_URL", portal_url.to_owned()),
        ("DOCUMENTS_BUCKET", resources.bucket.clone()),
    ]);
    let platforms = [
        ("APNS_PLATFORM_APPLICATION_ARN", &push.apns),
        ("FCM_PLATFORM_APPLICATION_ARN", &push.fcm),
    ];
    for (name, arn) in platforms {
        if let Some(arn) = arn {
            env.insert(name, arn.clone());
        }
    }
    if let Some(set) = &resources.mail_configuration_set {
        env.insert("SES_CONFIGURATION_SET", set.clone());
    }
    if let Some(url) = &provisioned.jobs_queue_url {
        env.insert("JOBS_QUEUE_URL", url.clone());
    }
    env
}

/// The configuration a function reads from `env`.
pub fn config(env: &BTreeMap<&'static str, String>) -> Result<Config, ConfigError> {
    Config::from_lookup(|name| env.get(name).cloned())
}
