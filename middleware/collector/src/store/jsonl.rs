//! The JSON-lines store: one line per report (its row's fields in camelCase), appended to
//! stdout or a file, one write (and with `--fsync` one fsync) per batch.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use mediadiag_batch::{Batch, Store, StoreError};

use super::row::ReportRow;

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
            serde_json::to_writer(&mut self.buffer, &ReportRow::of(record))?;
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
