//! `MediaType::from_content_type` and `MediaType::for_error` on arbitrary header values:
//! never panic, stable, and invariant under ASCII case changes (docs/behaviour.md, section 3: type,
//! subtype and parameter names compare case-insensitively, the charset value too, and no
//! other parameter value matters). An accepted type reads its own `Content-Type` back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::MediaType;

fuzz_target!(|data: &[u8]| {
    let (selector, value) = match data.split_first() {
        Some((&selector, value)) => (selector, value),
        None => (0, data),
    };
    let content_type = MediaType::from_content_type(value);
    assert_eq!(content_type, MediaType::from_content_type(value), "not stable");
    assert_eq!(content_type, MediaType::from_content_type(&value.to_ascii_uppercase()), "case matters");
    assert_eq!(content_type, MediaType::from_content_type(&value.to_ascii_lowercase()), "case matters");
    if let Ok(media) = content_type {
        assert_eq!(MediaType::from_content_type(media.content_type().as_bytes()), Ok(media));
        assert_eq!(MediaType::from_content_type(media.as_str().as_bytes()), Ok(media));
    }

    let request = match selector % 8 {
        6 | 7 => None,
        i => Some(MediaType::ALL[usize::from(i)]),
    };
    let chosen = MediaType::for_error(Some(value), request);
    assert_eq!(chosen, MediaType::for_error(Some(value), request), "not stable");
    assert_eq!(chosen, MediaType::for_error(Some(&value.to_ascii_uppercase()), request), "case matters");
    assert_eq!(MediaType::for_error(None, request), request.unwrap_or(MediaType::Json));
    // A value naming exactly one supported type, with nothing else, chooses it.
    if let Ok(media) = content_type
        && !value.contains(&b',')
        && !value.windows(2).any(|w| w.eq_ignore_ascii_case(b"q="))
    {
        assert_eq!(MediaType::for_error(Some(value), request), media, "Accept: {:?}", String::from_utf8_lossy(value));
    }
});
