//! The page's HTML and SVG, written by hand. Every text that comes from the store or the
//! request goes through [`escape`]: user agents come from phones.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mediadiag::ErrorCode;

use crate::store::Counted;

/// What the process knows without the store.
pub(super) struct Status {
    /// Each store and whether it accepts writes.
    pub(super) stores: Vec<(String, bool)>,
    /// Responses since start per HTTP status.
    pub(super) answers: Vec<(u16, u64)>,
    pub(super) started: SystemTime,
}

/// Everything one page shows.
pub(super) struct View<'a> {
    pub(super) window: Duration,
    pub(super) since: SystemTime,
    pub(super) now: SystemTime,
    /// Per hour (else per day).
    pub(super) hourly: bool,
    /// Keys: the bucket, the code, the subcode.
    pub(super) chart: &'a [Counted],
    /// Keys: the code, the subcode; the largest first.
    pub(super) pairs: Vec<Counted>,
    pub(super) total: u64,
    /// The latest report's time of all, RFC 3339.
    pub(super) latest: Option<&'a str>,
    pub(super) drill: Option<Drill<'a>>,
    /// Whether personal data may be shown.
    pub(super) personal: bool,
    pub(super) status: Status,
}

/// A pair's drill-down.
pub(super) struct Drill<'a> {
    pub(super) pair: (Option<&'a str>, Option<&'a str>),
    pub(super) total: u64,
    /// Keys: the user agent.
    pub(super) user_agents: &'a [Counted],
    /// Keys: the modality.
    pub(super) modalities: &'a [Counted],
    /// Keys: the principal, the from URI, the to URI; `None` without the credential.
    pub(super) personal: Option<[&'a [Counted]; 3]>,
}

/// One color per error code, index for index with [`ErrorCode::ALL`], so that a code keeps its
/// color from page to page; [`NO_CODE`] for an absent or unknown one.
const COLORS: [&str; ErrorCode::COUNT] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#2f4b7c",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#665191",
];
const NO_CODE: &str = "#9e9e9e";

const STYLE: &str = "\
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#f4f6f9;margin:0}
main{max-width:1200px;margin:0 auto;padding:20px 24px 40px}
header{display:flex;align-items:baseline;gap:20px;flex-wrap:wrap;margin-bottom:16px}
h1{font-size:22px;margin:0}h2{font-size:16px;margin:0 0 12px}
nav a,nav span{margin-right:6px;padding:3px 9px;border-radius:12px;text-decoration:none;color:#2f5fa7;background:#e3ebf7}
nav span{background:#2f5fa7;color:#fff}
form{display:inline}input{width:70px;font:inherit;padding:2px 6px;border:1px solid #c5ccd6;border-radius:6px}
section{background:#fff;border:1px solid #dde2e9;border-radius:10px;padding:16px 18px;margin-bottom:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;background:none;border:0;padding:0}
.card{background:#fff;border:1px solid #dde2e9;border-radius:10px;padding:12px 16px}
.card b{display:block;font-size:22px}.card small,.muted{color:#5f6b7a}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:5px 8px;border-bottom:1px solid #eef1f5;vertical-align:middle}
th{font-weight:600;color:#5f6b7a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bar{width:35%}.bar div{height:12px;border-radius:3px;background:#4e79a7;min-width:2px}
a{color:#2f5fa7}code,.ua{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;word-break:break-all}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:8px;font-size:13px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.lists{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:10px 28px;align-items:start}
.ok{color:#2e7d32}.bad{color:#c62828}.error{border-color:#e0a0a0;background:#fff5f5}
svg text{font:11px system-ui,sans-serif;fill:#5f6b7a}";

/// The page.
pub(super) fn render(view: &View<'_>) -> String {
    let mut out = head(&format!("mediadiag: {} reports in {}", view.total, span(view.window)));
    header(&mut out, view.window);
    cards(&mut out, view);
    if let Some(drill) = &view.drill {
        drill_down(&mut out, view, drill);
    }
    chart(&mut out, view);
    pairs(&mut out, view);
    footer(&mut out, view.personal);
    out
}

/// A page that could not read its store: the reason, and what the process knows.
pub(super) fn unavailable(status: &Status, why: &str) -> String {
    let mut out = head("mediadiag: the store cannot be read");
    let _ = write!(
        out,
        "<header><h1>mediadiag</h1></header><section class=\"error\"><h2>Unavailable</h2><p>{}</p></section>",
        escape(why)
    );
    status_cards(&mut out, status, None);
    out.push_str("</main></body></html>\n");
    out
}

/// A page of one sentence (a refusal).
pub(super) fn message(text: &str) -> String {
    let mut out = head("mediadiag");
    let _ = writeln!(
        out,
        "<header><h1>mediadiag</h1></header><section><p>{}</p></section></main></body></html>",
        escape(text)
    );
    out
}

fn head(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body><main>",
        escape(title)
    )
}

fn header(out: &mut String, window: Duration) {
    out.push_str("<header><h1>mediadiag</h1><nav>");
    for (label, seconds) in [("1h", 3600), ("6h", 6 * 3600), ("24h", 86400), ("7d", 7 * 86400), ("30d", 30 * 86400)] {
        if window == Duration::from_secs(seconds) {
            let _ = write!(out, "<span>{label}</span>");
        } else {
            let _ = write!(out, "<a href=\"/?since={label}\">{label}</a>");
        }
    }
    let _ = write!(
        out,
        "<form method=\"get\" action=\"/\"><input name=\"since\" value=\"{}\" aria-label=\"window\"></form></nav></header>",
        escape(&span(window))
    );
}

fn cards(out: &mut String, view: &View<'_>) {
    out.push_str("<section class=\"cards\">");
    let _ = write!(
        out,
        "<div class=\"card\" id=\"total\"><small>reports in the last {}</small><b>{}</b><small>since {}</small></div>",
        escape(&span(view.window)),
        thousands(view.total),
        escape(&when(view.since))
    );
    status_cards(out, &view.status, Some((view.latest, view.now)));
    out.push_str("</section>");
}

/// The last report's time (when known), the answers since start, the stores' readiness.
fn status_cards(out: &mut String, status: &Status, latest: Option<(Option<&str>, SystemTime)>) {
    if let Some((latest, now)) = latest {
        out.push_str("<div class=\"card\" id=\"latest\"><small>last report</small>");
        match latest.and_then(|text| humantime::parse_rfc3339_weak(text).ok()) {
            Some(time) => {
                let _ = write!(out, "<b>{}</b><small>{}</small>", escape(&ago(now, time)), escape(&when(time)));
            }
            None => out.push_str("<b>none</b><small>the store holds no report</small>"),
        }
        out.push_str("</div>");
    }
    let count =
        |wanted: fn(u16) -> bool| status.answers.iter().filter(|(code, _)| wanted(*code)).map(|(_, n)| n).sum::<u64>();
    let _ = write!(
        out,
        "<div class=\"card\" id=\"since-start\"><small>answered since start</small><b>{}</b><small>204 stored; {} refused (4xx), {} not stored (5xx); started {}</small></div>",
        thousands(count(|code| code == 204)),
        thousands(count(|code| (400..500).contains(&code))),
        thousands(count(|code| code >= 500)),
        escape(&when(status.started))
    );
    out.push_str("<div class=\"card\" id=\"stores\"><small>stores</small>");
    for (store, ready) in &status.stores {
        let (class, word) = if *ready { ("ok", "ready") } else { ("bad", "cannot write") };
        let _ = write!(out, "<div><span class=\"{class}\">● {word}</span> <code>{}</code></div>", escape(store));
    }
    out.push_str("</div>");
}

/// The stacked bar chart: reports per bucket, one color per code, with axes and a legend.
fn chart(out: &mut String, view: &View<'_>) {
    const WIDTH: f64 = 1150.0;
    const HEIGHT: f64 = 300.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 10.0;
    const BOTTOM: f64 = 34.0;
    let step = if view.hourly { 3600 } else { 86400 };
    let unit = if view.hourly { "hour" } else { "day" };
    let first = seconds(view.since) / step * step;
    let last = seconds(view.now) / step * step;
    let buckets = usize::try_from((last - first) / step + 1).unwrap_or(1);
    let bucket_key = |index: usize| {
        let time = UNIX_EPOCH + Duration::from_secs(first + index as u64 * step);
        let text = humantime::format_rfc3339_seconds(time).to_string();
        if view.hourly { text } else { text[..10].to_owned() }
    };
    // Codes, largest total first: the stacking and legend order.
    let mut codes: Vec<(Option<&str>, u64)> = Vec::new();
    for row in view.chart {
        let code = row.keys.get(1).and_then(Option::as_deref);
        match codes.iter_mut().find(|(known, _)| *known == code) {
            Some((_, total)) => *total += row.count,
            None => codes.push((code, row.count)),
        }
    }
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let keys: Vec<String> = (0..buckets).map(bucket_key).collect();
    // Per bucket, per code (in `codes` order), the count.
    let mut stacks = vec![vec![0u64; codes.len()]; buckets];
    for row in view.chart {
        let key = row.keys.first().and_then(Option::as_deref).unwrap_or("");
        let code = row.keys.get(1).and_then(Option::as_deref);
        if let (Ok(bucket), Some(index)) =
            (keys.binary_search_by(|probe| probe.as_str().cmp(key)), codes.iter().position(|(known, _)| *known == code))
        {
            stacks[bucket][index] += row.count;
        }
    }
    let highest = stacks.iter().map(|stack| stack.iter().sum::<u64>()).max().unwrap_or(0);
    let (top, tick) = axis(highest);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / buckets as f64;
    let bar = (slot * 0.8).max(1.0);
    let _ = write!(
        out,
        "<section id=\"chart\"><h2>Reports per {unit}, last {}</h2><svg role=\"img\" aria-label=\"reports per {unit}, stacked by error code\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(&span(view.window))
    );
    // The y axis: gridlines and their counts.
    let mut value = 0;
    while value <= top {
        let y = TOP + plot_height - plot_height * value as f64 / top as f64;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e6e9ee\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            thousands(value)
        );
        value += tick;
    }
    // The bars, each code stacked in legend order, with a tooltip.
    for (bucket, stack) in stacks.iter().enumerate() {
        let x = LEFT + slot * bucket as f64 + (slot - bar) / 2.0;
        let mut base = TOP + plot_height;
        for (index, count) in stack.iter().enumerate().filter(|(_, count)| **count > 0) {
            let height = plot_height * *count as f64 / top as f64;
            base -= height;
            let (code, _) = codes[index];
            let _ = write!(
                out,
                "<rect x=\"{x:.2}\" y=\"{base:.2}\" width=\"{bar:.2}\" height=\"{height:.2}\" fill=\"{}\"><title>{} {}: {}</title></rect>",
                color(code),
                escape(&keys[bucket].replace('T', " ").replace(":00:00Z", ":00")),
                escape(code.unwrap_or("(none)")),
                thousands(*count)
            );
        }
    }
    // The x axis: at most about 12 labels, on round hours or days.
    let every = label_every(buckets, view.hourly);
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#9aa4b2\"/>",
        WIDTH - RIGHT,
        TOP + plot_height,
        TOP + plot_height
    );
    for (bucket, key) in keys.iter().enumerate() {
        let at = first / step + bucket as u64;
        if !at.is_multiple_of(every as u64) {
            continue;
        }
        let x = LEFT + slot * (bucket as f64 + 0.5);
        // `2026-12-06T13:00:00Z`: the hour, or the date at midnight and for day buckets.
        let label =
            if view.hourly && &key[11..13] != "00" { format!("{}:00", &key[11..13]) } else { key[5..10].to_owned() };
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#9aa4b2\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            TOP + plot_height,
            TOP + plot_height + 4.0,
            TOP + plot_height + 17.0,
            escape(&label)
        );
    }
    let _ = write!(out, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">UTC</text>", WIDTH - RIGHT, HEIGHT - 2.0);
    if codes.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" style=\"font-size:14px\">no report in this window</text>",
            LEFT + plot_width / 2.0,
            TOP + plot_height / 2.0
        );
    }
    out.push_str("</svg><div class=\"legend\" id=\"legend\">");
    for (code, total) in &codes {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{} <span class=\"muted\">{}</span></span>",
            color(*code),
            escape(code.unwrap_or("(none)")),
            thousands(*total)
        );
    }
    out.push_str("</div></section>");
}

/// The top (code, subcode) pairs, each a link to its drill-down.
fn pairs(out: &mut String, view: &View<'_>) {
    let _ =
        write!(out, "<section id=\"pairs\"><h2>Top code and subcode pairs, last {}</h2>", escape(&span(view.window)));
    if view.pairs.is_empty() {
        out.push_str("<p class=\"muted\">No report in this window.</p></section>");
        return;
    }
    out.push_str("<table><tr><th>errorCode</th><th>errorSubcode</th><th></th><th class=\"n\">reports</th><th class=\"n\">share</th></tr>");
    let widest = view.pairs.iter().map(|row| row.count).max().unwrap_or(1).max(1);
    for row in &view.pairs {
        let code = row.keys.first().and_then(Option::as_deref);
        let subcode = row.keys.get(1).and_then(Option::as_deref);
        let link = format!(
            "/?since={}&amp;pair={}/{}",
            percent_encode(&span(view.window)),
            percent_encode(code.unwrap_or("")),
            percent_encode(subcode.unwrap_or(""))
        );
        let _ = write!(
            out,
            "<tr class=\"pair\"><td><a href=\"{link}\">{}</a></td><td><a href=\"{link}\">{}</a></td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(code.unwrap_or("(none)")),
            escape(subcode.unwrap_or("(none)")),
            bar_cell(row.count, widest, color(code)),
            thousands(row.count),
            share(row.count, view.total)
        );
    }
    out.push_str("</table></section>");
}

/// A pair's user agents and modalities and, with the credential, its principals and SIP
/// URIs.
fn drill_down(out: &mut String, view: &View<'_>, drill: &Drill<'_>) {
    let (code, subcode) = drill.pair;
    let _ = write!(
        out,
        "<section id=\"drill\"><h2>{} / {}: {} reports in the last {} <a class=\"muted\" href=\"/?since={}\">(close)</a></h2>",
        escape(code.unwrap_or("(none)")),
        escape(subcode.unwrap_or("(none)")),
        thousands(drill.total),
        escape(&span(view.window)),
        percent_encode(&span(view.window))
    );
    let fill = color(code);
    out.push_str("<div class=\"lists\">");
    list(out, "user-agents", "user agent (firmware)", drill.user_agents, drill.total, fill);
    list(out, "modalities", "modality (Online href)", drill.modalities, drill.total, fill);
    match drill.personal {
        Some([principals, from, to]) => {
            list(out, "principals", "principal", principals, drill.total, fill);
            list(out, "from-uris", "from (remote party)", from, drill.total, fill);
            list(out, "to-uris", "to (local user)", to, drill.total, fill);
        }
        None => out.push_str(
            "<p class=\"muted\" id=\"personal-hidden\">Principals and SIP URIs are shown only when the collector has an admin password (--admin-password-file).</p>",
        ),
    }
    out.push_str("</div></section>");
}

/// A table of one dimension's values and counts.
fn list(out: &mut String, id: &str, what: &str, rows: &[Counted], total: u64, fill: &str) {
    let _ = write!(
        out,
        "<table id=\"{id}\"><tr><th>{what}</th><th></th><th class=\"n\">reports</th><th class=\"n\">share</th></tr>"
    );
    let widest = rows.iter().map(|row| row.count).max().unwrap_or(1).max(1);
    for row in rows {
        let value = row.keys.first().and_then(Option::as_deref);
        let _ = write!(
            out,
            "<tr><td class=\"ua\">{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            value.map_or_else(|| "<span class=\"muted\">(none)</span>".to_owned(), escape),
            bar_cell(row.count, widest, fill),
            thousands(row.count),
            share(row.count, total)
        );
    }
    if rows.is_empty() {
        out.push_str("<tr><td class=\"muted\" colspan=\"4\">none</td></tr>");
    }
    out.push_str("</table>");
}

fn footer(out: &mut String, personal: bool) {
    let note = if personal {
        "Personal data shown: this page needs the admin password."
    } else {
        "No personal data shown: set --admin-password-file to see principals and SIP URIs."
    };
    let _ = writeln!(
        out,
        "<p class=\"muted\">{note} Counts are read at most every 5 s per query.</p></main></body></html>"
    );
}

fn bar_cell(count: u64, widest: u64, fill: &str) -> String {
    let percent = count as f64 * 100.0 / widest as f64;
    format!("<td class=\"bar\"><div style=\"width:{percent:.1}%;background:{fill}\"></div></td>")
}

fn share(count: u64, total: u64) -> String {
    if total == 0 { String::new() } else { format!("{:.1}%", count as f64 * 100.0 / total as f64) }
}

fn color(code: Option<&str>) -> &'static str {
    code.and_then(|code| ErrorCode::NAMES.iter().position(|name| *name == code))
        .and_then(|index| COLORS.get(index).copied())
        .unwrap_or(NO_CODE)
}

/// The top of the y axis and its step: a round step (1, 2 or 5 times a power of ten), about
/// at most seven of them to the top.
fn axis(highest: u64) -> (u64, u64) {
    let wanted = highest.div_ceil(7).max(1);
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            if step >= wanted {
                return (step * highest.div_ceil(step).max(1), step);
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Every how many buckets the x axis has a label: a divisor of the day (hours) or a round
/// number of days, so that labels fall on round times.
fn label_every(buckets: usize, hourly: bool) -> usize {
    let steps: &[usize] = if hourly { &[1, 2, 3, 6, 12, 24, 48, 72, 168] } else { &[1, 2, 5, 7, 14, 30, 60, 90] };
    steps.iter().copied().find(|every| buckets.div_ceil(*every) <= 12).unwrap_or(buckets.max(1))
}

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

/// A time as `2026-12-06 13:05:09 UTC`.
fn when(time: SystemTime) -> String {
    let text = humantime::format_rfc3339_seconds(time).to_string();
    format!("{} UTC", text.trim_end_matches('Z').replace('T', " "))
}

/// How long before `now` `time` was, roughly: `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`.
fn ago(now: SystemTime, time: SystemTime) -> String {
    let seconds = now.duration_since(time).map_or(0, |ago| ago.as_secs());
    match seconds {
        0..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86400 => format!("{} h ago", seconds / 3600),
        _ => format!("{} d ago", seconds / 86400),
    }
}

/// A window in its largest whole unit: `90m`, `24h`, `7d`.
fn span(window: Duration) -> String {
    let seconds = window.as_secs();
    if seconds.is_multiple_of(86400) && seconds > 86400 {
        format!("{}d", seconds / 86400)
    } else if seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

/// `1234567` as `1,234,567`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `text` safe in HTML text and in quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` percent-encoded for a query value: every byte but the unreserved ones (RFC 3986).
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A query value decoded (`+` is a space, as forms send it); `None` when it is not UTF-8 or
/// holds a malformed escape.
pub(super) fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(rest.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_query_values_round_trip() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(percent_encode("Bad Request/é"), "Bad%20Request%2F%C3%A9");
        assert_eq!(percent_decode("Bad%20Request%2F%C3%A9+x").as_deref(), Some("Bad Request/é x"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn axes_are_round_and_labels_few() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(7), (7, 1));
        assert_eq!(axis(97), (100, 20));
        assert_eq!(axis(1234), (1400, 200));
        assert_eq!(label_every(25, true), 3);
        assert_eq!(label_every(169, true), 24);
        assert_eq!(label_every(31, false), 5);
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(span(Duration::from_secs(86400)), "24h");
        assert_eq!(span(Duration::from_secs(7 * 86400)), "7d");
        assert_eq!(span(Duration::from_secs(5400)), "90m");
    }

    #[test]
    fn every_code_has_its_own_color() {
        let mut colors = COLORS.to_vec();
        colors.sort_unstable();
        colors.dedup();
        assert_eq!(colors.len(), ErrorCode::COUNT);
        assert!(!colors.contains(&NO_CODE));
    }
}
