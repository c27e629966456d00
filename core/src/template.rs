//! Encoding: the fixed text each encoding puts around the two values of a report (its
//! template), and the one encoder that both encodings share.
//!
//! serde-json-core is not used for JSON: the output is two fixed keys and two names that never
//! need escaping, which a direct writer produces several times faster (see docs/BENCHMARKS.md).
//! `Report` implements `serde::Serialize` with the same output, for reports embedded in
//! larger documents.

use crate::error::EncodeError;
use crate::report::Report;
use crate::text::Writer;

/// The fixed text of an encoding, in the order it is written; absent properties leave out
/// their start, value and end.
pub(crate) struct Template {
    pub(crate) start: &'static str,
    pub(crate) code_start: &'static str,
    pub(crate) code_end: &'static str,
    /// Before the subcode when no code came first.
    pub(crate) subcode_start: &'static str,
    /// Before the subcode after a code (JSON needs a comma there).
    pub(crate) subcode_after_code: &'static str,
    pub(crate) subcode_end: &'static str,
    pub(crate) end: &'static str,
}

impl Template {
    /// Length of the fixed text around both values: a report with the longest names fits
    /// in this plus the two lengths.
    pub(crate) const fn len(&self) -> usize {
        self.start.len()
            + self.code_start.len()
            + self.code_end.len()
            + self.subcode_after_code.len()
            + self.subcode_end.len()
            + self.end.len()
    }

    /// Writes `report` into `out`, returning the length written.
    pub(crate) fn encode(&self, report: &Report, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut writer = Writer::new(out);
        writer.put_str(self.start)?;
        if let Some(code) = report.error_code {
            writer.put_str(self.code_start)?;
            writer.put_str(code.as_str())?;
            writer.put_str(self.code_end)?;
        }
        if let Some(subcode) = report.error_subcode {
            writer.put_str(if report.error_code.is_some() { self.subcode_after_code } else { self.subcode_start })?;
            writer.put_str(subcode.as_str())?;
            writer.put_str(self.subcode_end)?;
        }
        writer.put_str(self.end)?;
        Ok(writer.len())
    }
}

/// The compact JSON encoding: an object with a member per value.
pub(crate) const JSON: Template = Template {
    start: "{",
    code_start: r#""errorCode":""#,
    code_end: "\"",
    subcode_start: r#""errorSubcode":""#,
    subcode_after_code: r#","errorSubcode":""#,
    subcode_end: "\"",
    end: "}",
};

/// The XML encoding: a UCWA `<input>` document with a `<property>` per value.
pub(crate) const XML: Template = Template {
    start: concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">"#
    ),
    code_start: r#"<property name="errorCode">"#,
    code_end: "</property>",
    subcode_start: r#"<property name="errorSubcode">"#,
    subcode_after_code: r#"<property name="errorSubcode">"#,
    subcode_end: "</property>",
    end: "</input>",
};
