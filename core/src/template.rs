//! Encoding: the fixed text each encoding puts around the two values of a report (its
//! template), and the one encoder that both encodings share.

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
