//! mediadiag's response head reader (`mediadiag::phone::Response`) against httparse read
//! directly and the head interpreted independently (docs/behaviour.md, section 8.2): the
//! same status, head length, Content-Type, Retry-After and Content-Length, or the same
//! refusal; and a complete head cut anywhere is partial.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::MediaType;
use mediadiag::phone::{MAX_HEADERS, Response, ResponseError, RetryAfter, Status};

/// Digits, after optional white space around them.
fn digits(value: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(value).ok()?.trim_matches([' ', '\t']);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse::<u64>().unwrap_or(u64::MAX))
}

/// The oracle: httparse's own answer, and the headers read with std's string methods.
fn oracle(data: &[u8]) -> Result<Status<Response>, ResponseError> {
    let mut headers = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut headers);
    let head_len = match parsed.parse(data) {
        Ok(httparse::Status::Partial) => return Ok(Status::Partial),
        Ok(httparse::Status::Complete(len)) => len,
        Err(httparse::Error::TooManyHeaders) => return Err(ResponseError::TooManyHeaders),
        Err(_) => return Err(ResponseError::Malformed),
    };
    let headers: Vec<(&str, &[u8])> = parsed.headers.iter().map(|h| (h.name, h.value)).collect();
    let named =
        |name: &'static str| headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, value)| value);
    let lengths: Vec<Option<u64>> = named("Content-Length").map(digits).collect();
    if lengths.iter().any(Option::is_none) || lengths.windows(2).any(|w| w[0] != w[1]) {
        return Err(ResponseError::ContentLength);
    }
    let content_length = lengths.first().copied().flatten();
    if content_length.is_some() && named("Transfer-Encoding").next().is_some() {
        return Err(ResponseError::ContentLength);
    }
    let retry_after = match named("Retry-After").next() {
        None => RetryAfter::Absent,
        Some(value) => {
            digits(value).map_or(RetryAfter::NotSeconds, |s| RetryAfter::Seconds(s.min(u32::MAX.into()) as u32))
        }
    };
    let media_type =
        named("Content-Type").next().map_or(Err(mediadiag::MediaTypeError::Missing), MediaType::from_content_type);
    Ok(Status::Complete(Response { status: parsed.code.unwrap(), media_type, retry_after, head_len, content_length }))
}

fuzz_target!(|data: &[u8]| {
    let ours = Response::read(data);
    assert_eq!(
        ours,
        oracle(data),
        "mediadiag (left) and the oracle (right) disagree on {:?}",
        String::from_utf8_lossy(data)
    );
    if let Ok(Status::Complete(head)) = ours {
        assert!(head.head_len <= data.len());
        for cut in [0, head.head_len / 2, head.head_len.saturating_sub(1)] {
            if cut < head.head_len {
                assert_eq!(Response::read(&data[..cut]), Ok(Status::Partial), "cut at {cut}");
            }
        }
    }
});
