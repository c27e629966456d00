//! Prints what mediadiag and the oracle answer for each file given, e.g. a crash artifact:
//!
//!     cargo run --release --example triage -- xml artifacts/xml_differential/crash-*
fn main() {
    let mut args = std::env::args().skip(1);
    let encoding = args.next().unwrap_or_default();
    for path in args {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (ours, oracle) = match encoding.as_str() {
            "json" => (mediadiag::Report::from_json(&data), oracles::json::verdict(&data)),
            "xml" => (mediadiag::Report::from_xml(&data), oracles::xml::verdict(&data)),
            _ => panic!("usage: triage json|xml FILE..."),
        };
        println!(
            "{path}\n  input:     {:?}\n  mediadiag: {ours:?}\n  oracle:    {oracle:?}",
            String::from_utf8_lossy(&data)
        );
    }
}
