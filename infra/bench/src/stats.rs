//! Order statistics of a set of timings.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub min: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl Summary {
    /// `None` for no samples. Percentiles are nearest-rank: always a value that
    /// was actually measured.
    pub fn of(samples: &[Duration]) -> Option<Self> {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let min = *sorted.first()?;
        let rank = |p: f64| {
            let index = (p * sorted.len() as f64).ceil() as usize;
            sorted[index.clamp(1, sorted.len()) - 1]
        };
        Some(Self {
            min,
            p50: rank(0.50),
            p99: rank(0.99),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: impl IntoIterator<Item = u64>) -> Vec<Duration> {
        values.into_iter().map(Duration::from_millis).collect()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let summary = Summary::of(&ms((1..=100).rev())).unwrap();
        assert_eq!(summary.min, Duration::from_millis(1));
        assert_eq!(summary.p50, Duration::from_millis(50));
        assert_eq!(summary.p99, Duration::from_millis(99));
    }

    #[test]
    fn one_sample_is_every_percentile() {
        let summary = Summary::of(&ms([7])).unwrap();
        let seven = Duration::from_millis(7);
        assert_eq!(
            (summary.min, summary.p50, summary.p99),
            (seven, seven, seven)
        );
    }

    #[test]
    fn no_samples_have_no_summary() {
        assert!(Summary::of(&[]).is_none());
    }
}
