//! What the collector answered, counted per status, and the one INFO line a minute that says
//! so (never a line per request).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::StatusCode;

/// How often the counts are logged.
const INTERVAL: Duration = Duration::from_secs(60);

/// Responses per status code (100 to 599).
pub(crate) struct Activity {
    by_status: [AtomicU64; 500],
    /// The same, never taken: the counts since start, for the admin page.
    since_start: [AtomicU64; 500],
}

impl Activity {
    pub(crate) fn new() -> Self {
        Activity {
            by_status: std::array::from_fn(|_| AtomicU64::new(0)),
            since_start: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    /// Counts one response.
    pub(crate) fn count(&self, status: StatusCode) {
        if let Some(counter) = self.by_status.get(usize::from(status.as_u16()).wrapping_sub(100)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(counter) = self.since_start.get(usize::from(status.as_u16()).wrapping_sub(100)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The responses since start per status, those with any.
    pub(crate) fn since_start(&self) -> Vec<(u16, u64)> {
        (100..)
            .zip(&self.since_start)
            .map(|(status, counter)| (status, counter.load(Ordering::Relaxed)))
            .filter(|(_, count)| *count > 0)
            .collect()
    }

    /// The counts since the last call, as `204=1200 401=3`, and their total; taken, so the
    /// next call starts from zero.
    fn take(&self) -> (u64, String) {
        let mut total = 0;
        let mut line = String::new();
        for (index, counter) in self.by_status.iter().enumerate() {
            let count = counter.swap(0, Ordering::Relaxed);
            if count > 0 {
                total += count;
                line.push_str(&format!("{}{}={count}", if line.is_empty() { "" } else { " " }, index + 100));
            }
        }
        (total, line)
    }

    /// Logs the counts once a minute, when there were any responses.
    pub(crate) async fn log_every_minute(&self) {
        let mut ticks = tokio::time::interval(INTERVAL);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let (total, by_status) = self.take();
            if total > 0 {
                tracing::info!(responses = total, "last minute: {by_status}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_taken_per_status() {
        let activity = Activity::new();
        for status in [204, 204, 401, 503] {
            activity.count(StatusCode::from_u16(status).unwrap());
        }
        assert_eq!(activity.take(), (4, "204=2 401=1 503=1".to_owned()));
        assert_eq!(activity.take(), (0, String::new()));
        assert_eq!(activity.since_start(), [(204, 2), (401, 1), (503, 1)]);
    }
}
