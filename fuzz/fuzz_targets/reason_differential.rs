//! mediadiag's error body decoder (`mediadiag::phone::Reason`) against the error body oracles
//! (`oracles::reason`, docs/behaviour.md, section 8.3): the verdict, the code, the subcode
//! (known or unknown) and the message as written agree, in JSON (serde_json) and in XML
//! (roxmltree), on every input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::Encoding;
use mediadiag::phone::Reason;
use oracles::reason::{self, ReasonVerdict};

fuzz_target!(|data: &[u8]| {
    let ours = ReasonVerdict::of(Reason::decode(Encoding::Json, data), true);
    let oracle = reason::json(data);
    assert_eq!(
        ours,
        oracle,
        "JSON: mediadiag (left) and serde_json (right) disagree on {:?}",
        String::from_utf8_lossy(data)
    );

    let (oracle, with_message) = reason::xml(data);
    let ours = ReasonVerdict::of(Reason::decode(Encoding::Xml, data), with_message);
    assert_eq!(
        ours,
        oracle,
        "XML: mediadiag (left) and roxmltree (right) disagree on {:?}",
        String::from_utf8_lossy(data)
    );
});
