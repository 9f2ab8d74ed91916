//! How the second factors' records are keyed and read on the table.

use anyhow::Context;

use crate::aws::items::{Item, Reader, epoch, item, s};
use crate::aws::keys::schema::{PK, SK};
use crate::aws::keys::user_pk;
use crate::domain::{DeviceId, PhoneNumber, PushChallengeId, TokenDigest, UserId};
use crate::mfa::{
    MfaChallenge, PushChallenge, PushDevice, PushPlatform, PushStatus, SentCode, SmsFactor,
    TotpFactor,
};

pub(crate) const TOTP: &str = "TOTP";
pub(crate) const SMS: &str = "SMS";
pub(crate) const BACKUP: &str = "BACKUP#";
pub(crate) const DEVICE: &str = "PUSHDEVICE#";

pub(crate) fn push_pk(id: PushChallengeId) -> String {
    format!("PUSH#{id}")
}

pub(crate) fn device_item(user: UserId, device: &PushDevice) -> Item {
    item([
        (PK, s(user_pk(user))),
        (SK, s(format!("{DEVICE}{}", device.id))),
        ("platform", s(device.platform.as_str())),
        ("name", s(device.name.as_str())),
        ("endpoint_arn", s(device.endpoint_arn.as_str())),
        ("credential_digest", s(device.credential_digest.as_str())),
        ("created_at", epoch(device.created_at)),
    ])
}

pub(crate) fn read_device(item: &Item) -> anyhow::Result<PushDevice> {
    let r = Reader(item);
    let id = r.string(SK)?.trim_start_matches(DEVICE);
    Ok(PushDevice {
        id: DeviceId::parse(id).context("a device id")?,
        platform: r.parsed("platform", PushPlatform::parse)?,
        name: r.string("name")?.to_owned(),
        endpoint_arn: r.string("endpoint_arn")?.to_owned(),
        credential_digest: r.parsed("credential_digest", |raw| {
            TokenDigest::from_stored(raw).ok_or(())
        })?,
        created_at: r.time("created_at")?,
    })
}

pub(crate) fn read_push(item: &Item) -> anyhow::Result<PushChallenge> {
    let r = Reader(item);
    let number = |name: &str| -> anyhow::Result<u8> {
        u8::try_from(r.number(name)?).with_context(|| format!("{name} is not a number to match"))
    };
    Ok(PushChallenge {
        id: r.parsed("id", PushChallengeId::parse)?,
        user_id: r.parsed("user_id", UserId::parse)?,
        mfa_challenge: r.parsed("mfa_challenge", |raw| {
            TokenDigest::from_stored(raw).ok_or(())
        })?,
        number: number("number")?,
        choices: [
            number("choice_0")?,
            number("choice_1")?,
            number("choice_2")?,
        ],
        status: r.parsed("status", |raw| PushStatus::parse(raw).ok_or(()))?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        credential_version: r.count("credential_version")?,
    })
}

pub(crate) fn challenge_pk(digest: &TokenDigest) -> String {
    format!("MFA#{digest}")
}

pub(crate) fn read_totp(item: &Item) -> anyhow::Result<TotpFactor> {
    let r = Reader(item);
    Ok(TotpFactor {
        sealed_secret: r.string("sealed_secret")?.to_owned(),
        created_at: r.time("created_at")?,
        confirmed_at: r.optional_time("confirmed_at")?,
        last_step: u64::try_from(r.number("last_step")?).context("a negative step")?,
    })
}

pub(crate) fn read_sms(item: &Item) -> anyhow::Result<SmsFactor> {
    let r = Reader(item);
    Ok(SmsFactor {
        phone: r.parsed("phone", PhoneNumber::parse)?,
        created_at: r.time("created_at")?,
        confirmed_at: r.optional_time("confirmed_at")?,
    })
}

pub(crate) fn code_pk(scope: &str) -> String {
    format!("SMSCODE#{scope}")
}

pub(crate) fn read_sent_code(item: &Item) -> anyhow::Result<SentCode> {
    let r = Reader(item);
    Ok(SentCode {
        digest: r.string("digest")?.to_owned(),
        sent_at: r.time("sent_at")?,
        expires_at: r.time("expires_at")?,
    })
}

pub(crate) fn read_challenge(digest: &TokenDigest, item: &Item) -> anyhow::Result<MfaChallenge> {
    let r = Reader(item);
    Ok(MfaChallenge {
        digest: digest.clone(),
        user_id: r.parsed("user_id", UserId::parse)?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        credential_version: r.count("credential_version")?,
    })
}
