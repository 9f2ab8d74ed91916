//! The smoke test's steps as they run: one line each (step, status, latency), and
//! the report they make. A line carries an HTTP status and, on a failure, what was
//! expected and the error's code: never a body, a URL, a token or a password.

use std::future::Future;
use std::io::Write;
use std::time::{Duration, Instant};

/// What a step found: the HTTP status it got, if it made a request, and its value
/// or why it failed.
pub struct Checked<T> {
    pub status: Option<u16>,
    pub outcome: Result<T, String>,
}

impl<T> Checked<T> {
    /// A step that made no request.
    pub fn local(outcome: anyhow::Result<T>) -> Self {
        Self {
            status: None,
            outcome: outcome.map_err(|err| format!("{err:#}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    pub name: &'static str,
    pub status: Option<u16>,
    pub latency: Duration,
    /// Why it failed; `None` when it passed.
    pub failure: Option<String>,
}

impl StepResult {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// `ok   sign in                200    143 ms`, or `FAIL` and why.
    pub fn line(&self) -> String {
        let mark = if self.passed() { "ok" } else { "FAIL" };
        let status = self
            .status
            .map_or_else(|| "-".to_owned(), |status| status.to_string());
        let why = self
            .failure
            .as_ref()
            .map_or_else(String::new, |why| format!("  {why}"));
        format!(
            "{mark:<4} {:<20} {status:>3} {:>6} ms{why}",
            self.name,
            self.latency.as_millis()
        )
    }
}

/// Every step run, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub steps: Vec<StepResult>,
}

impl Report {
    /// The first step that failed.
    pub fn failed(&self) -> Option<&StepResult> {
        self.steps.iter().find(|step| !step.passed())
    }
}

/// Runs steps, printing each one's line as it ends.
pub struct Steps<'a> {
    out: &'a mut dyn Write,
    report: Report,
}

impl<'a> Steps<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            report: Report::default(),
        }
    }

    /// Runs the step `name`; its value when it passed.
    pub async fn run<T>(
        &mut self,
        name: &'static str,
        work: impl Future<Output = Checked<T>>,
    ) -> Option<T> {
        let started = Instant::now();
        let checked = work.await;
        let (value, failure) = match checked.outcome {
            Ok(value) => (Some(value), None),
            Err(why) => (None, Some(why)),
        };
        let step = StepResult {
            name,
            status: checked.status,
            latency: started.elapsed(),
            failure,
        };
        // The report is what counts; a closed output must not stop the clean-up.
        let _ = writeln!(self.out, "{}", step.line());
        let _ = self.out.flush();
        self.report.steps.push(step);
        value
    }

    pub fn report(self) -> Report {
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_step_its_status_and_latency_and_why_it_failed() {
        let mut step = StepResult {
            name: "sign in",
            status: Some(200),
            latency: Duration::from_millis(143),
            failure: None,
        };
        assert_eq!(step.line(), "ok   sign in              200    143 ms");
        step.status = None;
        step.failure = Some("expected 201, got internal_error".into());
        assert_eq!(
            step.line(),
            "FAIL sign in                -    143 ms  expected 201, got internal_error"
        );
    }

    #[tokio::test]
    async fn the_report_names_the_first_step_that_failed_and_every_step_prints_a_line() {
        let mut out = Vec::new();
        let mut steps = Steps::new(&mut out);
        let passed = steps
            .run("create test firm", async { Checked::local(Ok(7)) })
            .await;
        let failed: Option<()> = steps
            .run("sign in", async {
                Checked {
                    status: Some(500),
                    outcome: Err("expected 200".into()),
                }
            })
            .await;
        let report = steps.report();
        assert_eq!((passed, failed), (Some(7), None));
        assert_eq!(report.failed().map(|step| step.name), Some("sign in"));
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
    }
}
