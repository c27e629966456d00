//! `route::match_path` on arbitrary paths: never panics, stable, and agrees with the route of
//! docs/behaviour.md, section 1, written independently as segment comparisons (`oracles::route`), under
//! the default prefixes and under other prefix lists.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::route::{DEFAULT_PREFIXES, match_path};

const PREFIX_LISTS: [&[&str]; 5] = [&DEFAULT_PREFIXES, &["/api"], &[""], &["/ucwa/v1/"], &["/a", "/a/b"]];

fuzz_target!(|data: &[u8]| {
    let (selector, path) = match data.split_first() {
        Some((&selector, path)) => (selector, path),
        None => (0, data),
    };
    let Ok(path) = std::str::from_utf8(path) else { return };
    let prefixes = PREFIX_LISTS[usize::from(selector) % PREFIX_LISTS.len()];
    let target = match_path(path, prefixes);
    assert_eq!(target, match_path(path, prefixes), "not stable");
    let ids = target.map(|t| (t.application_id(), t.conversation_id()));
    assert_eq!(ids, oracles::route::matches(path, prefixes), "path {path:?} under {prefixes:?}");
});
