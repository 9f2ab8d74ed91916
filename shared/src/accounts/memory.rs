//! Users and firms in memory, for unit tests and the benchmark.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::accounts::{Firm, FirmSettings, User};
use crate::accounts::{FirmStore, PasswordChange, UserStore};
use crate::domain::{AuditEvent, EmailAddress, FirmId, Language, UserId};
use crate::fakes::MemoryStore;
use crate::ports::Conditional;

#[async_trait]
impl UserStore for MemoryStore {
    async fn user_id_by_email(&self, email: &EmailAddress) -> anyhow::Result<Option<UserId>> {
        Ok(self.tables().emails.get(email).copied())
    }

    async fn user(&self, id: UserId) -> anyhow::Result<Option<User>> {
        Ok(self.tables().users.get(&id).cloned())
    }

    async fn create_user(&self, user: &User, audit: &AuditEvent) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if t.emails.contains_key(&user.email) || t.users.contains_key(&user.id) {
            return Ok(Conditional::Refused);
        }
        t.emails.insert(user.email.clone(), user.id);
        t.users.insert(user.id, user.clone());
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn set_language(
        &self,
        id: UserId,
        language: Language,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let Some(user) = t.users.get_mut(&id) else {
            return Ok(Conditional::Refused);
        };
        user.language = language;
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn force_password_change(
        &self,
        id: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.users.get_mut(&id).and_then(|user| user.password.as_mut()) {
            Some(password) => password.must_change = true,
            None => return Ok(Conditional::Refused),
        }
        t.credential_change(id);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn expire_password(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.users.get_mut(&id).and_then(|user| user.password.as_mut()) {
            Some(password)
                if password.changed_at == password_changed_at && !password.must_change =>
            {
                password.must_change = true;
            }
            _ => return Ok(Conditional::Refused),
        }
        t.credential_change(id);
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn claim_expiry_notice(
        &self,
        id: UserId,
        password_changed_at: OffsetDateTime,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        match t.users.get_mut(&id).and_then(|user| user.password.as_mut()) {
            Some(password)
                if password.changed_at == password_changed_at
                    && password.notice_sent_for != Some(password_changed_at) =>
            {
                password.notice_sent_for = Some(password_changed_at);
                Ok(Conditional::Applied)
            }
            _ => Ok(Conditional::Refused),
        }
    }

    async fn release_expiry_notice(&self, id: UserId) -> anyhow::Result<()> {
        if let Some(password) = self
            .tables()
            .users
            .get_mut(&id)
            .and_then(|user| user.password.as_mut())
        {
            password.notice_sent_for = None;
        }
        Ok(())
    }

    async fn users_of_firm(&self, firm: FirmId) -> anyhow::Result<Vec<User>> {
        Ok(self
            .tables()
            .users
            .values()
            .filter(|user| user.firm_id == firm)
            .cloned()
            .collect())
    }

    async fn replace_password(&self, change: &PasswordChange<'_>) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let Some(user) = t.users.get_mut(&change.user) else {
            return Ok(Conditional::Refused);
        };
        if change.expected.is_some() && user.password.as_ref().map(|p| &p.hash) != change.expected
            || user.credential_version != change.expected_version
        {
            return Ok(Conditional::Refused);
        }
        if let Some((kind, token, now)) = change.spends {
            match t.links.get_mut(&(kind.as_str(), token.clone())) {
                Some(link) if link.is_redeemable_at(now) => link.used_at = Some(now),
                _ => return Ok(Conditional::Refused),
            }
        }
        let Some(user) = t.users.get_mut(&change.user) else {
            return Ok(Conditional::Refused);
        };
        user.password = Some(change.new.clone());
        user.credential_version += 1;
        t.sessions.retain(|digest, session| {
            session.user_id != change.user || Some(digest) == change.keep_session
        });
        t.audit.push(change.audit.clone());
        Ok(Conditional::Applied)
    }
}

#[async_trait]
impl FirmStore for MemoryStore {
    async fn create_firm(&self, firm: &Firm) -> anyhow::Result<()> {
        let mut t = self.tables();
        if t.firms.contains_key(&firm.id) {
            anyhow::bail!("firm {} exists already", firm.id);
        }
        t.firms.insert(firm.id, firm.clone());
        Ok(())
    }

    async fn firm(&self, id: FirmId) -> anyhow::Result<Option<Firm>> {
        Ok(self.tables().firms.get(&id).cloned())
    }

    async fn firms(&self) -> anyhow::Result<Vec<Firm>> {
        Ok(self.tables().firms.values().cloned().collect())
    }

    async fn add_client(
        &self,
        firm: FirmId,
        client: UserId,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        if !t.clients_of_firms.insert((firm, client)) {
            return Ok(Conditional::Refused);
        }
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }

    async fn is_client_of(&self, firm: FirmId, user: UserId) -> anyhow::Result<bool> {
        Ok(self.tables().clients_of_firms.contains(&(firm, user)))
    }

    async fn set_firm_settings(
        &self,
        id: FirmId,
        settings: &FirmSettings,
        audit: &AuditEvent,
    ) -> anyhow::Result<Conditional> {
        let mut t = self.tables();
        let Some(firm) = t.firms.get_mut(&id) else {
            return Ok(Conditional::Refused);
        };
        firm.settings = *settings;
        t.audit.push(audit.clone());
        Ok(Conditional::Applied)
    }
}
