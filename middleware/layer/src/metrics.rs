//! What the layer counts, through the `metrics` facade (feature `metrics`): names and labels
//! are those of docs/behaviour.md section 7. Without the feature nothing is counted; the
//! names are always here, for exporters and dashboards to refer to.
//!
//! No label carries an application or conversation id: every label value here comes from a
//! fixed, small set (statuses, code and subcode names).
//!
//! The request and report counters are registered once per label set and kept, so that a
//! request allocates nothing for its metrics (the benches' allocation test checks it). They
//! bind to the recorder installed when first used, so install it before serving.

use http::StatusCode;
use mediadiag::Report;

/// Intercepted requests by answer: counter, label `status`.
pub const REQUESTS_TOTAL: &str = "mediadiag_requests_total";
/// Reports answered 204: counter, labels `error_code` and `error_subcode` (absent: empty).
pub const REPORTS_TOTAL: &str = "mediadiag_reports_total";

#[cfg(feature = "metrics")]
mod counters {
    use std::sync::OnceLock;

    use mediadiag::{ErrorCode, ErrorSubcode};
    use metrics::Counter;

    /// One counter per status from 100 to 599.
    pub(super) static REQUESTS: [OnceLock<Counter>; 500] = [const { OnceLock::new() }; 500];
    /// One counter per (code or none, subcode or none).
    pub(super) static REPORTS: [OnceLock<Counter>; (ErrorCode::COUNT + 1) * (ErrorSubcode::COUNT + 1)] =
        [const { OnceLock::new() }; (ErrorCode::COUNT + 1) * (ErrorSubcode::COUNT + 1)];
}

/// Counts one intercepted request by its status: `mediadiag_requests_total{status}`.
pub(crate) fn request(status: StatusCode) {
    #[cfg(feature = "metrics")]
    if let Some(counter) = counters::REQUESTS.get(usize::from(status.as_u16()).wrapping_sub(100)) {
        counter.get_or_init(|| metrics::counter!(REQUESTS_TOTAL, "status" => status.as_str().to_owned())).increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = status;
}

/// Counts one report answered 204: `mediadiag_reports_total{error_code,error_subcode}`, an
/// absent value as the empty label value.
pub(crate) fn report(report: Report) {
    #[cfg(feature = "metrics")]
    {
        let code = report.error_code.map_or(0, |code| code as usize + 1);
        let subcode = report.error_subcode.map_or(0, |subcode| subcode as usize + 1);
        let index = code * (mediadiag::ErrorSubcode::COUNT + 1) + subcode;
        if let Some(counter) = counters::REPORTS.get(index) {
            counter
                .get_or_init(|| {
                    metrics::counter!(
                        REPORTS_TOTAL,
                        "error_code" => report.error_code.map_or("", |code| code.as_str()),
                        "error_subcode" => report.error_subcode.map_or("", |subcode| subcode.as_str()),
                    )
                })
                .increment(1);
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = report;
}
