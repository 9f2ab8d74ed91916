//! The deletes that remove a user's second factors, for the transactions that
//! remove them (the user's own removal, an administrator's switch-off, a recovery).

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};

use crate::aws::keys::schema::SK;
use crate::aws::keys::user_pk;
use crate::aws::table::DynamoStore;
use crate::domain::UserId;
use crate::mfa::MfaMethod;
use crate::mfa::dynamo::items::{BACKUP, DEVICE, SMS, TOTP};

impl DynamoStore {
    /// Deletes of the user's second factors of the kinds `methods`.
    pub(crate) async fn mfa_removal(
        &self,
        user: UserId,
        methods: &[MfaMethod],
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let mut items = Vec::new();
        for method in methods {
            match method {
                MfaMethod::Totp | MfaMethod::Sms => {
                    let sk = if *method == MfaMethod::Totp {
                        TOTP
                    } else {
                        SMS
                    };
                    let factor = Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(Self::key(user_pk(user), sk)))
                        .build()?;
                    items.push(TransactWriteItem::builder().delete(factor).build());
                }
                MfaMethod::BackupCode => items.extend(self.partition_deletes(user, BACKUP).await?),
                MfaMethod::Push => items.extend(self.partition_deletes(user, DEVICE).await?),
            }
        }
        Ok(items)
    }

    /// Deletes of every item of the user's whose sort key starts with `prefix`.
    pub(crate) async fn partition_deletes(
        &self,
        user: UserId,
        prefix: &str,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        self.partition_items(user_pk(user), prefix)
            .await?
            .iter()
            .map(|code| {
                let delete = Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key(
                        user_pk(user),
                        crate::aws::items::Reader(code).string(SK)?,
                    )))
                    .build()?;
                Ok(TransactWriteItem::builder().delete(delete).build())
            })
            .collect()
    }
}
