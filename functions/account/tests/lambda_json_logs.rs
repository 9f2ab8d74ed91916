//! The account function's own binary, run as Lambda runs it: under a fake Runtime
//! API, with Lambda's logging settings, for one invocation. Its standard output is
//! what Lambda would send to the log group.

use std::process::Stdio;
use std::time::Duration;

use lambda_runtime_fake::{Outcome, RuntimeApi, SecretsManager};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use tokio::task::JoinHandle;

const REQUEST_ID: &str = "3f8a2c1e-5b7d-4e9f-a1c3-5e7b9d1f3a5c";
const SERVER_KEY_SECRET_ID: &str = "portcullis/server-key";
/// As the template generates it: 64 characters.
const SERVER_KEY: &str = "test-server-key-0123456789abcdef0123456789abcdef0123456789abcdef";
/// The bearer token of the sample event.
const BEARER_TOKEN: &str = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
/// A cold start of the debug build, on a machine busy with other builds.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The sample `GET /me` as API Gateway sends it when no authorizer has run, so the
/// function answers 401 without asking DynamoDB anything; it still carries a
/// bearer token, which must not reach the log.
fn anonymous_get_me() -> Value {
    let mut event: Value =
        serde_json::from_str(include_str!("../../../events/account/get-me.json"))
            .expect("the sample event is JSON");
    let context = event["requestContext"]
        .as_object_mut()
        .expect("the sample has a request context");
    context.remove("authorizer");
    assert!(
        event.to_string().contains(BEARER_TOKEN),
        "the sample carries the token"
    );
    event
}

/// Reads all of `pipe` in the background, so a full pipe never stalls the child.
fn read_all(mut pipe: impl AsyncRead + Unpin + Send + 'static) -> JoinHandle<String> {
    tokio::spawn(async move {
        let mut bytes = Vec::new();
        // A read error leaves what was read: the assertions say what is missing.
        let _ = pipe.read_to_end(&mut bytes).await;
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn timestamp(line: &Value) -> OffsetDateTime {
    let text = line["timestamp"]
        .as_str()
        .unwrap_or_else(|| panic!("no string timestamp: {line}"));
    OffsetDateTime::parse(text, &Rfc3339)
        .unwrap_or_else(|err| panic!("timestamp {text:?} is not RFC 3339 ({err}): {line}"))
}

#[tokio::test]
async fn under_lambda_every_log_line_is_lambdas_json_and_the_invocations_carry_its_request_id() {
    let runtime = RuntimeApi::start()
        .await
        .expect("the fake Runtime API starts");
    let aws = SecretsManager::start([(SERVER_KEY_SECRET_ID, SERVER_KEY)])
        .await
        .expect("the fake Secrets Manager starts");
    let invocation = runtime.expect(
        "account",
        REQUEST_ID.to_owned(),
        anonymous_get_me().to_string().into(),
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_account"))
        // What Lambda gives a function, and nothing of the test's own environment.
        .env_clear()
        .envs([
            ("AWS_LAMBDA_RUNTIME_API", runtime.address()),
            ("AWS_LAMBDA_FUNCTION_NAME", "account"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
            ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/account"),
            (
                "AWS_LAMBDA_LOG_STREAM_NAME",
                "2026/12/04/[$LATEST]0123456789abcdef",
            ),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            ("AWS_LAMBDA_LOG_LEVEL", "INFO"),
            ("AWS_ENDPOINT_URL", aws.endpoint()),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("TABLE_NAME", "portcullis"),
            ("SERVER_KEY_SECRET_ID", SERVER_KEY_SECRET_ID),
            ("DOCUMENTS_BUCKET", "portcullis-documents"),
            ("SENDER_EMAIL", "no-reply@portal.example.com"),
            ("PORTAL_URL", "https://portal.example.com"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Killed however the test ends, a failed assertion included.
        .kill_on_drop(true)
        .spawn()
        .expect("spawning the account binary");
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));

    let ended = tokio::select! {
        finished = invocation.finished => finished.map_err(|_| "the fake Runtime API went away".to_owned()),
        status = child.wait() => Err(format!("the binary exited ({status:?}) before answering")),
        () = tokio::time::sleep(TIMEOUT) => Err(format!("no answer within {TIMEOUT:?}")),
    };
    // It may have exited already; otherwise it is waiting for a second event.
    let _ = child.kill().await;
    let stdout = stdout.await.expect("reading stdout");
    let stderr = stderr.await.expect("reading stderr");
    let output = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    let finished = ended.unwrap_or_else(|why| panic!("{why}\n{output}"));

    let Outcome::Response(answer) = finished.outcome else {
        panic!("the invocation failed: {:?}\n{output}", finished.outcome);
    };
    let answer: Value = serde_json::from_slice(&answer).expect("the answer is JSON");
    assert_eq!(answer["statusCode"], 401, "{answer}");

    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(object @ Value::Object(_)) => object,
            _ => panic!("not a JSON object: {line:?}\n{output}"),
        })
        .collect();
    for line in &lines {
        for field in ["level", "message"] {
            assert!(line[field].is_string(), "no string {field}: {line}");
        }
        timestamp(line);
    }

    // Lines are stamped when written: from the event's handing out to its answer
    // they belong to the invocation, before it to the cold start.
    let asked = invocation
        .next
        .await
        .expect("the event was handed out")
        .wall_clock;
    let (started, answered_at) = (
        OffsetDateTime::from(asked),
        OffsetDateTime::from(finished.at.wall_clock),
    );
    for line in &lines {
        let at = timestamp(line);
        if at < started {
            assert!(
                line.get("requestId").is_none(),
                "a cold start line has a request id: {line}"
            );
        } else if at <= answered_at {
            assert_eq!(line["requestId"], REQUEST_ID, "{line}");
        }
    }

    let answered: Vec<_> = lines
        .iter()
        .filter(|line| line["message"] == "answered")
        .collect();
    let [answered] = answered.as_slice() else {
        panic!("not one 'answered' line\n{output}");
    };
    assert_eq!(answered["level"], "INFO");
    assert_eq!(answered["requestId"], REQUEST_ID);
    assert_eq!(answered["route"], "GET /me");
    assert_eq!(answered["status"], 401);
    assert!(answered["latency_ms"].is_u64(), "{answered}");
    assert!(answered.get("user_id").is_none(), "{answered}");

    for secret in [BEARER_TOKEN, SERVER_KEY] {
        assert!(!output.contains(secret), "{secret} was logged\n{output}");
    }
}
