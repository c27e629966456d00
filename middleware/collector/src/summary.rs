//! `mediadiag-collector summary`: what the phones reported over a window, counted by any
//! dimensions (per errorCode and errorSubcode by default), largest first: a table with bars,
//! JSON or CSV.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use serde_json::json;

use crate::cli::{Moment, Summary};
use crate::store::{Counted, Counting, Dimension, Reader, StoreUrl};

/// Widest bar, in terminal cells.
const BAR_WIDTH: u64 = 40;
/// Widest column of the table, in characters; longer values are cut with `…`.
const WIDEST_COLUMN: usize = 60;

/// Prints the summary: a table with bars, or with `--json` one object, or with `--csv` CSV.
pub(crate) fn run(flags: &Summary) -> ExitCode {
    let url = match StoreUrl::parse(&flags.store) {
        Ok(url) => url,
        Err(why) => return crate::exit_usage("--store", &crate::store::redact(&flags.store), &why),
    };
    let mut by: Vec<Dimension> = Vec::new();
    for dimension in &flags.by {
        if !by.contains(dimension) {
            by.push(*dimension);
        }
    }
    let now = SystemTime::now();
    let mut rows = Counting::new(by.clone(), flags.since.at(now));
    rows.until = flags.until.map(|until| until.at(now));
    rows.limit = flags.limit;
    let all = Counting { by: Vec::new(), limit: None, ..rows.clone() };
    let reading =
        Reader::new(&url, Duration::from_secs(30)).and_then(|mut reader| reader.read_blocking(&[rows.clone(), all]));
    let mut answers = match reading {
        Ok(reading) => reading.answers.into_iter(),
        Err(why) => return crate::exit_usage("--store", &url.name(), &why),
    };
    let rows_counted = answers.next().unwrap_or_default();
    let total = answers.next().and_then(|mut total| total.pop()).unwrap_or(Counted::new(Vec::new(), 0, None, None));
    let fields: Vec<&str> = by.iter().flat_map(|dimension| dimension.fields().iter().copied()).collect();
    let since = crate::store::rfc3339(rows.since);
    if flags.json {
        let json_rows: Vec<_> = rows_counted
            .iter()
            .map(|row| {
                let mut object = serde_json::Map::new();
                for (field, value) in fields.iter().zip(&row.keys) {
                    object.insert((*field).to_owned(), json!(value));
                }
                object.insert("count".to_owned(), json!(row.count));
                serde_json::Value::Object(object)
            })
            .collect();
        let by: Vec<&str> = by.iter().map(|dimension| dimension.name()).collect();
        let until = rows.until.map(crate::store::rfc3339);
        println!(
            "{}",
            json!({"since": since, "until": until, "by": by, "total": total.count, "first": total.first,
                   "last": total.last, "rows": json_rows})
        );
        return ExitCode::SUCCESS;
    }
    if flags.csv {
        let mut text = String::new();
        let header: Vec<String> = fields.iter().chain(&["count"]).map(|field| csv_field(field)).collect();
        text.push_str(&header.join(","));
        text.push_str("\r\n");
        for row in &rows_counted {
            for value in &row.keys {
                text.push_str(&csv_field(value.as_deref().unwrap_or("")));
                text.push(',');
            }
            let _ = write!(text, "{}\r\n", row.count);
        }
        print!("{text}");
        return ExitCode::SUCCESS;
    }
    let until = rows.until.map(crate::store::rfc3339);
    print!("{}", table(flags.since, &since, until.as_deref(), &fields, &rows_counted, &total));
    ExitCode::SUCCESS
}

/// The terminal table: the window and total, one line per row with a bar, the first and last
/// time received.
fn table(
    start: Moment,
    since: &str,
    until: Option<&str>,
    fields: &[&str],
    rows: &[Counted],
    total: &Counted,
) -> String {
    let mut text = String::new();
    let _ = match (start, until) {
        (Moment::Ago(ago), None) => {
            writeln!(text, "reports received since {since} ({}): {}", humantime::format_duration(ago), total.count)
        }
        (Moment::At(_), None) => writeln!(text, "reports received since {since}: {}", total.count),
        (_, Some(until)) => writeln!(text, "reports received from {since} until {until}: {}", total.count),
    };
    let cell = |value: &Option<String>| match value {
        Some(value) => printable(value),
        None => "(none)".to_owned(),
    };
    // The pair's columns keep their widths of old, so the default table reads as it did.
    let widths: Vec<usize> = fields
        .iter()
        .enumerate()
        .map(|(column, field)| {
            let least = match *field {
                "errorCode" => 22,
                "errorSubcode" => 34,
                _ => 0,
            };
            let longest = rows.iter().map(|row| cell(&row.keys[column]).chars().count()).max().unwrap_or(0);
            longest.clamp(least, WIDEST_COLUMN.max(least))
        })
        .collect();
    let widest = rows.iter().map(|row| row.count).max().unwrap_or(1);
    for row in rows {
        text.push(' ');
        for (value, width) in row.keys.iter().zip(&widths) {
            let value = cut(&cell(value), *width);
            let _ = write!(text, " {value:<width$}");
        }
        let cells = (row.count * BAR_WIDTH).div_ceil(widest);
        let bar = "█".repeat(usize::try_from(cells).unwrap_or(0));
        let _ = writeln!(text, " {:>9}  {bar}", row.count);
    }
    if let (Some(first), Some(last)) = (&total.first, &total.last) {
        let _ = writeln!(text, "first received {first}, last received {last}");
    }
    text
}

/// `value` with every control character escaped: user agents come from phones, and a
/// terminal must not take one for a command.
fn printable(value: &str) -> String {
    value.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

/// `value` cut to `width` characters, the last one `…` when it was longer.
fn cut(value: &str, width: usize) -> String {
    if value.chars().count() <= width {
        return value.to_owned();
    }
    let mut cut: String = value.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. A value
/// that a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) is prefixed with `'`, so that a user agent cannot run one.
fn csv_field(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\r', '\n']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Polycom/5.9"), "Polycom/5.9");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn control_characters_are_escaped_and_long_values_cut() {
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
