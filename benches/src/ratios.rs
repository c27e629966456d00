//! Reads criterion's estimates after a run and prints each peer's median against ours.

use std::path::{Path, PathBuf};

/// Criterion's output folder: `CRITERION_HOME`, else `target/criterion` of the workspace.
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// The median, in nanoseconds, of one benchmark's latest run.
pub fn median_ns(group: &str, function: &str) -> Option<f64> {
    let path = criterion_home().join(group).join(function).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Prints how `ours` compares with every peer of a group: how many times faster, or, when
/// slower, how many times the peer's time it takes.
pub fn print_ratios(group: &str, ours: &str, peers: &[&str]) {
    let Some(base) = median_ns(group, ours) else {
        println!("{group}: no estimate for {ours} (filtered out?)");
        return;
    };
    for peer in peers {
        match median_ns(group, peer) {
            Some(time) if time >= base => println!(
                "{group}: {ours} is {:.2}x faster than {peer} (median {base:.0} ns vs {time:.0} ns)",
                time / base
            ),
            Some(time) => println!(
                "{group}: {ours} takes {:.2}x the time of {peer} (median {base:.0} ns vs {time:.0} ns)",
                base / time
            ),
            None => println!("{group}: no estimate for {peer}"),
        }
    }
}
