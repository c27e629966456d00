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
use mediadiag::route::Modality;

/// Intercepted requests by answer: counter, label `status`.
pub const REQUESTS_TOTAL: &str = "mediadiag_requests_total";
/// Reports answered 204: counter, labels `error_code`, `error_subcode` and `modality`
/// (absent: empty; a `mediaType` UCWA does not name: `other`).
pub const REPORTS_TOTAL: &str = "mediadiag_reports_total";

/// The `modality` label of a report: empty for the documented href (which names none), a
/// modality UCWA names, or `other`. A fixed, small set, so the label stays bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModalityLabel {
    Absent,
    Known(Modality),
    Other,
}

impl ModalityLabel {
    /// How many values there are.
    #[cfg(feature = "metrics")]
    const COUNT: usize = Modality::ALL.len() + 2;

    #[cfg(feature = "metrics")]
    fn index(self) -> usize {
        match self {
            ModalityLabel::Absent => 0,
            ModalityLabel::Known(modality) => {
                1 + Modality::ALL.iter().position(|known| *known == modality).unwrap_or_default()
            }
            ModalityLabel::Other => Self::COUNT - 1,
        }
    }

    #[cfg(feature = "metrics")]
    fn as_str(self) -> &'static str {
        match self {
            ModalityLabel::Absent => "",
            ModalityLabel::Known(modality) => modality.name(),
            ModalityLabel::Other => "other",
        }
    }
}

#[cfg(feature = "metrics")]
mod counters {
    use std::sync::OnceLock;

    use mediadiag::{ErrorCode, ErrorSubcode};
    use metrics::Counter;

    /// One counter per status from 100 to 599.
    pub(super) static REQUESTS: [OnceLock<Counter>; 500] = [const { OnceLock::new() }; 500];
    const REPORT_LABELS: usize = (ErrorCode::COUNT + 1) * (ErrorSubcode::COUNT + 1) * super::ModalityLabel::COUNT;

    /// One counter per (code or none, subcode or none, modality label).
    pub(super) static REPORTS: [OnceLock<Counter>; REPORT_LABELS] = [const { OnceLock::new() }; REPORT_LABELS];
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

/// Counts one report answered 204: `mediadiag_reports_total{error_code,error_subcode,modality}`,
/// an absent value as the empty label value.
pub(crate) fn report(report: Report, modality: ModalityLabel) {
    #[cfg(feature = "metrics")]
    {
        let code = report.error_code.map_or(0, |code| code as usize + 1);
        let subcode = report.error_subcode.map_or(0, |subcode| subcode as usize + 1);
        let pair = code * (mediadiag::ErrorSubcode::COUNT + 1) + subcode;
        let index = pair * ModalityLabel::COUNT + modality.index();
        if let Some(counter) = counters::REPORTS.get(index) {
            counter
                .get_or_init(|| {
                    metrics::counter!(
                        REPORTS_TOTAL,
                        "error_code" => report.error_code.map_or("", |code| code.as_str()),
                        "error_subcode" => report.error_subcode.map_or("", |subcode| subcode.as_str()),
                        "modality" => modality.as_str(),
                    )
                })
                .increment(1);
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (report, modality);
}
