//! Logging set-up shared by every binary: in Lambda, its own JSON shape (one
//! object a line with `timestamp`, `level`, `message` and the invocation's
//! `requestId`, then the event's fields), at the level Lambda's logging controls
//! give; for local tools, readable lines.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry};

/// A level as `AWS_LAMBDA_LOG_LEVEL` (`TRACE` … `ERROR`, `FATAL`) or `RUST_LOG`
/// (`error`, `warn`, `info`, `debug`, `trace`, `off`) names it. Only a plain
/// level: per-module directives would need a regex engine in every binary.
fn parse_level(raw: &str) -> Option<LevelFilter> {
    match raw.trim() {
        fatal if fatal.eq_ignore_ascii_case("fatal") => Some(LevelFilter::ERROR),
        other => other.parse().ok(),
    }
}

/// `AWS_LAMBDA_LOG_LEVEL` (the function's `ApplicationLogLevel`), else
/// `RUST_LOG`, else `info`.
fn level() -> LevelFilter {
    ["AWS_LAMBDA_LOG_LEVEL", "RUST_LOG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().as_deref().and_then(parse_level))
        .unwrap_or(LevelFilter::INFO)
}

/// The subscriber of a Lambda function, writing to `writer`.
pub(crate) fn lambda_subscriber<W>(writer: W, level: LevelFilter) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    Registry::default().with(RequestIds).with(
        tracing_subscriber::fmt::layer()
            .event_format(LambdaJson)
            .with_writer(writer)
            .with_filter(level),
    )
}

/// Lambda's JSON log lines on standard output, which Lambda sends to the
/// function's log group (and, with `LogFormat: JSON`, reads as its own).
pub fn init_json() {
    lambda_subscriber(std::io::stdout, level()).init();
}

/// Human-readable logs for local tools.
pub fn init_pretty() {
    tracing_subscriber::fmt()
        .with_max_level(level())
        .with_target(false)
        .init();
}

/// The invocation's id, kept on the span the Lambda runtime opens for each
/// (`requestId` is one of its fields).
struct RequestId(String);

struct RequestIds;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for RequestIds {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(Value::String(request_id)), Some(span)) =
            (fields.values.remove("requestId"), ctx.span(id))
        {
            span.extensions_mut().insert(RequestId(request_id));
        }
    }
}

/// An event's fields as JSON values, its message apart.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    values: Map<String, Value>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(text) => text,
                other => other.to_string(),
            });
        } else {
            self.values.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

struct LambdaJson;

impl<S, N> FormatEvent<S, N> for LambdaJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'w> FormatFields<'w> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut line = Map::new();
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        line.insert("timestamp".into(), Value::from(now));
        line.insert(
            "level".into(),
            Value::from(event.metadata().level().as_str()),
        );
        line.insert(
            "message".into(),
            Value::from(fields.message.unwrap_or_default()),
        );
        let request_id = ctx.event_scope().and_then(|scope| {
            scope
                .from_root()
                .find_map(|span| span.extensions().get::<RequestId>().map(|id| id.0.clone()))
        });
        if let Some(id) = request_id {
            line.insert("requestId".into(), Value::from(id));
        }
        for (name, value) in fields.values {
            line.entry(name).or_insert(value);
        }
        writeln!(writer, "{}", Value::Object(line))
    }
}

/// What a subscriber wrote, for the crate's tests to read back.
#[cfg(test)]
pub(crate) mod capture {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use serde_json::{Map, Value};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    pub struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Self;
        fn make_writer(&'w self) -> Self {
            self.clone()
        }
    }

    pub fn lines(captured: &Captured) -> Vec<Map<String, Value>> {
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::capture::{Captured, lines};
    use super::*;

    #[test]
    fn a_line_has_lambdas_timestamp_level_message_and_request_id_then_its_fields() {
        let captured = Captured::default();
        let subscriber = lambda_subscriber(captured.clone(), LevelFilter::INFO);
        tracing::subscriber::with_default(subscriber, || {
            // As the Lambda runtime opens one around each invocation
            // (lambda_runtime::layers::trace::request_span).
            let request_id = String::from("8476a536-e9f4-11e8-9739-2dfe598c3fcd");
            let invocation = tracing::info_span!("Lambda runtime invoke", requestId = &request_id);
            let _entered = invocation.enter();
            let inner = tracing::info_span!("handler", user_id = "u-1");
            let _inner = inner.enter();
            tracing::info!(route = "POST /auth/password", status = 200_u16, "answered");
            tracing::debug!("below the level: not written");
        });
        tracing::subscriber::with_default(
            lambda_subscriber(captured.clone(), LevelFilter::INFO),
            || {
                tracing::warn!("at init, before any invocation");
            },
        );
        let lines = lines(&captured);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let answered = &lines[0];
        assert!(OffsetDateTime::parse(answered["timestamp"].as_str().unwrap(), &Rfc3339).is_ok());
        assert_eq!(answered["level"], "INFO");
        assert_eq!(answered["message"], "answered");
        assert_eq!(
            answered["requestId"],
            "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
        );
        assert_eq!(answered["route"], "POST /auth/password");
        assert_eq!(answered["status"], 200);
        let init = &lines[1];
        assert_eq!(init["level"], "WARN");
        assert!(!init.contains_key("requestId"));
    }

    #[test]
    fn lambda_and_rust_level_names_are_understood() {
        assert_eq!(parse_level("DEBUG"), Some(LevelFilter::DEBUG));
        assert_eq!(parse_level("FATAL"), Some(LevelFilter::ERROR));
        assert_eq!(parse_level("warn"), Some(LevelFilter::WARN));
        assert_eq!(parse_level("info,hyper=off"), None);
    }
}
