//! mediadiag's JSON decoder against the serde_json oracle (`oracles::json`, docs/behaviour.md, section 4):
//! the verdict, the subcode, the property of a validation failure and the decoded values
//! agree on every input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::Report;
use oracles::Verdict;

fuzz_target!(|data: &[u8]| {
    let ours = Verdict::of(Report::from_json(data));
    let oracle = oracles::json::verdict(data);
    assert_eq!(
        ours,
        oracle,
        "mediadiag (left) and the serde_json oracle (right) disagree on {:?}",
        String::from_utf8_lossy(data)
    );
});
