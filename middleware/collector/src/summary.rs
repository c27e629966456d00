//! `mediadiag-collector summary`: what the phones reported over a window, per errorCode and
//! errorSubcode, largest first.

use std::process::ExitCode;
use std::time::SystemTime;

use serde_json::json;

use crate::cli::Summary;
use crate::store::{StoreUrl, summary_rows};

/// Widest bar, in terminal cells.
const BAR_WIDTH: u64 = 40;

/// Prints the summary: a table with bars, or with `--json` one object.
pub(crate) fn run(flags: &Summary) -> ExitCode {
    let url = match StoreUrl::parse(&flags.store) {
        Ok(url) => url,
        Err(why) => return crate::exit_usage("--store", &crate::store::redact(&flags.store), &why),
    };
    // A window that reaches before 1970 starts there: RFC 3339 text is written from there on,
    // and no report is older.
    let since =
        SystemTime::now().checked_sub(flags.since).unwrap_or(SystemTime::UNIX_EPOCH).max(SystemTime::UNIX_EPOCH);
    let rows = match summary_rows(&url, since) {
        Ok(rows) => rows,
        Err(why) => return crate::exit_usage("--store", &url.name(), &why),
    };
    let total: u64 = rows.iter().map(|row| row.count).sum();
    let first = rows.iter().map(|row| row.first.as_str()).min();
    let last = rows.iter().map(|row| row.last.as_str()).max();
    let since = crate::store::rfc3339(since);
    if flags.json {
        let rows: Vec<_> = rows
            .iter()
            .map(|row| json!({"errorCode": row.error_code, "errorSubcode": row.error_subcode, "count": row.count}))
            .collect();
        println!("{}", json!({"since": since, "total": total, "first": first, "last": last, "rows": rows}));
        return ExitCode::SUCCESS;
    }
    println!("reports received since {since} ({}): {total}", humantime::format_duration(flags.since));
    let widest = rows.iter().map(|row| row.count).max().unwrap_or(1);
    let name = |value: &Option<String>| value.clone().unwrap_or_else(|| "(none)".to_owned());
    for row in &rows {
        let cells = (row.count * BAR_WIDTH).div_ceil(widest);
        let bar = "█".repeat(usize::try_from(cells).unwrap_or(0));
        println!("  {:<22} {:<34} {:>9}  {bar}", name(&row.error_code), name(&row.error_subcode), row.count);
    }
    if let (Some(first), Some(last)) = (first, last) {
        println!("first received {first}, last received {last}");
    }
    ExitCode::SUCCESS
}
