//! What the writers count, through the `metrics` facade (feature `metrics`): names and labels
//! are those of docs/behaviour.md section 7. Without the feature nothing is counted; the names
//! are always here. The `store` label is the name the owner gave the store.

/// Time one batch's commit took: histogram, label `store`.
pub const STORE_COMMIT_DURATION_SECONDS: &str = "mediadiag_store_commit_duration_seconds";
/// Reports in one committed batch: histogram, label `store`.
pub const STORE_BATCH_REPORTS: &str = "mediadiag_store_batch_reports";
/// Reports waiting in a store's queue: gauge, label `store`.
pub const STORE_QUEUE_REPORTS: &str = "mediadiag_store_queue_reports";

/// Records one committed (or failed) batch of `store`: its duration and its size.
pub(crate) fn commit(store: &str, seconds: f64, reports: usize) {
    #[cfg(feature = "metrics")]
    {
        let store = store.to_owned();
        metrics::histogram!(STORE_COMMIT_DURATION_SECONDS, "store" => store.clone()).record(seconds);
        metrics::histogram!(STORE_BATCH_REPORTS, "store" => store).record(reports as f64);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (store, seconds, reports);
}

/// The reports waiting in `store`'s queue.
pub(crate) fn queue(store: &str, reports: usize) {
    #[cfg(feature = "metrics")]
    metrics::gauge!(STORE_QUEUE_REPORTS, "store" => store.to_owned()).set(reports as f64);
    #[cfg(not(feature = "metrics"))]
    let _ = (store, reports);
}
