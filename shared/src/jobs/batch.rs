//! `run-jobs`' event: a batch of SQS messages, answered with the ones that failed
//! (Lambda's partial batch response), which alone come back for another try.

use futures::future::join_all;
use serde::{Deserialize, Serialize};

use crate::Services;
use crate::jobs::{Job, JobRun, run_job};

/// SQS's event to a Lambda function, as far as it is read.
#[derive(Debug, Deserialize)]
pub struct SqsEvent {
    #[serde(rename = "Records")]
    pub records: Vec<SqsMessage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SqsMessage {
    pub message_id: String,
    pub body: String,
}

/// Lambda's partial batch response: the messages to deliver again.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    pub batch_item_failures: Vec<BatchItemFailure>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemFailure {
    pub item_identifier: String,
}

/// What became of one message of a batch: its job's run, `None` for a message
/// that is no job (dropped: delivering it again would not change that), or the
/// job's failure.
pub type Outcome = (String, anyhow::Result<Option<JobRun>>);

/// Runs every job of the batch at once.
pub async fn run_batch(svc: &Services, event: SqsEvent) -> Vec<Outcome> {
    join_all(event.records.into_iter().map(|message| async move {
        let job = match serde_json::from_str::<Job>(&message.body) {
            Ok(job) => job,
            Err(err) => {
                tracing::warn!(error = %err, message_id = message.message_id, "a message that is no job is dropped");
                return (message.message_id, Ok(None));
            }
        };
        let run = run_job(svc, &job).await;
        match &run {
            Ok(run) => tracing::info!(?run, message_id = message.message_id, "job done"),
            Err(err) => {
                tracing::error!(error = format!("{err:#}"), message_id = message.message_id, "job failed")
            }
        }
        (message.message_id, run.map(Some))
    }))
    .await
}

/// The answer to Lambda: the failed jobs, to come back after the queue's
/// visibility timeout (and after five tries, to wait in the dead-letter queue);
/// the others are done.
pub fn batch_response(outcomes: &[Outcome]) -> BatchResponse {
    BatchResponse {
        batch_item_failures: outcomes
            .iter()
            .filter(|(_, run)| run.is_err())
            .map(|(id, _)| BatchItemFailure {
                item_identifier: id.clone(),
            })
            .collect(),
    }
}

/// `run-jobs`: [`run_batch`], answered with [`batch_response`].
pub async fn run_jobs(svc: &Services, event: SqsEvent) -> anyhow::Result<BatchResponse> {
    Ok(batch_response(&run_batch(svc, event).await))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use async_trait::async_trait;
    use time::Duration;

    use super::*;
    use crate::accounts::{Firm, FirmSettings, PasswordExpiry, PasswordHash, PasswordState, User};
    use crate::accounts::{FirmStore, UserStore};
    use crate::domain::{AuditEvent, AuditKind, EmailAddress, FirmId, Language, Role, UserId};
    use crate::fakes::FakeServices;
    use crate::ports::{Clock, Mailer, OutgoingEmail};

    /// A firm whose one staff member's password is due its expiry notice.
    async fn firm_due_a_notice(fakes: &FakeServices, name: &str) -> FirmId {
        let now = fakes.clock.now();
        let firm = Firm {
            id: FirmId::new(),
            name: name.into(),
            created_at: now,
            settings: FirmSettings {
                password_expiry: PasswordExpiry::from_days(90).unwrap(),
                ..FirmSettings::default()
            },
        };
        fakes.store.create_firm(&firm).await.unwrap();
        let user = User {
            id: UserId::new(),
            firm_id: firm.id,
            email: EmailAddress::parse(&format!("staff@{name}.example.com")).unwrap(),
            name: "Sam Staff".into(),
            role: Role::Staff,
            language: Language::En,
            created_at: now,
            password: Some(PasswordState {
                hash: PasswordHash::from_stored("$argon2id$stand-in".into()),
                changed_at: now - Duration::days(80),
                must_change: false,
                notice_sent_for: None,
            }),
            credential_version: 0,
        };
        let audit = AuditEvent::new(AuditKind::UserCreated, now, user.id);
        fakes.store.create_user(&user, &audit).await.unwrap();
        firm.id
    }

    fn batch(jobs: &[(&str, String)]) -> SqsEvent {
        SqsEvent {
            records: jobs
                .iter()
                .map(|(id, body)| SqsMessage {
                    message_id: (*id).to_owned(),
                    body: body.clone(),
                })
                .collect(),
        }
    }

    fn body(job: &Job) -> String {
        serde_json::to_string(job).unwrap()
    }

    /// SES down for one address: the firm's job cannot send its notice.
    struct DownFor(EmailAddress, Arc<dyn Mailer>);

    #[async_trait]
    impl Mailer for DownFor {
        async fn send(&self, email: &OutgoingEmail) -> anyhow::Result<()> {
            anyhow::ensure!(email.to != self.0, "SES is unavailable");
            self.1.send(email).await
        }
    }

    #[tokio::test]
    async fn only_the_failed_job_of_a_batch_comes_back_and_its_retry_sends_its_notice_once() {
        let mut fakes = FakeServices::default();
        let failing = firm_due_a_notice(&fakes, "failing").await;
        let working = firm_due_a_notice(&fakes, "working").await;
        let down = EmailAddress::parse("staff@failing.example.com").unwrap();
        let up = fakes.services.mailer.clone();
        fakes.services.mailer = Arc::new(DownFor(down, up.clone()));
        let event = batch(&[
            ("m-1", body(&Job::ExpirePasswords { firm_id: failing })),
            ("m-2", body(&Job::ExpirePasswords { firm_id: working })),
            ("m-3", "not a job".to_owned()),
        ]);
        let answer = run_jobs(&fakes.services, event).await.unwrap();
        assert_eq!(
            answer,
            BatchResponse {
                batch_item_failures: vec![BatchItemFailure {
                    item_identifier: "m-1".into()
                }]
            },
            "the message that is no job is dropped, not retried"
        );
        assert_eq!(fakes.mailer.sent().len(), 1);

        // SES is back; the failed message comes back, and so (at least once) may
        // the one that succeeded.
        fakes.services.mailer = up;
        let again = batch(&[
            ("m-1", body(&Job::ExpirePasswords { firm_id: failing })),
            ("m-2", body(&Job::ExpirePasswords { firm_id: working })),
        ]);
        let answer = run_jobs(&fakes.services, again).await.unwrap();
        assert_eq!(answer, BatchResponse::default());
        let mut sent: Vec<String> = fakes
            .mailer
            .sent()
            .iter()
            .map(|email| email.to.as_str().to_owned())
            .collect();
        sent.sort();
        assert_eq!(
            sent,
            ["staff@failing.example.com", "staff@working.example.com"],
            "one notice each, none twice"
        );
    }

    #[test]
    fn a_job_reads_back_as_it_was_written() {
        let jobs = [
            Job::ExpirePasswords {
                firm_id: FirmId::new(),
            },
            Job::ExpireRecoveries {
                recovery_ids: vec![crate::domain::RecoveryId::new()],
            },
            Job::SettleUpload {
                case_id: crate::domain::CaseId::new(),
                upload_id: crate::documents::UploadId::new(),
            },
        ];
        for job in jobs {
            let text = body(&job);
            assert!(text.starts_with("{\"job\":\""), "{text}");
            assert_eq!(serde_json::from_str::<Job>(&text).unwrap(), job);
        }
        assert!(
            serde_json::from_str::<Job>(r#"{"job":"expire-passwords","firm_id":"x"}"#).is_err()
        );
    }
}
