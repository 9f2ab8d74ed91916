//! Creates the resources the SAM template declares, for an emulator (or an account
//! where the stack is not used). Every step is idempotent.

use anyhow::Context;
use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use aws_sdk_s3::types::{
    BucketVersioningStatus, CorsConfiguration, CorsRule, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, VersioningConfiguration,
};
use portcullis::aws::{s3_client, schema};
use portcullis::config::PushApplications;
use portcullis::ports::{OsRandom, Random};

/// The names of the resources to provision.
#[derive(Debug, Clone)]
pub struct Resources {
    pub table: String,
    pub bucket: String,
    pub secret_id: String,
    /// The domain the sender address is on; SES must have it as an identity.
    pub sender_domain: String,
    /// The name of the SNS platform applications for push approval
    /// (`{name}-apns`, `{name}-fcm`). Only an emulator can have them made here: in
    /// an account they hold Apple's and Google's credentials, and are made by hand.
    pub push_applications: Option<String>,
    /// The portal's origin, when browsers there PUT uploads straight to the bucket
    /// (the template's `CorsConfiguration` says the same for `PortalUrl`).
    pub portal_origin: Option<String>,
    /// The SES configuration set mail goes out under (the template's
    /// `EmailConfigurationSet`; an emulator gets it without its event destination).
    pub mail_configuration_set: Option<String>,
    /// The queue the schedules fan their jobs out on (the template's `JobsQueue`).
    pub jobs_queue: Option<String>,
}

/// What provisioning made that the functions' environment names.
#[derive(Debug, Clone, Default)]
pub struct Provisioned {
    pub push: PushApplications,
    pub jobs_queue_url: Option<String>,
}

/// Provisions `resources`; the ARNs of the push platform applications and the
/// jobs queue's URL.
pub async fn provision(sdk: &SdkConfig, resources: &Resources) -> anyhow::Result<Provisioned> {
    table(&aws_sdk_dynamodb::Client::new(sdk), &resources.table).await?;
    let s3 = s3_client(sdk);
    bucket(&s3, &resources.bucket).await?;
    if let Some(origin) = &resources.portal_origin {
        bucket_cors(&s3, &resources.bucket, origin).await?;
    }
    secret(
        &aws_sdk_secretsmanager::Client::new(sdk),
        &resources.secret_id,
    )
    .await?;
    let ses = aws_sdk_sesv2::Client::new(sdk);
    sender_identity(&ses, &resources.sender_domain).await?;
    if let Some(name) = &resources.mail_configuration_set {
        configuration_set(&ses, name).await?;
    }
    let jobs_queue_url = match &resources.jobs_queue {
        Some(name) => Some(queue(&aws_sdk_sqs::Client::new(sdk), name).await?),
        None => None,
    };
    let push = match &resources.push_applications {
        Some(name) => {
            let sns = aws_sdk_sns::Client::new(sdk);
            PushApplications {
                apns: Some(platform_application(&sns, &format!("{name}-apns"), "APNS").await?),
                fcm: Some(platform_application(&sns, &format!("{name}-fcm"), "GCM").await?),
            }
        }
        None => PushApplications::default(),
    };
    Ok(Provisioned {
        push,
        jobs_queue_url,
    })
}

/// The queue's URL; made if need be (CreateQueue gives an existing queue's URL).
async fn queue(client: &aws_sdk_sqs::Client, name: &str) -> anyhow::Result<String> {
    client
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .context("CreateQueue")?
        .queue_url
        .context("CreateQueue gave no URL")
}

/// The ARN of the platform application `name` on `platform`, made if missing.
async fn platform_application(
    client: &aws_sdk_sns::Client,
    name: &str,
    platform: &str,
) -> anyhow::Result<String> {
    let suffix = format!(":app/{platform}/{name}");
    let mut pages = client.list_platform_applications().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.context("ListPlatformApplications")?;
        let found = page
            .platform_applications()
            .iter()
            .filter_map(|app| app.platform_application_arn())
            .find(|arn| arn.ends_with(&suffix));
        if let Some(arn) = found {
            return Ok(arn.to_owned());
        }
    }
    client
        .create_platform_application()
        .name(name)
        .platform(platform)
        .attributes("PlatformCredential", "emulator-credential")
        .attributes("PlatformPrincipal", "emulator-principal")
        .send()
        .await
        .context("CreatePlatformApplication")?
        .platform_application_arn
        .context("CreatePlatformApplication returned no ARN")
}

fn string_attribute(name: &str) -> anyhow::Result<AttributeDefinition> {
    Ok(AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()?)
}

fn key(name: &str, key_type: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()?)
}

async fn table(client: &aws_sdk_dynamodb::Client, name: &str) -> anyhow::Result<()> {
    if client
        .describe_table()
        .table_name(name)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(schema::PK)?)
        .attribute_definitions(string_attribute(schema::SK)?)
        .attribute_definitions(string_attribute(schema::GSI1_PK)?)
        .attribute_definitions(string_attribute(schema::GSI1_SK)?)
        .key_schema(key(schema::PK, KeyType::Hash)?)
        .key_schema(key(schema::SK, KeyType::Range)?)
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(schema::GSI1)
                .key_schema(key(schema::GSI1_PK, KeyType::Hash)?)
                .key_schema(key(schema::GSI1_SK, KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()?,
        )
        .send()
        .await
        .context("CreateTable")?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(schema::TTL)
                .enabled(true)
                .build()?,
        )
        .send()
        .await
        .context("UpdateTimeToLive")?;
    client
        .update_continuous_backups()
        .table_name(name)
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()?,
        )
        .send()
        .await
        .context("UpdateContinuousBackups")?;
    Ok(())
}

/// Lets pages of `origin` PUT and GET objects with their presigned URLs.
async fn bucket_cors(client: &aws_sdk_s3::Client, name: &str, origin: &str) -> anyhow::Result<()> {
    let rule = CorsRule::builder()
        .allowed_origins(origin)
        .allowed_methods("PUT")
        .allowed_methods("GET")
        .allowed_headers("content-type")
        .expose_headers("etag")
        .max_age_seconds(600)
        .build()
        .context("a CORS rule")?;
    client
        .put_bucket_cors()
        .bucket(name)
        .cors_configuration(
            CorsConfiguration::builder()
                .cors_rules(rule)
                .build()
                .context("a CORS configuration")?,
        )
        .send()
        .await
        .context("PutBucketCors")?;
    Ok(())
}

async fn bucket(client: &aws_sdk_s3::Client, name: &str) -> anyhow::Result<()> {
    if client.head_bucket().bucket(name).send().await.is_ok() {
        return Ok(());
    }
    client
        .create_bucket()
        .bucket(name)
        .send()
        .await
        .context("CreateBucket")?;
    client
        .put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .context("PutPublicAccessBlock")?;
    client
        .put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .context("PutBucketVersioning")?;
    client
        .put_bucket_encryption()
        .bucket(name)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::Aes256)
                                .build()?,
                        )
                        .build(),
                )
                .build()?,
        )
        .send()
        .await
        .context("PutBucketEncryption")?;
    Ok(())
}

/// A fresh 64-character key, as the template's generated secret is.
fn random_key() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 64];
    OsRandom.fill(&mut bytes);
    // Reducing any byte modulo 62 would favour some characters, so bytes at or
    // above 248 (4 × 62) are drawn again: every character stays equally likely.
    bytes
        .iter_mut()
        .map(|b| {
            while *b >= 248 {
                let mut one = [0u8; 1];
                OsRandom.fill(&mut one);
                *b = one[0];
            }
            ALPHABET[usize::from(*b) % ALPHABET.len()] as char
        })
        .collect()
}

async fn secret(client: &aws_sdk_secretsmanager::Client, name: &str) -> anyhow::Result<()> {
    if client
        .describe_secret()
        .secret_id(name)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    client
        .create_secret()
        .name(name)
        .description("Portcullis server HMAC key")
        .secret_string(random_key())
        .send()
        .await
        .context("CreateSecret")?;
    Ok(())
}

async fn sender_identity(client: &aws_sdk_sesv2::Client, domain: &str) -> anyhow::Result<()> {
    if client
        .get_email_identity()
        .email_identity(domain)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    client
        .create_email_identity()
        .email_identity(domain)
        .send()
        .await
        .context("CreateEmailIdentity")?;
    Ok(())
}

async fn configuration_set(client: &aws_sdk_sesv2::Client, name: &str) -> anyhow::Result<()> {
    if client
        .get_configuration_set()
        .configuration_set_name(name)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    client
        .create_configuration_set()
        .configuration_set_name(name)
        .send()
        .await
        .context("CreateConfigurationSet")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_64_alphanumerics() {
        let key = random_key();
        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(key, random_key());
    }
}
