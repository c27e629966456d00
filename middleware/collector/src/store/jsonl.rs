//! The JSON-lines store: one line per report, appended to stdout or a file, one write (and
//! with `--fsync` one fsync) per batch.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use mediadiag_batch::{Batch, Record, Store, StoreError};
use serde::Serialize;

use super::sqlite::rfc3339;

/// Where the lines go.
enum Output {
    Stdout,
    File { file: File, fsync: bool },
}

/// Appends each report as a JSON line.
pub struct JsonLines {
    output: Output,
    buffer: Vec<u8>,
}

/// One line: the stored columns in camelCase.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    received_at: String,
    application_id: &'a str,
    conversation_id: &'a str,
    error_code: Option<&'static str>,
    error_subcode: Option<&'static str>,
    media_type: &'static str,
    user_agent: Option<&'a str>,
    principal: Option<&'a str>,
    remote_addr: Option<String>,
}

impl<'a> Line<'a> {
    fn of(record: &'a Record) -> Self {
        Line {
            received_at: rfc3339(record.received_at),
            application_id: &record.application_id,
            conversation_id: &record.conversation_id,
            error_code: record.report.error_code.map(|code| code.as_str()),
            error_subcode: record.report.error_subcode.map(|subcode| subcode.as_str()),
            media_type: record.media_type.as_str(),
            user_agent: record.user_agent.as_deref(),
            principal: record.principal.as_deref(),
            remote_addr: record.remote_addr.map(|addr| addr.to_string()),
        }
    }
}

impl JsonLines {
    /// Lines on stdout.
    pub fn stdout() -> Self {
        JsonLines { output: Output::Stdout, buffer: Vec::new() }
    }

    /// Lines appended to `path` (created if absent); `fsync` syncs the file after each batch.
    pub fn file(path: &Path, fsync: bool) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(JsonLines { output: Output::File { file, fsync }, buffer: Vec::new() })
    }

    fn append(&mut self, batch: &Batch) -> std::io::Result<()> {
        self.buffer.clear();
        for record in batch.records() {
            serde_json::to_writer(&mut self.buffer, &Line::of(record))?;
            self.buffer.push(b'\n');
        }
        match &mut self.output {
            Output::Stdout => {
                let mut stdout = std::io::stdout().lock();
                stdout.write_all(&self.buffer)?;
                stdout.flush()
            }
            Output::File { file, fsync } => {
                file.write_all(&self.buffer)?;
                if *fsync { file.sync_data() } else { Ok(()) }
            }
        }
    }
}

impl Store for JsonLines {
    async fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
        self.append(batch).map_err(|error| StoreError::with_source("writing JSON lines failed", error))
    }
}
