//! Who sees which case: a client sees the cases they are a member of, a firm user
//! every case of their firm. Anything else is answered as if the case did not
//! exist, so nobody learns which case ids are real.

use std::collections::HashMap;

use serde_json::Value;

use crate::Services;
use crate::accounts::User;
use crate::documents::Case;
use crate::domain::{CaseId, FirmId, Role};
use crate::http::Principal;
use crate::http::bodies::documents::case_json;

#[derive(Debug, thiserror::Error)]
pub enum CaseAccessError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("There is no such case.")]
    CaseNotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The signed-in user and a case they may see.
#[derive(Debug, Clone)]
pub struct CaseAccess {
    pub user: User,
    pub case: Case,
}

/// The caller, still a user.
pub async fn caller(svc: &Services, principal: &Principal) -> Result<User, CaseAccessError> {
    svc.store
        .user(principal.user_id)
        .await?
        .ok_or(CaseAccessError::Unauthorized)
}

/// The case `raw_case_id` names, when the caller may see it.
pub async fn accessible_case(
    svc: &Services,
    principal: &Principal,
    raw_case_id: &str,
) -> Result<CaseAccess, CaseAccessError> {
    let user = caller(svc, principal).await?;
    case_seen_by(svc, user, raw_case_id).await
}

/// The case `raw_case_id` names, when `user` may see it.
pub async fn case_seen_by(
    svc: &Services,
    user: User,
    raw_case_id: &str,
) -> Result<CaseAccess, CaseAccessError> {
    let id = CaseId::parse(raw_case_id).map_err(|_| CaseAccessError::CaseNotFound)?;
    let case = svc
        .store
        .case(id)
        .await?
        .ok_or(CaseAccessError::CaseNotFound)?;
    let allowed = match user.role {
        Role::Client => svc.store.is_member(case.id, user.id).await?,
        Role::Staff | Role::Admin => case.firm_id == user.firm_id,
    };
    match allowed {
        true => Ok(CaseAccess { user, case }),
        false => Err(CaseAccessError::CaseNotFound),
    }
}

/// The cases the caller sees, most recently updated first, as `GET /cases`
/// shows them.
pub async fn visible_cases(
    svc: &Services,
    principal: &Principal,
) -> Result<Vec<Value>, CaseAccessError> {
    let user = caller(svc, principal).await?;
    let mut cases = match user.role {
        Role::Client => svc.store.cases_of(user.id).await?,
        Role::Staff | Role::Admin => svc.store.cases_of_firm(user.firm_id).await?,
    };
    cases.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    let mut firm_names: HashMap<FirmId, String> = HashMap::new();
    let mut listed = Vec::with_capacity(cases.len());
    for case in &cases {
        let name = match firm_names.get(&case.firm_id) {
            Some(name) => name.clone(),
            None => firm_name(svc, case.firm_id).await?,
        };
        listed.push(case_json(case, &name));
        firm_names.insert(case.firm_id, name);
    }
    Ok(listed)
}

/// The firm's name as emails and listings show it (empty if the firm is gone).
pub async fn firm_name(svc: &Services, firm: FirmId) -> anyhow::Result<String> {
    Ok(svc
        .store
        .firm(firm)
        .await?
        .map(|firm| firm.name)
        .unwrap_or_default())
}
