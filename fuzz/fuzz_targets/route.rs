//! `route::match_resource` and `route::match_path` on arbitrary request targets: never panic,
//! stable, and agree with docs/behaviour.md, section 1, written independently as segment
//! comparisons, with the Online form's query decoded by the `percent-encoding` crate and the
//! contract's rules applied on top (`oracles::route`), under the default prefixes and under
//! other prefix lists. A matched call's ranges slice its values as written, and each value
//! decodes to the oracle's text by every means `Escaped` offers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::Fault;
use mediadiag::route::{DEFAULT_PREFIXES, MAX_URI_LEN, QueryParameter, Resource, match_path, match_resource};
use oracles::route::Href;

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

    let resource = match_resource(path, prefixes);
    assert_eq!(resource, match_resource(path, prefixes), "not stable");
    let expected = oracles::route::resource(path, prefixes);
    match (&resource, &expected) {
        (None, None) => {}
        (Some(Ok(Resource::Conversation(target))), Some(Href::Conversation(application, conversation))) => {
            assert_eq!((target.application_id(), target.conversation_id()), (*application, *conversation));
        }
        (Some(Ok(Resource::Call(call))), Some(Href::Call(application, values))) => {
            assert_eq!(call.application_id(), *application, "{path:?}");
            assert_eq!(&path[call.application_id_range()], *application);
            for (parameter, (raw, text)) in QueryParameter::ALL.into_iter().zip(values) {
                let value = call.get(parameter);
                assert_eq!((value.raw(), &path[call.range(parameter)]), (*raw, *raw), "{parameter} of {path:?}");
                let mut buf = [0u8; MAX_URI_LEN];
                assert_eq!(value.decode_into(&mut buf), Some(text.as_str()), "{parameter} of {path:?}");
                assert_eq!(value.decoded_len(), text.len());
                assert!(value.bytes().eq(text.bytes()));
                assert_eq!(value.to_string(), *text);
                if let Some(short) = text.len().checked_sub(1) {
                    assert_eq!(value.decode_into(&mut buf[..short]), None);
                }
            }
            let media = &values[3].1;
            assert_eq!(
                call.modality().map(|m| m.name()),
                mediadiag::route::Modality::ALL
                    .into_iter()
                    .map(|m| m.name())
                    .find(|name| name.eq_ignore_ascii_case(media))
            );
        }
        (Some(Err(error)), Some(Href::Refused(name, kind))) => {
            assert_eq!(
                (error.parameter.map(QueryParameter::name), format!("{:?}", error.kind)),
                (*name, kind.to_string()),
                "{path:?}"
            );
            // Its fault never repeats the query.
            let mut buf = [0u8; Fault::MAX_LEN];
            let len = Fault::from_query_error(error).write(mediadiag::Encoding::Json, &mut buf).expect("fits");
            let body = std::str::from_utf8(&buf[..len]).expect("UTF-8");
            if let Some((_, query)) = path.split_once('?').filter(|(_, query)| query.len() > 12) {
                assert!(!body.contains(query), "the fault repeats the query");
            }
        }
        _ => panic!("{path:?} under {prefixes:?}: mediadiag {resource:?}, oracle {expected:?}"),
    }
});
