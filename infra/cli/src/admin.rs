//! Creating firms, users, cases and memberships: what a fresh deployment needs to
//! get its first administrator, and what the demo data is made of.

use anyhow::bail;
use portcullis::accounts::PasswordChange;
use portcullis::accounts::passwords::{PolicyContext, check_policy, hash};
use portcullis::accounts::{Firm, FirmSettings, Password, PasswordState, User};
use portcullis::documents::Case;
use portcullis::domain::{
    AuditEvent, AuditKind, CaseId, EmailAddress, FirmId, Language, Role, UserId,
};
use portcullis::ports::{Clock, Conditional, OsRandom, Store};

pub struct Admin<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
}

/// A user to create, as given on the command line.
pub struct NewUser<'a> {
    pub firm: FirmId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub language: Language,
}

impl Admin<'_> {
    pub async fn create_firm(&self, name: &str) -> anyhow::Result<FirmId> {
        let name = non_empty(name, "firm name")?;
        let firm = Firm {
            id: FirmId::new(),
            name,
            created_at: self.clock.now(),
            settings: FirmSettings::default(),
        };
        self.store.create_firm(&firm).await?;
        Ok(firm.id)
    }

    pub async fn create_user(&self, new: NewUser<'_>) -> anyhow::Result<UserId> {
        let Ok(email) = EmailAddress::parse(new.email) else {
            bail!("{:?} is not a valid email address", new.email);
        };
        if self.store.firm(new.firm).await?.is_none() {
            bail!("there is no firm {}", new.firm);
        }
        let now = self.clock.now();
        let user = User {
            id: UserId::new(),
            firm_id: new.firm,
            email,
            name: non_empty(new.name, "name")?,
            role: new.role,
            language: new.language,
            created_at: now,
            password: None,
            credential_version: 0,
        };
        let audit =
            AuditEvent::new(AuditKind::UserCreated, now, user.id).with_detail("operator cli");
        match self.store.create_user(&user, &audit).await? {
            Conditional::Applied => Ok(user.id),
            Conditional::Refused => bail!("a user with email {} exists already", user.email),
        }
    }

    /// Sets a firm user's password (the first administrator's, say), after the
    /// password policy's basic checks, and ends all their sessions.
    pub async fn set_password(&self, email: &str, password: String) -> anyhow::Result<()> {
        let Ok(email) = EmailAddress::parse(email) else {
            bail!("{email:?} is not a valid email address");
        };
        let Some(id) = self.store.user_id_by_email(&email).await? else {
            bail!("there is no user with email {email}");
        };
        let Some(user) = self.store.user(id).await? else {
            bail!("there is no user with email {email}");
        };
        if user.role == Role::Client {
            bail!("clients sign in with emailed links; they have no password");
        }
        let password = Password::parse(password)?;
        let context = PolicyContext {
            require_strong: false,
            email: &user.email,
            name: &user.name,
        };
        if let Err(weak) = check_policy(&password, &context) {
            bail!("the password is too weak: {}", weak.feedback.join(" "));
        }
        let now = self.clock.now();
        let state = PasswordState {
            hash: hash(&password, &OsRandom)?,
            changed_at: now,
            must_change: false,
            notice_sent_for: None,
        };
        let audit =
            AuditEvent::new(AuditKind::PasswordSet, now, user.id).with_detail("operator cli");
        let change = PasswordChange {
            user: user.id,
            new: &state,
            expected: None,
            expected_version: user.credential_version,
            keep_session: None,
            spends: None,
            audit: &audit,
        };
        match self.store.replace_password(&change).await? {
            Conditional::Applied => Ok(()),
            Conditional::Refused => bail!("the user {} changed meanwhile; try again", user.id),
        }
    }

    pub async fn create_case(&self, firm: FirmId, title: &str) -> anyhow::Result<CaseId> {
        if self.store.firm(firm).await?.is_none() {
            bail!("there is no firm {firm}");
        }
        let now = self.clock.now();
        let case = Case {
            id: CaseId::new(),
            firm_id: firm,
            title: non_empty(title, "case title")?,
            created_at: now,
            updated_at: now,
        };
        self.store.create_case(&case, None).await?;
        Ok(case.id)
    }

    pub async fn add_member(&self, case: CaseId, user: UserId) -> anyhow::Result<()> {
        if self.store.user(user).await?.is_none() {
            bail!("there is no user {user}");
        }
        if self.store.case(case).await?.is_none() {
            bail!("there is no case {case}");
        }
        let audit = AuditEvent::new(AuditKind::CaseShared, self.clock.now(), user)
            .with_detail(format!("{case} by operator cli"));
        // Already a member: nothing to do.
        self.store.add_case_member(case, user, &audit).await?;
        Ok(())
    }
}

fn non_empty(value: &str, what: &str) -> anyhow::Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        bail!("the {what} must not be empty");
    }
    Ok(trimmed.to_owned())
}
