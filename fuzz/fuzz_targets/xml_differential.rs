//! mediadiag's XML decoder against the roxmltree oracle (`oracles::xml`, docs/behaviour.md, section 4):
//! the verdict, the subcode, the property of a validation failure and the decoded values
//! agree on every input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::Report;
use oracles::Verdict;

fuzz_target!(|data: &[u8]| {
    let ours = Verdict::of(Report::from_xml(data));
    let oracle = oracles::xml::verdict(data);
    assert_eq!(
        ours,
        oracle,
        "mediadiag (left) and the roxmltree oracle (right) disagree on {:?}",
        String::from_utf8_lossy(data)
    );
});
