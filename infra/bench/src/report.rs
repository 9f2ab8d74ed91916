//! The report: what was measured, against the targets, as Markdown.

use std::fmt::Write;
use std::time::Duration;

use crate::cold_start::{ColdStart, SPAWNS};
use crate::events::Function;
use crate::passwords::ExpiryJob;
use crate::stats::Summary;
use crate::warm;

/// Cold start to response may take at most this many times the baseline's.
pub const COLD_START_RATIO_LIMIT: f64 = 3.0;
/// The handler's own cost, on the fakes, at the median.
pub const WARM_P50_LIMIT: Duration = Duration::from_millis(1);
pub const SIZE_LIMIT_BYTES: u64 = 8 * MIB;
/// Peak memory of a cold start and its first invocation.
pub const RSS_LIMIT_BYTES: u64 = 32 * MIB;
/// The peer's init may take no less than this many times ours.
pub const PEER_INIT_RATIO_TARGET: f64 = 10.0;
/// Nor use less than this many times less memory.
pub const PEER_MEMORY_RATIO_TARGET: f64 = 3.0;
const MIB: u64 = 1024 * 1024;

pub struct ColdSummary {
    pub to_next: Summary,
    pub to_response: Summary,
    /// The median of the spawns' peak resident sets.
    pub peak_rss_bytes: u64,
}

impl ColdSummary {
    pub fn of(samples: &[ColdStart]) -> anyhow::Result<Self> {
        let to_next: Vec<_> = samples.iter().map(|s| s.to_next).collect();
        let to_response: Vec<_> = samples.iter().map(|s| s.to_response).collect();
        let mut rss: Vec<u64> = samples.iter().map(|s| s.peak_rss_bytes).collect();
        rss.sort_unstable();
        match (Summary::of(&to_next), Summary::of(&to_response)) {
            (Some(to_next), Some(to_response)) => Ok(Self {
                to_next,
                to_response,
                peak_rss_bytes: rss[rss.len() / 2],
            }),
            _ => anyhow::bail!("no cold start was measured"),
        }
    }
}

/// Everything measured about one binary. The baseline has no warm figures.
pub struct Measured {
    pub function: Function,
    pub cold: anyhow::Result<ColdSummary>,
    pub fakes: Option<anyhow::Result<Summary>>,
    pub emulator: Option<anyhow::Result<Summary>>,
    /// `None` for the peer, which is a script and its packages.
    pub size: Option<anyhow::Result<u64>>,
}

pub struct Report {
    /// What ran where, for the header.
    pub context: String,
    pub baseline: Measured,
    pub functions: Vec<Measured>,
    /// The Node.js peer's functions: cold starts only.
    pub peers: Vec<Measured>,
    /// The emulator's share of every cold start, to read those figures by.
    pub secret_round_trip: anyhow::Result<Summary>,
    pub argon2_verify: anyhow::Result<Summary>,
    pub expiry_job: anyhow::Result<ExpiryJob>,
}

impl Report {
    /// Everything that could not be measured, with the reason.
    pub fn unmeasured(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if let Err(err) = &self.argon2_verify {
            missing.push(format!("Argon2id verification: {err:#}"));
        }
        if let Err(err) = &self.expiry_job {
            missing.push(format!("expiry job: {err:#}"));
        }
        for measured in std::iter::once(&self.baseline)
            .chain(&self.functions)
            .chain(&self.peers)
        {
            let name = measured.function.binary();
            let mut note =
                |what: &str, err: &anyhow::Error| missing.push(format!("{name}, {what}: {err:#}"));
            if let Err(err) = &measured.cold {
                note("cold start", err);
            }
            if let Some(Err(err)) = &measured.fakes {
                note("warm on fakes", err);
            }
            if let Some(Err(err)) = &measured.emulator {
                note("warm on the emulator", err);
            }
            if let Some(Err(err)) = &measured.size {
                note("size", err);
            }
        }
        if let Err(err) = &self.secret_round_trip {
            missing.push(format!("emulator round trip: {err:#}"));
        }
        missing
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "# Portcullis benchmark\n")?;
        writeln!(out, "{}\n", self.context)?;
        self.write_targets(out)?;
        self.write_cold_starts(out)?;
        self.write_peer(out)?;
        self.write_warm(out)?;
        self.write_sizes(out)?;
        self.write_references(out)?;
        self.write_passwords(out)?;
        self.write_notes(out)
    }

    fn write_passwords(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Passwords\n")?;
        writeln!(out, "| what | figure |")?;
        writeln!(out, "| --- | --- |")?;
        match &self.argon2_verify {
            Ok(verify) => writeln!(
                out,
                "| Argon2id verification (m = 19 MiB, t = 2, p = 1), in process | p50 {:.1} ms, p99 {:.1} ms, min {:.1} ms |",
                verify.p50.as_secs_f64() * 1e3,
                verify.p99.as_secs_f64() * 1e3,
                verify.min.as_secs_f64() * 1e3,
            )?,
            Err(err) => writeln!(out, "| Argon2id verification | not measured: {err:#} |")?,
        }
        match &self.expiry_job {
            Ok(job) => writeln!(
                out,
                "| expiry job, {} firm users in {} firms all due a notice, fanned out to {} `run-jobs` at once, against the emulator | {:.1} s, {:.0} users/s, {} notices |\n",
                job.users,
                job.firms,
                job.workers,
                job.elapsed.as_secs_f64(),
                job.users_per_second(),
                job.notices,
            ),
            Err(err) => writeln!(out, "| expiry job | not measured: {err:#} |\n"),
        }
    }

    fn baseline_response(&self) -> Option<Duration> {
        self.baseline
            .cold
            .as_ref()
            .ok()
            .map(|cold| cold.to_response.p50)
    }

    fn write_targets(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Targets\n")?;
        writeln!(
            out,
            "| function | cold start → response, × baseline (≤ {COLD_START_RATIO_LIMIT}×) | warm p50 on fakes (< 1 ms) | stripped size (< 8 MiB) |"
        )?;
        writeln!(out, "| --- | --- | --- | --- |")?;
        for measured in &self.functions {
            let cold = match (&measured.cold, self.baseline_response()) {
                (Ok(cold), Some(baseline)) => {
                    let ratio = ratio(cold.to_response.p50, baseline);
                    format!("{} {ratio:.1}×", verdict(ratio <= COLD_START_RATIO_LIMIT))
                }
                _ => NOT_MEASURED.to_owned(),
            };
            let warm = match &measured.fakes {
                Some(Ok(fakes)) => format!(
                    "{} {}",
                    verdict(fakes.p50 < WARM_P50_LIMIT),
                    fine(fakes.p50)
                ),
                _ => NOT_MEASURED.to_owned(),
            };
            let size = match &measured.size {
                Some(Ok(bytes)) => format!(
                    "{} {}",
                    verdict(*bytes < SIZE_LIMIT_BYTES),
                    mebibytes(*bytes)
                ),
                _ => NOT_MEASURED.to_owned(),
            };
            writeln!(
                out,
                "| {} | {cold} | {warm} | {size} |",
                measured.function.binary()
            )?;
        }
        writeln!(out)
    }

    fn write_cold_starts(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Cold start\n")?;
        writeln!(
            out,
            "Release binary spawned against a fake Lambda Runtime API for one invocation, then killed; \
             {SPAWNS} spawns per function, taking turns, after one uncounted round. \
             Median (min) from just before the spawn.\n"
        )?;
        writeln!(
            out,
            "| binary | → first `/invocation/next` | × baseline | → response posted | × baseline | peak RSS (≤ 32 MiB) |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
        let baseline = self.baseline.cold.as_ref().ok();
        for measured in std::iter::once(&self.baseline)
            .chain(&self.functions)
            .chain(&self.peers)
        {
            let name = label(measured);
            match &measured.cold {
                Ok(cold) => {
                    let times = |of: fn(&ColdSummary) -> &Summary| {
                        let summary = of(cold);
                        let factor = baseline
                            .map(|base| format!("{:.1}×", ratio(summary.p50, of(base).p50)))
                            .unwrap_or_else(|| NOT_MEASURED.to_owned());
                        format!(
                            "{} ({}) | {factor}",
                            millis(summary.p50),
                            millis(summary.min)
                        )
                    };
                    let rss = cold.peak_rss_bytes;
                    writeln!(
                        out,
                        "| {name} | {} | {} | {} {} |",
                        times(|c| &c.to_next),
                        times(|c| &c.to_response),
                        mebibytes(rss),
                        verdict(rss <= RSS_LIMIT_BYTES)
                    )?;
                }
                Err(_) => writeln!(out, "| {name} | {NOT_MEASURED} | | | | |")?,
            }
        }
        writeln!(out)
    }

    /// Each of the peer's functions against the Rust function doing the same work,
    /// from the same spawns' rounds.
    fn write_peer(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Against a Node.js peer\n")?;
        writeln!(
            out,
            "The same work in Node.js 20 with the AWS SDK for JavaScript v3 (`infra/bench/node-peer`), \
             spawned under the same fake Runtime API against the same emulator, taking turns with ours. \
             Medians; the ratio is the peer's figure over ours.\n"
        )?;
        writeln!(
            out,
            "| work | init: Rust / Node.js | × (≥ {PEER_INIT_RATIO_TARGET}×) | first response: Rust / Node.js | × | peak RSS: Rust / Node.js | × (≥ {PEER_MEMORY_RATIO_TARGET}×) |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |")?;
        for peer in &self.peers {
            let ours = self
                .functions
                .iter()
                .find(|m| m.function == peer.function.counterpart());
            let (Some(Ok(ours)), Ok(theirs)) = (ours.map(|m| &m.cold), &peer.cold) else {
                writeln!(
                    out,
                    "| {} | {NOT_MEASURED} | | | | | |",
                    peer.function.counterpart().binary()
                )?;
                continue;
            };
            let init = ratio(theirs.to_next.p50, ours.to_next.p50);
            let first = ratio(theirs.to_response.p50, ours.to_response.p50);
            let memory = theirs.peak_rss_bytes as f64 / ours.peak_rss_bytes.max(1) as f64;
            writeln!(
                out,
                "| {} | {} / {} | {init:.1}× {} | {} / {} | {first:.1}× | {} / {} | {memory:.1}× {} |",
                peer.function.counterpart().binary(),
                millis(ours.to_next.p50),
                millis(theirs.to_next.p50),
                verdict(init >= PEER_INIT_RATIO_TARGET),
                millis(ours.to_response.p50),
                millis(theirs.to_response.p50),
                mebibytes(ours.peak_rss_bytes),
                mebibytes(theirs.peak_rss_bytes),
                verdict(memory >= PEER_MEMORY_RATIO_TARGET),
            )?;
        }
        writeln!(out)
    }

    fn write_warm(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Warm handler latency\n")?;
        writeln!(
            out,
            "The handler called in-process, as a warm Lambda calls it; only the call is timed. \
             Fakes: ports in memory, {} calls after {} warm-up (the handler's own cost). \
             Emulator: the AWS adapters against the local emulator, {} calls after {} warm-up (end to end).\n",
            thousands(warm::FAKES.iterations),
            thousands(warm::FAKES.warmup),
            warm::EMULATOR.iterations,
            warm::EMULATOR.warmup,
        )?;
        writeln!(
            out,
            "| function | invocation | fakes p50 | fakes p99 | emulator p50 | emulator p99 |"
        )?;
        writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
        for measured in &self.functions {
            let pair = |result: &Option<anyhow::Result<Summary>>, unit: fn(Duration) -> String| {
                match result {
                    Some(Ok(summary)) => format!("{} | {}", unit(summary.p50), unit(summary.p99)),
                    _ => format!("{NOT_MEASURED} | "),
                }
            };
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                measured.function.binary(),
                measured.function.invocation(),
                pair(&measured.fakes, fine),
                pair(&measured.emulator, millis),
            )?;
        }
        writeln!(out)
    }

    fn write_sizes(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Binary size\n")?;
        writeln!(out, "| binary | stripped size | bytes |")?;
        writeln!(out, "| --- | --- | --- |")?;
        for measured in std::iter::once(&self.baseline).chain(&self.functions) {
            match &measured.size {
                Some(Ok(bytes)) => writeln!(
                    out,
                    "| {} | {} | {bytes} |",
                    label(measured),
                    mebibytes(*bytes)
                )?,
                _ => writeln!(out, "| {} | {NOT_MEASURED} | |", label(measured))?,
            }
        }
        writeln!(out)
    }

    fn write_references(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Reference\n")?;
        writeln!(out, "| what | p50 | p99 |")?;
        writeln!(out, "| --- | --- | --- |")?;
        let what = "`GetSecretValue` on the emulator, warm client: part of every function's init";
        match &self.secret_round_trip {
            Ok(summary) => writeln!(
                out,
                "| {what} | {} | {} |",
                fine(summary.p50),
                fine(summary.p99)
            )?,
            Err(_) => writeln!(out, "| {what} | {NOT_MEASURED} | |")?,
        }
        writeln!(out)
    }

    fn write_notes(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out, "## Notes\n")?;
        for note in [
            "The login-link response floor (600 ms in production, so registered and unknown \
             emails take the same time) is set to 0 for every measurement: it is a deliberate \
             delay, not cost. The login-link rate limits are lifted so repeated requests stay on \
             the `202` path; each request still counts its hits in the store.",
            "request-login-link is measured on its expensive path: a registered client, so each \
             call stores a link and renders and sends the email.",
            "A function's cold start includes what Lambda's would: loading the AWS configuration \
             and fetching the server key from Secrets Manager (here the emulator, one round trip \
             of which is in the reference table), before the first `/invocation/next`. The first invocation's own calls also go to the emulator, \
             whose latency is in the response figure.",
            "The emulator (LocalStack, or moto with `EMULATOR=moto`; Python either way, and \
             DynamoDB on moto's engine in both) is far slower than DynamoDB and slows down as a table \
             grows: its transactions copy the whole table, and its index queries scan it. Each \
             function's warm figure is taken on a deployment of its own, freshly seeded, so none \
             pays for another's leftovers; its own calls still grow its table (a verification \
             adds a used link, a session and two audit entries). Read the emulator columns as \
             end-to-end plumbing, not as a forecast of latency in AWS.",
            "Every cold-start and warm answer is checked (status, or the authorizer's context), \
             so only successful invocations are counted.",
        ] {
            writeln!(out, "- {note}")?;
        }
        let unmeasured = self.unmeasured();
        if !unmeasured.is_empty() {
            writeln!(out, "\n## Not measured\n")?;
            for missing in unmeasured {
                writeln!(out, "- {missing}")?;
            }
        }
        Ok(())
    }
}

const NOT_MEASURED: &str = "not measured";

fn label(measured: &Measured) -> String {
    match measured.function {
        Function::HelloLambda => format!("{} (baseline)", measured.function.binary()),
        function => function.binary().to_owned(),
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

fn ratio(value: Duration, baseline: Duration) -> f64 {
    value.as_secs_f64() / baseline.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

/// Microseconds below a millisecond, where the handlers' own costs are.
fn fine(duration: Duration) -> String {
    if duration < Duration::from_millis(1) {
        format!("{:.1} µs", duration.as_secs_f64() * 1e6)
    } else {
        millis(duration)
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / MIB as f64)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(300), "300");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
