//! One local deployment: the names of its resources and the environment the SAM
//! template would give its functions. The dev server, the tests and the benchmark
//! all describe their stacks through this.

use std::collections::BTreeMap;

use portcullis::config::{Config, ConfigError};
use portcullis_cli::provision::Resources;

/// The SES identity the local sender address is on.
pub const SENDER_DOMAIN: &str = "portal.example.com";

/// Resources named after `name`: the table, `{name}-documents` and `{name}/server-key`.
pub fn resources(name: &str) -> Resources {
    Resources {
        table: name.to_owned(),
        bucket: format!("{name}-documents"),
        secret_id: format!("{name}/server-key"),
        sender_domain: SENDER_DOMAIN.to_owned(),
    }
}

/// The environment variables every function gets from the template, pointed at
/// `resources` and a portal at `portal_url`.
pub fn function_env(resources: &Resources, portal_url: &str) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("TABLE_NAME", resources.table.clone()),
        ("SERVER_KEY_SECRET_ID", resources.secret_id.clone()),
        (
            "SENDER_EMAIL",
            format!("no-reply@{}", resources.sender_domain),
        ),
        ("PORTAL_URL", portal_url.to_owned()),
        ("DOCUMENTS_BUCKET", resources.bucket.clone()),
    ])
}

/// The configuration a function reads from `env`.
pub fn config(env: &BTreeMap<&'static str, String>) -> Result<Config, ConfigError> {
    Config::from_lookup(|name| env.get(name).cloned())
}
