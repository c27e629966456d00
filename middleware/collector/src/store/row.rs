//! One stored report: the row every store writes, mapped once from the batch's record.

use std::time::SystemTime;

use mediadiag_batch::Record;
use serde::Serialize;

/// The columns of table `reports`, in the order of [`ReportRow`]'s fields. A macro, so that
/// each store's SQL stays one literal.
macro_rules! report_columns {
    () => {
        "received_at, application_id, conversation_id, error_code, error_subcode, media_type, \
         user_agent, principal, remote_addr, call_id, from_uri, to_uri, modality"
    };
}
pub(crate) use report_columns;

/// A report as stored: the columns of table `reports`, and the fields (in camelCase) of a
/// JSON line.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReportRow<'a> {
    /// When the report was accepted, as [`rfc3339`] writes it.
    pub(crate) received_at: String,
    pub(crate) application_id: &'a str,
    pub(crate) conversation_id: Option<&'a str>,
    pub(crate) error_code: Option<&'static str>,
    pub(crate) error_subcode: Option<&'static str>,
    pub(crate) media_type: &'static str,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) principal: Option<&'a str>,
    pub(crate) remote_addr: Option<String>,
    pub(crate) call_id: Option<&'a str>,
    pub(crate) from_uri: Option<&'a str>,
    pub(crate) to_uri: Option<&'a str>,
    pub(crate) modality: Option<&'a str>,
}

impl<'a> ReportRow<'a> {
    /// The row of `record`, borrowing its text.
    pub(crate) fn of(record: &'a Record) -> Self {
        ReportRow {
            received_at: rfc3339(record.received_at),
            application_id: &record.application_id,
            conversation_id: record.conversation_id.as_deref(),
            error_code: record.report.error_code.map(|code| code.as_str()),
            error_subcode: record.report.error_subcode.map(|subcode| subcode.as_str()),
            media_type: record.media_type.as_str(),
            user_agent: record.user_agent.as_deref(),
            principal: record.principal.as_deref(),
            remote_addr: record.remote_addr.map(|addr| addr.to_string()),
            call_id: record.call_id.as_deref(),
            from_uri: record.from_uri.as_deref(),
            to_uri: record.to_uri.as_deref(),
            modality: record.modality.as_deref(),
        }
    }
}

/// `received_at` as stored: RFC 3339, UTC, milliseconds (so that text order is time order,
/// and every store holds the same instant).
pub(crate) fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_line_has_one_field_per_column_in_camel_case() {
        let row = ReportRow {
            received_at: rfc3339(SystemTime::UNIX_EPOCH),
            application_id: "",
            conversation_id: None,
            error_code: None,
            error_subcode: None,
            media_type: "",
            user_agent: None,
            principal: None,
            remote_addr: None,
            call_id: None,
            from_uri: None,
            to_uri: None,
            modality: None,
        };
        let serde_json::Value::Object(line) = serde_json::to_value(&row).unwrap() else { panic!("not an object") };
        let mut fields: Vec<String> = line.keys().map(|field| field.to_lowercase()).collect();
        let mut columns: Vec<String> = report_columns!().split(", ").map(|column| column.replace('_', "")).collect();
        fields.sort();
        columns.sort();
        assert_eq!(fields, columns);
        assert_eq!(line["receivedAt"], "1970-01-01T00:00:00.000Z");
    }
}
