//! Instructions per decode, ours and the peers', counted by valgrind's callgrind: exact and
//! repeatable, whatever else the machine is doing, so a useful companion to the timings.
//!
//! ```text
//! cargo build --release -p mediadiag-benches --bin instructions
//! target/release/instructions            # runs itself under callgrind once per decoder
//! ```
//!
//! `instructions run NAME N` decodes a seed N times with decoder NAME (what callgrind sees).

use std::hint::black_box;
use std::process::Command;

use mediadiag::Report;
use mediadiag_benches::bodies::{SEED_JSON, SEED_XML};
use mediadiag_benches::peers;

type Decoder = fn(&[u8]) -> Option<Report>;

fn ours_json(body: &[u8]) -> Option<Report> {
    Report::from_json(body).ok()
}

fn ours_xml(body: &[u8]) -> Option<Report> {
    Report::from_xml(body).ok()
}

const DECODERS: &[(&str, Decoder, &[u8])] = &[
    ("mediadiag_json", ours_json, SEED_JSON),
    ("serde_json", peers::serde_json, SEED_JSON),
    ("serde_json_core", peers::serde_json_core, SEED_JSON),
    ("mediadiag_xml", ours_xml, SEED_XML),
    ("quick_xml_serde", peers::quick_xml_serde, SEED_XML),
    ("quick_xml_events", peers::quick_xml_events, SEED_XML),
];

/// Total instructions callgrind counted for `runs` decodes with `name`.
fn count(name: &str, runs: u64) -> u64 {
    let out = std::env::temp_dir().join(format!("mediadiag-callgrind-{}-{name}-{runs}", std::process::id()));
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--quiet"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(std::env::current_exe().expect("this program"))
        .args(["run", name, &runs.to_string()])
        .status()
        .expect("valgrind must be installed");
    assert!(status.success(), "callgrind run of {name} failed");
    let text = std::fs::read_to_string(&out).expect("callgrind output");
    let _ = std::fs::remove_file(&out);
    text.lines().find_map(|line| line.strip_prefix("totals: ")).and_then(|t| t.trim().parse().ok()).expect("totals")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("run") {
        let (_, decode, body) =
            DECODERS.iter().find(|(name, ..)| Some(*name) == args.get(2).map(String::as_str)).expect("a decoder");
        let runs: u64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
        for _ in 0..runs {
            black_box(decode(black_box(body)));
        }
        return;
    }
    // The difference between 1,000 and 11,000 runs removes start-up and loading costs.
    let per_decode: Vec<(&str, f64)> = DECODERS
        .iter()
        .map(|(name, ..)| (*name, (count(name, 11_000) - count(name, 1_000)) as f64 / 10_000.0))
        .collect();
    println!("{:<18} {:>14}", "decoder", "instructions");
    for (name, instructions) in &per_decode {
        println!("{name:<18} {instructions:>14.0}");
    }
    let of = |wanted: &str| per_decode.iter().find(|(name, _)| *name == wanted).map_or(f64::NAN, |(_, n)| *n);
    println!(
        "\nJSON seed: serde_json / mediadiag = {:.1}x, serde-json-core / mediadiag = {:.1}x",
        of("serde_json") / of("mediadiag_json"),
        of("serde_json_core") / of("mediadiag_json")
    );
    println!(
        "XML seed:  quick-xml serde / mediadiag = {:.1}x, quick-xml events / mediadiag = {:.1}x",
        of("quick_xml_serde") / of("mediadiag_xml"),
        of("quick_xml_events") / of("mediadiag_xml")
    );
}
