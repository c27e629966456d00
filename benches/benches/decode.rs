//! Decode and encode, ours against serde_json, serde-json-core and quick-xml, in one run.
//!
//! `cargo bench -p mediadiag-benches --bench decode` prints the ratios at the end.

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Report};
use mediadiag_benches::bodies::{JSON_CORPUS, SEED_JSON, SEED_XML, XML_CORPUS};
use mediadiag_benches::{peers, ratios};

type Decoder = fn(&[u8]) -> Option<Report>;

fn ours_json(body: &[u8]) -> Option<Report> {
    Report::from_json(body).ok()
}

fn ours_xml(body: &[u8]) -> Option<Report> {
    Report::from_xml(body).ok()
}

const JSON_DECODERS: &[(&str, Decoder)] =
    &[("mediadiag", ours_json), ("serde_json", peers::serde_json), ("serde_json_core", peers::serde_json_core)];

const XML_DECODERS: &[(&str, Decoder)] = &[
    ("mediadiag", ours_xml),
    ("quick_xml_serde", peers::quick_xml_serde),
    ("quick_xml_events", peers::quick_xml_events),
];

fn decode_group(c: &mut Criterion, group: &str, decoders: &[(&str, Decoder)], bodies: &[&[u8]]) {
    let mut group = c.benchmark_group(group);
    for (name, decode) in decoders {
        group.bench_function(*name, |b| {
            b.iter(|| {
                for body in bodies {
                    black_box(decode(black_box(body)));
                }
            })
        });
    }
    group.finish();
}

fn decode(c: &mut Criterion) {
    decode_group(c, "decode_json_seed", JSON_DECODERS, &[SEED_JSON]);
    decode_group(c, "decode_xml_seed", XML_DECODERS, &[SEED_XML]);
    decode_group(c, "decode_json_corpus", JSON_DECODERS, JSON_CORPUS);
    decode_group(c, "decode_xml_corpus", XML_DECODERS, XML_CORPUS);
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PeerBody<'a> {
    error_code: &'a str,
    error_subcode: &'a str,
}

fn encode(c: &mut Criterion) {
    let report = Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure);
    let mut group = c.benchmark_group("encode_json");
    group.bench_function("mediadiag", |b| {
        let mut buf = [0u8; Report::JSON_MAX_LEN];
        b.iter(|| black_box(black_box(report).encode(Encoding::Json, &mut buf).ok()))
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            let report = black_box(report);
            let body = PeerBody {
                error_code: report.error_code.map_or("", ErrorCode::as_str),
                error_subcode: report.error_subcode.map_or("", ErrorSubcode::as_str),
            };
            black_box(serde_json::to_vec(&body).ok())
        })
    });
    group.finish();
    let mut group = c.benchmark_group("encode_xml");
    group.bench_function("mediadiag", |b| {
        let mut buf = [0u8; Report::XML_MAX_LEN];
        b.iter(|| black_box(black_box(report).encode(Encoding::Xml, &mut buf).ok()))
    });
    group.bench_function("format", |b| {
        b.iter(|| {
            let report = black_box(report);
            black_box(format!(
                r#"<?xml version="1.0" encoding="utf-8"?><input xmlns="{}"><property name="errorCode">{}</property><property name="errorSubcode">{}</property></input>"#,
                mediadiag::UCWA_NAMESPACE,
                report.error_code.map_or("", ErrorCode::as_str),
                report.error_subcode.map_or("", ErrorSubcode::as_str)
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, decode, encode);

fn main() {
    // Every peer must reach the same verdict on the seeds before its speed means anything.
    for (name, decode) in JSON_DECODERS {
        assert_eq!(decode(SEED_JSON), ours_json(SEED_JSON), "{name} disagrees on the JSON seed");
    }
    for (name, decode) in XML_DECODERS {
        assert_eq!(decode(SEED_XML), ours_xml(SEED_XML), "{name} disagrees on the XML seed");
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    println!("\nRatios (peer median / mediadiag median, same run):");
    for group in ["decode_json_seed", "decode_json_corpus"] {
        ratios::print_ratios(group, "mediadiag", &["serde_json", "serde_json_core"]);
    }
    for group in ["decode_xml_seed", "decode_xml_corpus"] {
        ratios::print_ratios(group, "mediadiag", &["quick_xml_serde", "quick_xml_events"]);
    }
    ratios::print_ratios("encode_json", "mediadiag", &["serde_json"]);
    ratios::print_ratios("encode_xml", "mediadiag", &["format"]);
}
