//! `portcullis delete-firm --firm ID`: a firm and everything of it, on the table
//! (see [`portcullis::aws::FirmContents`]), in the documents bucket (every version
//! of its cases' objects) and in SNS (its users' phones). The bytes go first and
//! the items last, so a deletion cut short leaves what finds the rest, and running
//! it again finishes it.

use anyhow::bail;
use portcullis::aws::{DynamoStore, S3Bucket};
use portcullis::domain::FirmId;
use portcullis::ports::PushSender;

/// Where a firm's things are.
pub struct Deployment<'a> {
    pub store: &'a DynamoStore,
    pub bucket: &'a S3Bucket,
    pub push: &'a dyn PushSender,
}

/// What a deletion removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedFirm {
    pub users: usize,
    pub cases: usize,
    pub items: usize,
    pub objects: usize,
    pub phones: usize,
}

impl std::fmt::Display for DeletedFirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "deleted: {} users, {} cases, {} items, {} objects, {} phones",
            self.users, self.cases, self.items, self.objects, self.phones
        )
    }
}

/// Deletes the firm `firm` and everything of it; an error when there is none.
pub async fn delete_firm(at: &Deployment<'_>, firm: FirmId) -> anyhow::Result<DeletedFirm> {
    let Some(contents) = at.store.firm_contents(firm).await? else {
        bail!("there is no firm {firm}");
    };
    let mut objects = 0;
    for prefix in contents.object_prefixes() {
        objects += at.bucket.delete_everything_under(&prefix).await?;
    }
    for endpoint in &contents.push_endpoints {
        at.push.unregister(endpoint).await?;
    }
    at.store.delete_firm_contents(&contents).await?;
    Ok(DeletedFirm {
        users: contents.users.len(),
        cases: contents.cases.len(),
        items: contents.item_count(),
        objects,
        phones: contents.push_endpoints.len(),
    })
}
