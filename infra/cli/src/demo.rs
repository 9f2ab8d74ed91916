//! The demo data `make dev` starts with.

use portcullis::domain::{Language, Role};

use crate::admin::{Admin, NewUser};

pub const FIRM_NAME: &str = "Example LLP";
pub const CLIENT_EMAIL: &str = "client@example.com";
pub const CLIENT_NAME: &str = "Casey Client";
pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_NAME: &str = "Avery Admin";
pub const CASE_TITLES: [&str; 2] = ["Estate of Doe", "Doe v. Roe"];
/// The administrator's password unless `DEV_ADMIN_PASSWORD` gives another.
pub const DEFAULT_ADMIN_PASSWORD: &str = "portcullis-demo-2026";

/// The demo administrator's password: `DEV_ADMIN_PASSWORD`, else the default.
pub fn admin_password() -> String {
    std::env::var("DEV_ADMIN_PASSWORD").unwrap_or_else(|_| DEFAULT_ADMIN_PASSWORD.to_owned())
}

/// Seeds the demo firm, its administrator (with `admin_password`), and a client
/// who is a member of two cases, for which the administrator is responsible.
/// Meant for an empty table.
pub async fn seed(admin: &Admin<'_>, admin_password: &str) -> anyhow::Result<()> {
    let firm = admin.create_firm(FIRM_NAME).await?;
    let client = admin
        .create_user(NewUser {
            firm,
            email: CLIENT_EMAIL,
            name: CLIENT_NAME,
            role: Role::Client,
            language: Language::En,
        })
        .await?;
    let firm_admin = admin
        .create_user(NewUser {
            firm,
            email: ADMIN_EMAIL,
            name: ADMIN_NAME,
            role: Role::Admin,
            language: Language::En,
        })
        .await?;
    admin
        .set_password(ADMIN_EMAIL, admin_password.to_owned())
        .await?;
    for title in CASE_TITLES {
        let case = admin.create_case(firm, title).await?;
        admin.add_member(case, client).await?;
        admin.add_member(case, firm_admin).await?;
    }
    Ok(())
}
