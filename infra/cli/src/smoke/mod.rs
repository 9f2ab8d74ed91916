//! `portcullis smoke` (`make smoke URL=…`): the main flows against a deployment's
//! API, in a test firm of its own. The firm, its administrator and a random
//! password are made as `create-firm`, `create-user` and `set-password` make them;
//! then, over HTTP, the administrator signs in with the password, reads /me,
//! creates a case and a client, shares the case, sends a document through its
//! presigned URL, finds it in the case's documents, waits for the upload handler
//! to check it and announce it (S3's notification, the function, the client's
//! email), and signs out. The firm and everything of it is deleted at the end,
//! whatever failed before: only once the handler is done with the upload, so that
//! it writes nothing for the firm after it is gone.
//!
//! Its addresses are SES's mailbox simulator's, so the emails the flows send
//! (the case shared with the client) count against no bounce rate.

mod api;
pub mod report;

use std::time::{Duration, Instant};

use portcullis::documents::DocumentId;
use portcullis::domain::{CaseId, FirmId, Language, Role, Token, TokenPurpose};
use portcullis::ports::OsRandom;
use reqwest::Method;
use serde_json::json;

use crate::admin::{Admin, NewUser};
use crate::firm_deletion::{Deployment, delete_firm};
use api::Api;
use report::{Checked, Report, Steps};

/// The document sent: small, of a type every deployment accepts.
const DOCUMENT: &[u8] = b"Portcullis smoke test: this file is deleted with its test firm.\n";
const DOCUMENT_NAME: &str = "smoke-test.txt";

/// How long the upload handler gets to check and announce the document.
const HANDLER_WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(250);

/// The test administrator's password: random, used once, never printed.
enum SmokePassword {}
impl TokenPurpose for SmokePassword {
    const LABEL: &'static str = "smoke-test-password";
}

/// The test firm's people: addresses of SES's mailbox simulator, unique by firm.
struct TestFirm {
    id: FirmId,
    admin_email: String,
    client_email: String,
}

impl TestFirm {
    fn new(id: FirmId) -> Self {
        let address = |who: &str| format!("success+smoke-{id}-{who}@simulator.amazonses.com");
        Self {
            id,
            admin_email: address("admin"),
            client_email: address("client"),
        }
    }
}

/// Runs the smoke test against the API at `api_url`, making the test firm with
/// `admin` and deleting it from `deployment`, each step's line written to `out`.
pub async fn smoke_test(
    api_url: &str,
    admin: &Admin<'_>,
    deployment: &Deployment<'_>,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<Report> {
    let api = Api::new(api_url)?;
    let mut steps = Steps::new(out);
    let created = steps
        .run("create test firm", async {
            Checked::local(admin.create_firm("Portcullis smoke test").await)
        })
        .await;
    let Some(firm) = created.map(TestFirm::new) else {
        return Ok(steps.report());
    };
    let password = Token::<SmokePassword>::generate(&OsRandom);
    let ready = steps
        .run("create administrator", async {
            Checked::local(make_admin(admin, &firm, password.expose()).await)
        })
        .await;
    if ready.is_some() {
        flows(&mut steps, &api, admin, &firm, password.expose()).await;
    }
    steps
        .run("delete test firm", async {
            Checked::local(delete_firm(deployment, firm.id).await.map(|_| ()))
        })
        .await;
    Ok(steps.report())
}

async fn make_admin(admin: &Admin<'_>, firm: &TestFirm, password: &str) -> anyhow::Result<()> {
    admin
        .create_user(NewUser {
            firm: firm.id,
            email: &firm.admin_email,
            name: "Smoke Test Administrator",
            role: Role::Admin,
            language: Language::En,
        })
        .await?;
    admin
        .set_password(&firm.admin_email, password.to_owned())
        .await
}

/// The flows, step after step, up to the first that fails.
async fn flows(
    steps: &mut Steps<'_>,
    api: &Api,
    admin: &Admin<'_>,
    firm: &TestFirm,
    password: &str,
) -> Option<()> {
    let sign_in = api
        .request(Method::POST, "/auth/password", None)
        .json(&json!({ "email": firm.admin_email, "password": password }));
    let session = steps
        .run(
            "sign in",
            api.expect(sign_in, 200, |answer| answer.text("/session_token")),
        )
        .await?;
    let session = Some(session.as_str());

    let me = api.request(Method::GET, "/me", session);
    steps
        .run(
            "read /me",
            api.expect(me, 200, |answer| match answer.text("/email")? {
                email if email == firm.admin_email => Ok(()),
                _ => Err("/me is another user".to_owned()),
            }),
        )
        .await?;

    let case = api
        .request(Method::POST, "/firm/cases", session)
        .json(&json!({ "title": "Smoke test case" }));
    let case = steps
        .run(
            "create case",
            api.expect(case, 201, |answer| answer.text("/id")),
        )
        .await?;

    let client = api
        .request(Method::POST, "/firm/clients", session)
        .json(&json!({
            "email": firm.client_email,
            "name": "Smoke Test Client",
            "language": "en",
        }));
    let client = steps
        .run(
            "create client",
            api.expect(client, 201, |answer| answer.text("/id")),
        )
        .await?;

    let share = api.request(
        Method::PUT,
        &format!("/firm/cases/{case}/members/{client}"),
        session,
    );
    steps
        .run("add client to case", api.expect(share, 204, |_| Ok(())))
        .await?;

    let documents = format!("/cases/{case}/documents");
    let upload = api
        .request(Method::POST, &documents, session)
        .json(&json!({ "files": [{
            "file_name": DOCUMENT_NAME,
            "content_type": "text/plain",
            "size_bytes": DOCUMENT.len(),
        }]}));
    let (document, url, content_type) = steps
        .run(
            "request upload URL",
            api.expect(upload, 201, |answer| {
                Ok((
                    answer.text("/documents/0/id")?,
                    answer.text("/documents/0/upload/url")?,
                    answer.text("/documents/0/upload/headers/content-type")?,
                ))
            }),
        )
        .await?;

    let put = api
        .put_url(&url)
        .header("content-type", content_type)
        .body(DOCUMENT);
    steps
        .run("upload document", api.expect(put, 200, |_| Ok(())))
        .await?;

    let listed = api.request(Method::GET, &documents, session);
    steps
        .run(
            "list documents",
            api.expect(listed, 200, |answer| {
                let listed = answer.body["documents"].as_array().into_iter().flatten();
                match listed
                    .filter_map(|listed| listed["id"].as_str())
                    .any(|id| id == document)
                {
                    true => Ok(()),
                    false => Err("the document sent is not listed".to_owned()),
                }
            }),
        )
        .await?;

    steps
        .run(
            "document checked",
            checked(api, &documents, session, &document),
        )
        .await?;
    steps
        .run("upload announced", announced(admin, &case, &document))
        .await?;

    let sign_out = api.request(Method::POST, "/auth/logout", session);
    steps
        .run("sign out", api.expect(sign_out, 204, |_| Ok(())))
        .await?;

    let after = api.request(Method::GET, "/me", session);
    steps
        .run("session ended", api.expect(after, 401, |_| Ok(())))
        .await
}

/// Waits for the document to be `available` in the case's documents: the bucket
/// notified the upload handler, which found the object as declared.
async fn checked(api: &Api, documents: &str, session: Option<&str>, document: &str) -> Checked<()> {
    let deadline = Instant::now() + HANDLER_WAIT;
    loop {
        let listed = api.request(Method::GET, documents, session);
        let Checked { status, outcome } = api
            .expect(listed, 200, |answer| {
                let listed = answer.body["documents"].as_array().into_iter().flatten();
                Ok(listed
                    .filter(|listed| listed["id"].as_str() == Some(document))
                    .find_map(|listed| listed["status"].as_str().map(str::to_owned)))
            })
            .await;
        let fail = |why: String| Checked {
            status,
            outcome: Err(why),
        };
        let waited = match outcome {
            Err(why) => return fail(why),
            Ok(Some(found)) if found == "available" => {
                return Checked {
                    status,
                    outcome: Ok(()),
                };
            }
            Ok(Some(found)) if found == "pending" => "still pending",
            Ok(Some(_)) => return fail("the document was rejected".to_owned()),
            Ok(None) => "not listed",
        };
        if Instant::now() >= deadline {
            let secs = HANDLER_WAIT.as_secs();
            return fail(format!("the document is {waited} after {secs} s"));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits for the upload handler to be done with the document's upload: every
/// email about it sent, it leaves the list of uploads not yet announced.
async fn announced(admin: &Admin<'_>, case: &str, document: &str) -> Checked<()> {
    let wait = async {
        let case = CaseId::parse(case).map_err(|_| anyhow::anyhow!("a malformed case id"))?;
        let document =
            DocumentId::parse(document).map_err(|_| anyhow::anyhow!("a malformed document id"))?;
        let upload = admin
            .store
            .document(case, document)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the document is not in the table"))?
            .upload_id;
        let deadline = Instant::now() + HANDLER_WAIT;
        // Any upload made until now (the index holds creation times).
        let until = admin.clock.now() + time::Duration::days(1);
        while admin
            .store
            .unannounced_before(until)
            .await?
            .iter()
            .any(|unannounced| unannounced.id == upload)
        {
            if Instant::now() >= deadline {
                anyhow::bail!(
                    "the upload is not announced after {} s",
                    HANDLER_WAIT.as_secs()
                );
            }
            tokio::time::sleep(POLL).await;
        }
        Ok(())
    };
    Checked::local(wait.await)
}
